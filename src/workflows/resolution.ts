import { ActivityFailure, ApplicationFailure, allHandlersFinished, condition, log, patched, setCurrentDetails, setHandler, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributeUpdatePair } from '@temporalio/common';
import { IncidentState, incidentStateLabel, isFinishedState } from '../contracts/incident-state';
import { resolutionRequestedSignal, resolutionStageQuery } from '../contracts/messages';
import type { ResolutionInput, ResolutionOutcome, ResolutionRequest } from '../contracts/resolution';
import { IncidentPriority, OpsStage, type OpsStageValue } from '../contracts/search-attributes';
import { recordAudit } from './audit-trail';
import { PATCH } from './patches';
import { servicenow, slack, temporal } from './proxies';
import { upsertChanged } from './search-attributes';

const who = (r: ResolutionRequest | undefined): string => (r ? `<@${r.slackUserId}>` : 'OpsLoop');
const whoPlain = (r: ResolutionRequest | undefined): string => (r ? `${r.slackUserName ?? r.slackUserId} (Slack ${r.slackUserId})` : 'OpsLoop');

/** The message a person can act on, from whatever an activity failure carried. */
function reasonOf(err: unknown): string {
  if (err instanceof ActivityFailure && err.cause) return err.cause.message;
  return err instanceof Error ? err.message : String(err);
}

function closeNotesFor(input: ResolutionInput, resolver: ResolutionRequest | undefined): string {
  if (input.closeNotes) return input.closeNotes;
  const by = `Resolved through OpsLoop by ${whoPlain(resolver)}.`;
  return resolver?.closeNotes ? `${resolver.closeNotes}\n(${by})` : by;
}

/**
 * Resolves one ServiceNow incident: find it (unless the caller knows its sys_id) → resolve (idempotent; the PATCH
 * answer is the record after ServiceNow's before-rules ran, so it verifies the state) → tell everyone who asked.
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

  const enterStage = (next: OpsStageValue, details: string, extra: SearchAttributeUpdatePair[] = []) => {
    stage = next;
    upsertChanged([...extra, { key: OpsStage, value: next }]);
    setCurrentDetails(`**${incidentNumber}** · ${next}\n\n${details}`);
  };

  /** Replies to every requester not yet told (also those who joined meanwhile), in parallel so one dead URL holds none back. */
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

  /**
   * A --skip-user Business Rule does not send OpsLoop's own write back, so the incident's running investigation (a
   * pending decision, say) is told here; not when this resolution is its child (it asked for it itself).
   */
  const tellInvestigation = async () => {
    if (workflowInfo().parent || !patched(PATCH.resolutionTellsInvestigation)) return;
    await temporal.tellInvestigationOf(incidentNumber).catch((err: unknown) => log.warn('could not tell the investigation', { incidentNumber, reason: reasonOf(err) }));
  };

  /** One audit row per person who asked (however they asked), with the outcome they were given. */
  const auditRequests = (result: string, reason?: string) =>
    Promise.all(
      requesters.map((r, i) =>
        recordAudit(`request-${i}`, { source: r.source ?? 'slash-command', action: 'resolve', actorId: r.slackUserId, actorName: r.slackUserName, channelId: r.channelId, text: r.text, incidentNumber, result, reason }),
      ),
    );

  // Whoever starts a Resolution sets IncidentNumber; a priority the caller knows is recorded with the first stage.
  enterStage('resolving', `Resolution requested by ${who(requesters[0])}.`, input.priority ? [{ key: IncidentPriority, value: input.priority }] : []);

  let outcome: ResolutionOutcome;
  try {
    const lookup = input.sysId ? undefined : await servicenow.findIncident(incidentNumber);
    if (lookup?.priority) upsertChanged([{ key: IncidentPriority, value: lookup.priority }]);
    const sysId = lookup?.sys_id ?? input.sysId ?? '';
    const resolver = requesters[0];
    const result =
      lookup && isFinishedState(lookup.state)
        ? { changed: false, incident: lookup }
        : await servicenow.resolveIncident({
            sysId,
            closeCode: resolver?.closeCode ?? input.closeCode,
            closeNotes: closeNotesFor(input, resolver),
            workNote: `OpsLoop: resolved from Slack by ${whoPlain(resolver)} (workflow ${workflowInfo().workflowId}).`,
            resolvedBy: resolver?.slackUserId,
          });
    if (!result.changed) {
      outcome = { status: 'already-finished', incidentNumber, state: result.incident.state };
    } else if (result.incident.state !== IncidentState.Resolved && !isFinishedState(result.incident.state)) {
      throw ApplicationFailure.nonRetryable(
        `ServiceNow accepted the change but ${incidentNumber} is ${incidentStateLabel(result.incident.state)}; a business rule may have reverted it.`,
        'ResolutionNotVerified',
      );
    } else {
      outcome = { status: 'resolved', incidentNumber, sysId, resolvedBy: resolver?.slackUserId ?? 'opsloop' };
    }
  } catch (err) {
    const reason = reasonOf(err);
    enterStage('failed', reason);
    await Promise.all([notifyRequesters(`:x: Could not resolve ${incidentNumber}: ${reason}`, 'ephemeral'), auditRequests('failed', reason)]);
    await condition(allHandlersFinished);
    throw ApplicationFailure.nonRetryable(reason, 'ResolutionFailed');
  }

  if (outcome.status === 'resolved') {
    enterStage('resolved', `Resolved by ${who(requesters[0])}.`);
    await Promise.all([notifyRequesters(`:white_check_mark: ${incidentNumber} resolved by ${who(requesters[0])}.`, 'in_channel'), tellInvestigation()]);
  } else {
    enterStage('resolved', `Already ${incidentStateLabel(outcome.state)} in ServiceNow; nothing changed.`);
    await notifyRequesters(`${incidentNumber} is already ${incidentStateLabel(outcome.state)} in ServiceNow; nothing was changed.`, 'ephemeral');
  }
  await auditRequests(outcome.status);
  await condition(allHandlersFinished);
  return outcome;
}
