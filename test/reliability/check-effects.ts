import type { AuditEvent } from '../../src/contracts/audit';
import type { DecisionInput } from '../../src/contracts/decision';
import type { Findings } from '../../src/contracts/schemas/findings';
import type { IncidentSnapshot } from '../../src/contracts/investigation';
import type { ResolutionRequest } from '../../src/contracts/schemas/resolution';
import { incidentWorkflowId, resolutionWorkflowId } from '../../src/contracts/workflow-ids';
import { acceptedUpdates, signalsNamed, type Run } from './harness/histories';
import type { Runs } from './harness/runs';
import type { Effect, Entry } from './ledger';

/**
 * Whether OpsLoop took responsibility for a request. Slack wants a 200 for everything it sends, so a command is
 * acknowledged only when its answer says so; a click is judged by the decision it should lead to, not its 200.
 */
export function acknowledged(entry: Entry): boolean {
  if (entry.effect.kind === 'resolution-request') return entry.status === 200 && /Resolving/.test(entry.answer);
  return entry.status >= 200 && entry.status < 300;
}

/** A durable effect's identity: two requests with the same key are the same request sent again. */
const keyOf = (e: Effect): string => JSON.stringify(e.kind === 'decision' ? { kind: e.kind, approval: e.approvalWorkflowId, userId: e.userId } : e);

/** How many times the effect is written in the histories (signals, accepted updates, started runs). */
function occurrences(effect: Effect, runs: Runs): number {
  const of = (id: string): Run[] => runs.get(id) ?? [];
  switch (effect.kind) {
    case 'incident-event':
      return of(incidentWorkflowId(effect.incidentNumber))
        .flatMap((r) => signalsNamed(r, 'incidentUpdated') as IncidentSnapshot[])
        .filter((s) => s.number === effect.incidentNumber && s.sysModCount === effect.sysModCount).length;
    case 'findings':
      return of(incidentWorkflowId(effect.incidentNumber)).flatMap((r) => signalsNamed(r, 'findingsReceived') as Findings[]).length;
    case 'resolution-request':
      return of(resolutionWorkflowId(effect.incidentNumber))
        .flatMap((r) => signalsNamed(r, 'resolutionRequested') as ResolutionRequest[])
        .filter((r) => r.slackUserId === effect.userId).length;
    case 'mention':
      return of(`slack-event/${effect.eventId}`).length;
    case 'decision':
      return of(effect.approvalWorkflowId)
        .flatMap(acceptedUpdates)
        .filter((u) => (u.input as DecisionInput | undefined)?.userId === effect.userId).length;
    case 'none':
      return 0;
  }
}

/** A delivery answered 202 "closed" found the investigation finished: nothing to record, by design. */
const closedOnArrival = (entry: Entry, runs: Runs): boolean =>
  entry.effect.kind === 'incident-event' &&
  /"status":"closed"/.test(entry.answer) &&
  (runs.get(incidentWorkflowId(entry.effect.incidentNumber)) ?? []).some((r) => r.status !== 'RUNNING');

/**
 * Checker items 1 and 2: every acknowledged request left its effect (a signal, an accepted update, a run), no more
 * often than it was acknowledged (a mention: once per event id), and a request that was refused (and never
 * acknowledged on a retry) left nothing. A request that got no answer at all may have left its effect or not.
 */
export function checkEffects(
  entries: readonly Entry[],
  runs: Runs,
  audit: readonly AuditEvent[] | undefined,
  /** Effects the ledger did not send but a fake did (the fake ServiceNow's own Business Rule deliveries). */
  sentElsewhere: (effect: Effect) => number,
): string[] {
  const violations: string[] = [];
  const byKey = new Map<string, Entry[]>();
  for (const entry of entries) byKey.set(keyOf(entry.effect), [...(byKey.get(keyOf(entry.effect)) ?? []), entry]);

  for (const group of byKey.values()) {
    const effect = group[0]!.effect;
    if (effect.kind === 'none' || effect.kind === 'decision') continue;
    const what = `${effect.kind} ${JSON.stringify(effect)}`;
    const acked = group.filter(acknowledged);
    const recorded = acked.filter((e) => !closedOnArrival(e, runs)).length;
    const found = occurrences(effect, runs);
    const unanswered = group.some((e) => e.status === 0);
    const elsewhere = sentElsewhere(effect);
    if (acked.length === 0 && found > elsewhere && !unanswered) violations.push(`${what}: refused (${group.map((e) => e.status).join(', ')}) but found ${found} time(s) in history`);
    if (acked.length > 0 && recorded > 0 && found === 0) violations.push(`${what}: acknowledged ${acked.length} time(s) but not in any history`);
    // A "closed" answer recorded nothing new, but an earlier attempt of the same call (one request id) may have: the
    // client or the frontend retries a call whose answer was lost, and by then the run had closed. Temporal keeps a
    // request id once, so such an event is kept at most once in all.
    const keptByAnEarlierAttempt = acked.length > recorded ? 1 : 0;
    // A mention runs once per event id however often Slack delivers it; anything else is kept once per acknowledgement.
    if (effect.kind === 'mention' && found > 1) violations.push(`${what}: ran ${found} times`);
    else if (acked.length > 0 && found > Math.max(recorded, keptByAnEarlierAttempt) + elsewhere && !unanswered) violations.push(`${what}: acknowledged ${recorded} time(s) but kept ${found} times`);
  }

  violations.push(...checkDecisions(entries, runs, audit));
  return violations;
}

function checkDecisions(entries: readonly Entry[], runs: Runs, audit: readonly AuditEvent[] | undefined): string[] {
  const violations: string[] = [];
  const clicks = entries.flatMap((e) => (e.effect.kind === 'decision' ? [{ entry: e, effect: e.effect }] : []));
  const races = new Map<string, Map<string, number>>();
  for (const { entry, effect } of clicks) {
    const who = `${effect.approvalWorkflowId} by ${effect.userId}`;
    if (entry.status !== 200) violations.push(`click on ${who}: answered ${entry.status}; Slack needs a 200`);
    const found = occurrences(effect, runs);
    if (found > 1) violations.push(`decision on ${who}: accepted ${found} times`);
    if (typeof effect.expect === 'object') {
      races.set(effect.expect.race, (races.get(effect.expect.race) ?? new Map<string, number>()).set(effect.userId, found));
    } else if (effect.expect === 'accepted' && found !== 1) {
      violations.push(`decision on ${who}: expected accepted, found ${found} accepted update(s)`);
    } else if (effect.expect === 'refused') {
      if (found !== 0) violations.push(`decision on ${who}: expected refused, but accepted`);
      const denied = audit?.some((a) => a.result === 'denied' && a.actorId === effect.userId && a.workflowId === effect.approvalWorkflowId);
      if (audit && !denied) violations.push(`decision on ${who}: refused without a denial in the audit trail`);
    }
  }
  for (const [race, found] of races) {
    const winners = [...found.values()].filter((n) => n === 1).length;
    if (winners !== 1) violations.push(`race ${race}: ${winners} of ${found.size} competing decisions accepted; expected exactly 1`);
  }
  return [...new Set(violations)];
}
