import { setCurrentDetails } from '@temporalio/workflow';
import type { SlackMentionInput } from '../contracts/slack-mention';
import { slack, temporal } from './proxies';

/**
 * Handles one `@OpsLoop …` mention. Its workflow id is `slack-event/<event_id>`, so Slack's redeliveries of the same
 * event (after a slow answer) cannot act twice.
 */
export async function slackMention(input: SlackMentionInput): Promise<void> {
  const thread = { channel: input.channel, ts: input.threadTs };
  const { request } = input;
  setCurrentDetails(`Mention by <@${input.userId}>: ${request.kind}`);
  switch (request.kind) {
    case 'reply':
      await slack.postThreadNote(thread, request.text);
      return;
    case 'resolve':
      await temporal.requestResolutionFor(request.incidentNumber, {
        slackUserId: input.userId,
        channelId: input.channel,
        replyIn: thread,
        eventId: input.eventId,
        closeNotes: request.closeNotes,
      });
      return;
    case 'status': {
      const status = await temporal.incidentStatus(request.incidentNumber);
      await slack.postThreadNote(
        thread,
        status
          ? `${status.incidentNumber} · P${status.priority} · ${status.stage}${status.hasFindings ? ' · findings received' : ''}`
          : `OpsLoop has no open investigation for ${request.incidentNumber}.`,
      );
      return;
    }
  }
}
