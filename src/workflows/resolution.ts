import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  log,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { IncidentState, incidentStateLabel, isFinishedState } from '../contracts/incident-state';
import type { ResolutionInput, ResolutionOutcome, ResolutionRequest } from '../contracts/resolution';
import { IncidentNumber, IncidentPriority, OpsStage, type OpsStageValue } from '../contracts/search-attributes';
import { resolutionRequestedSignal, resolutionStageQuery } from './messages';
import { recordAudit } from './audit-trail';
import { servicenow, slack } from './proxies';

const who = (r: ResolutionRequest | undefined): string => (r ? `<@${r.slackUserId}>` : 'OpsLoop');
const whoPlain = (r: ResolutionRequest | undefined): string =>
  r ? `${r.slackUserName ?? r.slackUserId} (Slack ${r.slackUserId})` : 'OpsLoop';

/** The message a person can act on, from whatever an activity failure carried. */
function reasonOf(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

/**
 * Resolves one ServiceNow incident: read → resolve (idempotent) → verify → tell everyone who asked.
 * Requests that arrive while it runs (signalWithStart on the same id) join it instead of resolving twice.
 */
export async function resolution(input: ResolutionInput): Promise<ResolutionOutcome> {
  const { incidentNumber } = input;
  const requesters: ResolutionRequest[] = input.requestedBy ? [input.requestedBy] : [];
  let notified = 0;
  let stage: OpsStageValue = 'resolving';

  setHandler(resolutionRequestedSignal, (request) => {
    if (request.eventId && requesters.some((r) => r.eventId === request.eventId)) return;
    requesters.push(request);
  });
  setHandler(resolutionStageQuery, () => stage);

  const enterStage = (next: OpsStageValue, details: string) => {
    stage = next;
    upsertSearchAttributes([{ key: OpsStage, value: next }]);
    setCurrentDetails(`**${incidentNumber}** · ${next}\n\n${details}`);
  };

  /**
   * Replies to every requester not yet told, including those who joined while we were replying. Replies go out in
   * parallel so one dead response_url cannot hold the others back.
   */
  const notifyRequesters = async (text: string, responseType: 'ephemeral' | 'in_channel') => {
    while (notified < requesters.length) {
      const batch = requesters.slice(notified);
      notified = requesters.length;
      await Promise.all(
        batch.map(async (request) => {
          try {
            if (request.replyIn) await slack.postThreadNote(request.replyIn, text);
            else if (request.responseUrl) await slack.respondToRequester(request.responseUrl, { text, response_type: responseType });
          } catch (err) {
            // The ticket's outcome stands even if Slack could not be told (an expired response_url, say).
            log.warn('could not reply through response_url', { incidentNumber, reason: reasonOf(err) });
          }
        }),
      );
    }
  };

  /** One audit row per person who asked (however they asked), with the outcome they were given. */
  const auditRequests = async (result: string, reason?: string) => {
    for (const [i, r] of requesters.entries()) {
      await recordAudit(`request-${i}`, {
        source: r.source ?? 'slash-command',
        action: 'resolve',
        actorId: r.slackUserId,
        actorName: r.slackUserName,
        channelId: r.channelId,
        text: r.text,
        incidentNumber,
        result,
        reason,
      });
    }
  };

  upsertSearchAttributes([{ key: IncidentNumber, value: incidentNumber }]);
  enterStage('resolving', `Resolution requested by ${who(requesters[0])}.`);

  let outcome: ResolutionOutcome;
  try {
    const incident = await servicenow.findIncident(incidentNumber);
    if (incident.priority) upsertSearchAttributes([{ key: IncidentPriority, value: incident.priority }]);
    const resolver = requesters[0];
    const result = isFinishedState(incident.state)
      ? { changed: false, incident }
      : await servicenow.resolveIncident({
          sysId: incident.sys_id,
          closeCode: resolver?.closeCode ?? input.closeCode,
          closeNotes: input.closeNotes ?? (resolver?.closeNotes ? `${resolver.closeNotes}\n(Resolved through OpsLoop by ${whoPlain(resolver)}.)` : `Resolved through OpsLoop by ${whoPlain(resolver)}.`),
          workNote: `OpsLoop: resolved from Slack by ${whoPlain(resolver)} (workflow ${workflowInfo().workflowId}).`,
        });
    if (!result.changed) {
      outcome = { status: 'already-finished', incidentNumber, state: result.incident.state };
    } else {
      const after = await servicenow.readIncident(incident.sys_id);
      if (after.state !== IncidentState.Resolved && !isFinishedState(after.state)) {
        throw ApplicationFailure.nonRetryable(
          `ServiceNow accepted the change but ${incidentNumber} is ${incidentStateLabel(after.state)}; a business rule may have reverted it.`,
          'ResolutionNotVerified',
        );
      }
      outcome = { status: 'resolved', incidentNumber, sysId: incident.sys_id, resolvedBy: resolver?.slackUserId ?? 'opsloop' };
    }
  } catch (err) {
    const reason = reasonOf(err);
    enterStage('failed', reason);
    await notifyRequesters(`:x: Could not resolve ${incidentNumber}: ${reason}`, 'ephemeral');
    await auditRequests('failed', reason);
    await condition(allHandlersFinished);
    throw ApplicationFailure.nonRetryable(reason, 'ResolutionFailed');
  }

  if (outcome.status === 'resolved') {
    enterStage('resolved', `Resolved by ${who(requesters[0])}.`);
    await notifyRequesters(`:white_check_mark: ${incidentNumber} resolved by ${who(requesters[0])}.`, 'in_channel');
  } else {
    enterStage('resolved', `Already ${incidentStateLabel(outcome.state)} in ServiceNow; nothing changed.`);
    await notifyRequesters(
      `${incidentNumber} is already ${incidentStateLabel(outcome.state)} in ServiceNow; nothing was changed.`,
      'ephemeral',
    );
  }
  await auditRequests(outcome.status);
  await condition(allHandlersFinished);
  return outcome;
}
