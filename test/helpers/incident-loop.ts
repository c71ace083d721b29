import { incidentWorkflowId } from '../../src/contracts/workflow-ids';
import type { ChannelMessage } from '../../src/sandbox/fake-slack';
import { buttonsOf, findDecisionMessage, rootMessages as roots, threadReplies as replies } from '../../src/sandbox/slack-messages';
import { sendButtonClick } from '../../src/sandbox/slack-requests';
import { eventually } from './eventually';
import type { Stack } from './stack';
import { impactUrgencyFor, type Priority } from '../../src/servicenow/priority';

export { buttonsOf };
export const rootMessages = (stack: Stack, number: string) => roots(stack.slack, number);
export const threadReplies = (stack: Stack, root: ChannelMessage) => replies(stack.slack, root);

/** The decision message in the incident's thread, once it has buttons: a snapshot, as the person saw it. */
export async function decisionMessage(stack: Stack, number: string, timeoutMs = 30_000): Promise<ChannelMessage> {
  const live = await eventually(() => findDecisionMessage(stack.slack, number), timeoutMs, `a decision message for ${number}`);
  return structuredClone(live);
}

/** Clicks one of a message's buttons as the given Slack user; returns the response_url the click carried. */
export async function click(stack: Stack, message: ChannelMessage, choice: 'approve' | 'reject' | 'escalate', userId: string) {
  const button = buttonsOf(message).find((b) => b.action_id.endsWith(`.${choice}`));
  if (!button) throw new Error(`no ${choice} button on the message`);
  const responseUrl = stack.slack.newResponseUrl();
  const answer = await sendButtonClick(stack.apiUrl, stack.signingSecret, {
    userId,
    actionId: button.action_id,
    value: button.value,
    channelId: message.channel,
    messageTs: message.ts,
    responseUrl,
  });
  return { ...answer, responseUrl };
}

/**
 * Installs the Business Rule and creates an in-progress incident, as a person in ServiceNow would; returns its number.
 * Without `rule.skipUser` OpsLoop's own writes come back as webhooks, as a carelessly generated rule would send them.
 */
export function openIncident(stack: Stack, fields: { short_description: string; cmdb_ci?: string; priority?: Priority }, rule: { skipUser?: string } = {}): string {
  stack.servicenow.installBusinessRule({ url: stack.apiUrl, secret: stack.serviceNowWebhookSecret, ...rule });
  const { priority = '2', ...rest } = fields;
  return stack.servicenow.createIncident({ state: '2', ...impactUrgencyFor(priority), ...rest }).number;
}

/** What the incident's investigation returned, once it closed. */
export const incidentResult = (stack: Stack, number: string) =>
  stack.client.workflow.getHandle(incidentWorkflowId(number)).result() as Promise<{ incidentNumber: string; outcome: string; decidedBy?: string }>;

/** The tasks the sandbox agent holds for an incident (its CreateBacklogTask reference names the incident). */
export const agentTasksFor = (stack: Stack, number: string) => [...stack.agent.backlog.tasks.values()].filter((t) => t.reference?.referenceId === number);
