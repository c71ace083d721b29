import { incidentWorkflowId } from '../../../src/contracts/workflow-ids';
import type { ChannelMessage } from '../../../src/sandbox/fake-slack';
import { buttonsOf, rootMessages } from '../../../src/sandbox/slack-messages';
import { eventually } from '../../helpers/eventually';
import type { Stack } from '../../helpers/stack';
import { APPROVERS } from '../../helpers/test-policy';
import type { Ledger } from '../ledger';
import { buttonClick } from '../requests';
import { impactUrgencyFor } from '../../../src/servicenow/priority';

/** The decision message in any of the incident's threads (a duplicated root must not hide it). */
export function decisionIn(stack: Stack, number: string, timeoutMs = 45_000): Promise<ChannelMessage> {
  return eventually(
    () => {
      const roots = new Set(rootMessages(stack.slack, number).map((r) => r.ts));
      const found = stack.slack.messages.find((m) => m.thread_ts !== undefined && roots.has(m.thread_ts) && buttonsOf(m).length > 0);
      return found && structuredClone(found);
    },
    timeoutMs,
    `a decision message for ${number}`,
  );
}

/**
 * One incident through the loop as ServiceNow's Business Rule reports it, until an approver rejects it (so every
 * run ends and the checker can hold it to COMPLETED). Returns its number.
 */
export async function openAndReject(stack: Stack, ledger: Ledger, shortDescription: string): Promise<string> {
  stack.servicenow.installBusinessRule({ url: stack.apiUrl, secret: stack.serviceNowWebhookSecret });
  const { number } = stack.servicenow.createIncident({ short_description: shortDescription, state: '2', ...impactUrgencyFor('2') });
  const decision = await decisionIn(stack, number);
  await ledger.send(buttonClick(stack.signingSecret, decision, { choice: 'reject', userId: APPROVERS[0]!, responseUrl: stack.slack.newResponseUrl(), expect: 'accepted' }));
  await stack.client.workflow.getHandle(incidentWorkflowId(number)).result();
  return number;
}
