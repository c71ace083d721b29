import {
  ActivityFailure,
  ApplicationFailure,
  allHandlersFinished,
  condition,
  log,
  patched,
  setCurrentDetails,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { IncidentState, incidentStateLabel, isFinishedState } from '../contracts/incident-state';
import type { ResolutionInput, ResolutionOutcome, ResolutionRequest } from '../contracts/resolution';
import { IncidentNumber, IncidentPriority, OpsStage, type OpsStageValue } from '../contracts/search-attributes';
import { resolutionRequestedSignal, resolutionStageQuery } from '../contracts/messages';
import { recordAudit } from './audit-trail';
import { servicenow, slack } from './proxies';

/**
 * Fewer ServiceNow calls (issue 7): no lookup by number when the caller knows the sys_id, and the PATCH answer
 * verifies the state instead of a second read. Older histories replay with the lookup and the read.
 */
const LEAN_PATCH = 'resolution-lean-v1';

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

  const lean = patched(LEAN_PATCH);
  const enterStage = (next: OpsStageValue, details: string, extra: SearchAttributeUpdatePair[] = []) => {
    stage = next;
    upsertSearchAttributes([...extra, { key: OpsStage, value: next }]);
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

  if (lean) {
    const priority: SearchAttributeUpdatePair[] = input.priority ? [{ key: IncidentPriority, value: input.priority }] : [];
    enterStage('resolving', `Resolution requested by ${who(requesters[0])}.`, [{ key: IncidentNumber, value: incidentNumber }, ...priority]);
  } else {
    upsertSearchAttributes([{ key: IncidentNumber, value: incidentNumber }]);
    enterStage('resolving', `Resolution requested by ${who(requesters[0])}.`);
  }

  let outcome: ResolutionOutcome;
  try {
    // resolveIncident reads the state before it writes, so with a known sys_id no lookup is needed first.
    const lookup = lean && input.sysId ? undefined : await servicenow.findIncident(incidentNumber);
    if (lookup?.priority) upsertSearchAttributes([{ key: IncidentPriority, value: lookup.priority }]);
    const sysId = lookup?.sys_id ?? input.sysId ?? '';
    const resolver = requesters[0];
    const result = lookup && isFinishedState(lookup.state)
      ? { changed: false, incident: lookup }
      : await servicenow.resolveIncident({
          sysId,
          closeCode: resolver?.closeCode ?? input.closeCode,
          closeNotes: input.closeNotes ?? (resolver?.closeNotes ? `${resolver.closeNotes}\n(Resolved through OpsLoop by ${whoPlain(resolver)}.)` : `Resolved through OpsLoop by ${whoPlain(resolver)}.`),
          workNote: `OpsLoop: resolved from Slack by ${whoPlain(resolver)} (workflow ${workflowInfo().workflowId}).`,
        });
    if (!result.changed) {
      outcome = { status: 'already-finished', incidentNumber, state: result.incident.state };
    } else {
      // The PATCH answer is the record after ServiceNow's before-rules ran; older runs read it once more.
      const after = lean ? result.incident : await servicenow.readIncident(sysId);
      if (after.state !== IncidentState.Resolved && !isFinishedState(after.state)) {
        throw ApplicationFailure.nonRetryable(
          `ServiceNow accepted the change but ${incidentNumber} is ${incidentStateLabel(after.state)}; a business rule may have reverted it.`,
          'ResolutionNotVerified',
        );
      }
      outcome = { status: 'resolved', incidentNumber, sysId, resolvedBy: resolver?.slackUserId ?? 'opsloop' };
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
