import { activityInfo } from '@temporalio/activity';
import type { ApprovalOutcome, ApprovalRequest } from '../contracts/decision';
import type { ThreadRef } from '../contracts/investigation';
import { INCIDENT_ROOT_EVENT_TYPE as ROOT_EVENT_TYPE } from '../contracts/slack-metadata';
import { approvalMessage, incidentRootMessage, type IncidentView } from '../clients/slack/blocks';
import type { ResponseUrlMessage, SlackClient, SlackMessage } from '../clients/slack/client';
import { SLACK_LIMITS } from '../clients/slack/limits';
import { fullTextPointer, renderMarkdown } from '../clients/slack/mrkdwn';

/** Slack message metadata type of every other message a workflow posts, keyed by run and activity. */
const POST_EVENT_TYPE = 'opsloop_post';

/**
 * Posts once per activity: the message carries its run and activity id as metadata, and a retried attempt (whose
 * post may have landed before its answer was lost to a crash or a dropped connection) looks for it first. For use
 * inside an activity that posts one message.
 */
export async function postOnce(slack: Pick<SlackClient, 'findByMetadata' | 'postMessage'>, channel: string, message: SlackMessage, threadTs?: string): Promise<ThreadRef> {
  const { attempt, activityId, workflowExecution } = activityInfo();
  const postId = `${workflowExecution?.runId ?? ''}/${activityId}`;
  const existing = attempt > 1 ? await slack.findByMetadata(channel, POST_EVENT_TYPE, 'post_id', postId, threadTs) : undefined;
  return existing ?? (await slack.postMessage(channel, { ...message, threadTs, metadata: { event_type: POST_EVENT_TYPE, event_payload: { post_id: postId } } }));
}

export function createSlackActivities(slack: SlackClient) {

  return {
    async respondToRequester(responseUrl: string, message: ResponseUrlMessage): Promise<void> {
      await slack.respond(responseUrl, message);
    },

    /**
     * Opens the incident's thread exactly once: the root carries the run id as message metadata, and a retried
     * attempt (whose post may have landed before its answer was lost) first looks for it instead of posting again.
     */
    async postIncidentRoot(channel: string, view: IncidentView): Promise<ThreadRef & { permalink: string }> {
      const { attempt, workflowExecution } = activityInfo();
      const runId = workflowExecution?.runId ?? view.number;
      const existing = attempt > 1 ? await slack.findByMetadata(channel, ROOT_EVENT_TYPE, 'run_id', runId) : undefined;
      const posted = existing ?? (await slack.postMessage(channel, { ...incidentRootMessage(view), metadata: { event_type: ROOT_EVENT_TYPE, event_payload: { run_id: runId, incident: view.number } } }));
      return { ...posted, permalink: await slack.permalink(posted.channel, posted.ts) };
    },

    async updateIncidentRoot(root: ThreadRef, view: IncidentView): Promise<void> {
      await slack.updateMessage(root.channel, root.ts, incidentRootMessage(view));
    },

    /**
     * A reply in a thread. `text` is mrkdwn that OpsLoop composed; with `markdown`, it is text from outside (the agent's
     * Markdown), rendered, its mentions made inert, and cut with a pointer to the full text (`fullTextUrl`) when long.
     */
    async postThreadNote(thread: ThreadRef, text: string, options: { markdown?: boolean; fullTextUrl?: string } = {}): Promise<string> {
      const note = options.markdown ? renderMarkdown(text, { maxChars: SLACK_LIMITS.messageText, tail: fullTextPointer(options.fullTextUrl) }).join('') : text;
      return (await postOnce(slack, thread.channel, { text: note }, thread.ts)).ts;
    },

    /** A new top-level message (the root of a runbook action's thread, a notification). */
    async postChannelMessage(channel: string, text: string): Promise<ThreadRef> {
      const posted = await postOnce(slack, channel, { text });
      return { channel: posted.channel, ts: posted.ts };
    },

    async postApprovalRequest(request: ApprovalRequest, approvalWorkflowId: string): Promise<string> {
      return (await postOnce(slack, request.thread.channel, approvalMessage(request, approvalWorkflowId), request.thread.ts)).ts;
    },

    async refreshApprovalRequest(request: ApprovalRequest, approvalWorkflowId: string, messageTs: string, approvedBy: string[]): Promise<void> {
      await slack.updateMessage(request.thread.channel, messageTs, approvalMessage(request, approvalWorkflowId, undefined, approvedBy));
    },

    async closeApprovalRequest(request: ApprovalRequest, approvalWorkflowId: string, messageTs: string, outcome: ApprovalOutcome): Promise<void> {
      await slack.updateMessage(request.thread.channel, messageTs, approvalMessage(request, approvalWorkflowId, outcome));
    },
  };
}
