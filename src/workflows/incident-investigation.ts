import {
  ActivityFailure,
  ChildWorkflowFailure,
  condition,
  executeChild,
  patched,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { ApprovalOutcome, ApprovalRequest } from '../contracts/decision';
import type { Findings } from '../contracts/schemas/findings';
import type { CheckedProposal, NotificationEvent } from '../contracts/runbook';
import { isFinishedState, incidentStateLabel } from '../contracts/incident-state';
import type {
  IncidentInvestigationInput,
  IncidentSnapshot,
  InvestigationResult,
  InvestigationSettings,
  ThreadRef,
} from '../contracts/investigation';
import { IncidentNumber, IncidentPriority, OpsStage, SlackChannel, type OpsStageValue } from '../contracts/search-attributes';
import { approvalWorkflowId, resolutionWorkflowId } from '../contracts/workflow-ids';
import { humanApproval } from './human-approval';
import { evidenceChangedSignal, findingsReceivedSignal, incidentStatusQuery, incidentUpdatedSignal, withdrawApprovalSignal } from '../contracts/messages';
import { runbookAction } from './runbook-action';
import { recordAudit } from './audit-trail';
import { agent, localSettings, runbook, settings as settingsActivity, servicenow, slack } from './proxies';
import { resolution } from './resolution';

/** Histories recorded before channel notifications existed replay without the notify call. */
const NOTIFICATIONS_PATCH = 'notifications-v1';
const NOTIFIED_OUTCOMES: Partial<Record<InvestigationResult['outcome'], NotificationEvent>> = {
  resolved: 'incident-resolved',
  expired: 'approval-expired',
  failed: 'workflow-failed',
};

/** Histories recorded before agent proposals existed replay without checking them. */
const PROPOSALS_PATCH = 'proposals-v1';

/**
 * Fewer round trips per incident (issue 7): no "investigation requested" or "resolved" thread notes (the root message
 * and the decision message say it), no root update for the resolving step, settings read by a local activity,
 * independent calls in parallel, search attributes upserted only when they change. Older histories replay without.
 */
const LEAN_PATCH = 'lean-loop-v1';

/** Escalation starts a new round with the same approvers; this bounds how often. */
const MAX_APPROVAL_ROUNDS = 3;

const reasonOf = (err: unknown): string => {
  if ((err instanceof ActivityFailure || err instanceof ChildWorkflowFailure) && err.cause) return reasonOf(err.cause);
  return err instanceof Error ? err.message : String(err);
};

function evidenceOf(findings: Findings | undefined, timeoutMs: number, incident?: IncidentSnapshot, proposal?: CheckedProposal): string {
  const header = incident ? [`*Incident:* P${incident.priority}${incident.cmdbCi ? ` · CI ${incident.cmdbCi}` : ''}`] : [];
  if (!findings) return [...header, `_The investigator sent no findings within ${Math.round(timeoutMs / 60_000) || '<1'} min; decide without them._`].join('\n\n');
  const parts = [...header, findings.summary && `*Findings* (${findings.source})\n${findings.summary}`];
  if (findings.rootCause) parts.push(`*Likely cause*\n${findings.rootCause}`);
  if (findings.recommendation) parts.push(`*Recommendation*\n${findings.recommendation}`);
  if (findings.status !== 'completed') parts.push(`_Investigation ${findings.status}._`);
  if (proposal?.valid) parts.push(`*Proposed:* \`${proposal.label}\` (will execute ${proposal.preview})`);
  else if (proposal) parts.push(`*Proposed (shown as text only; it cannot be run from here: ${proposal.reason}):* \`${proposal.label}\``);
  return parts.filter(Boolean).join('\n\n');
}

const APPROVAL_LEVEL_COUNT = { none: 1, one: 1, two: 2 } as const;

function closeNotesOf(findings: Findings | undefined, approver: string): string {
  const lines = [`Resolved through OpsLoop after approval by Slack user ${approver}.`];
  if (findings?.rootCause) lines.push(`Cause: ${findings.rootCause}`);
  if (findings?.recommendation) lines.push(`Action: ${findings.recommendation}`);
  if (findings?.summary) lines.push(`Findings (${findings.source}): ${findings.summary.slice(0, 2000)}`);
  return lines.join('\n');
}

/**
 * One incident, start to finish: open its Slack thread, note it in ServiceNow, ask the investigator, put the
 * findings and a decision in front of an approver, resolve on approval — and stop early if ServiceNow says the
 * incident was finished elsewhere. Reads like DESIGN.md §1.
 */
export async function incidentInvestigation(input: IncidentInvestigationInput): Promise<InvestigationResult> {
  let incident: IncidentSnapshot = input.incident ?? (await servicenow.readIncidentSnapshot(String(input.incidentNumber)));
  const number = incident.number;
  let findings: Findings | undefined;
  let stage: OpsStageValue = 'investigating';
  let root: ThreadRef | undefined;
  let cfg: InvestigationSettings | undefined;
  let stageDetail = '';
  let pendingApproval: { workflowId: string; approvers: string[]; requiredApprovals: number } | undefined;
  const lean = patched(LEAN_PATCH);
  const upserted = { stage: '', priority: '' };

  setHandler(incidentUpdatedSignal, (update) => {
    // Deliveries repeat and arrive out of order (Business Rules, the reconcile schedule): only newer versions count.
    if (update.sysId !== incident.sysId || update.sysModCount <= incident.sysModCount) return;
    incident = update;
  });
  setHandler(findingsReceivedSignal, (received) => {
    // Later findings replace earlier ones; a pending decision is then asked again on the new evidence.
    if (!findings || JSON.stringify(findings) !== JSON.stringify(received)) findings = received;
  });
  setHandler(incidentStatusQuery, () => ({
    incidentNumber: number,
    stage,
    priority: incident.priority,
    thread: root,
    hasFindings: findings !== undefined,
    findingsSummary: findings?.summary.slice(0, 300),
    pendingApproval,
  }));

  const finishedElsewhere = () => isFinishedState(incident.state);
  const runUrl = (c: InvestigationSettings) =>
    `${c.webUiNamespaceUrl}/workflows/${encodeURIComponent(workflowInfo().workflowId)}/${workflowInfo().runId}`;
  const view = (c: InvestigationSettings) => ({
    number,
    priority: incident.priority,
    shortDescription: incident.shortDescription,
    assignmentGroup: incident.assignmentGroup,
    cmdbCi: incident.cmdbCi,
    stage,
    detail: stageDetail,
    incidentUrl: `${c.serviceNowUrl}/nav_to.do?uri=incident.do?sys_id=${incident.sysId}`,
    runUrl: runUrl(c),
  });
  const upsertStage = () => {
    if (lean && upserted.stage === stage && upserted.priority === incident.priority) return;
    upsertSearchAttributes([
      ...(lean && upserted.stage === stage ? [] : [{ key: OpsStage, value: stage }]),
      ...(lean && upserted.priority === incident.priority ? [] : [{ key: IncidentPriority, value: incident.priority }]),
    ]);
    upserted.stage = stage;
    upserted.priority = incident.priority;
  };
  const enterStage = async (next: OpsStageValue, detail: string, options: { updateSlack?: boolean } = {}) => {
    stage = next;
    stageDetail = detail;
    upsertStage();
    setCurrentDetails(`**${number}** · P${incident.priority} · ${next}\n\n${detail}`);
    if (root && cfg && (options.updateSlack ?? true)) await slack.updateIncidentRoot(root, view(cfg));
  };
  const finish = async (outcome: InvestigationResult['outcome'], next: OpsStageValue, detail: string, decidedBy?: string) => {
    pendingApproval = undefined;
    const event = NOTIFIED_OUTCOMES[outcome];
    const notify = async () => {
      if (!event || !patched(NOTIFICATIONS_PATCH) || (lean && cfg?.notifiedEvents && !cfg.notifiedEvents.includes(event))) return;
      await runbook.notify({ id: `${workflowInfo().workflowId}/${workflowInfo().runId}/outcome`, event, text: `${number} (P${incident.priority} · ${incident.shortDescription}): ${detail}` });
    };
    const audit = () => recordAudit('outcome', { source: 'workflow', action: 'investigation-outcome', incidentNumber: number, actorId: decidedBy, result: outcome, reason: detail });
    if (lean) {
      // A resolution is shown by the root message and the closed decision; anything else also gets a thread note.
      const note = root && outcome !== 'resolved' ? slack.postThreadNote(root, detail) : undefined;
      await Promise.all([enterStage(next, detail), note, audit(), notify()]);
    } else {
      await enterStage(next, detail);
      if (root) await slack.postThreadNote(root, detail);
      await audit();
      await notify();
    }
    return { incidentNumber: number, outcome, decidedBy };
  };

  if (lean) {
    upsertSearchAttributes([{ key: IncidentNumber, value: number }, { key: OpsStage, value: stage }, { key: IncidentPriority, value: incident.priority }]);
    upserted.stage = stage;
    upserted.priority = incident.priority;
  } else {
    upsertSearchAttributes([{ key: IncidentNumber, value: number }]);
  }
  if (finishedElsewhere()) {
    await enterStage('resolved', `Already ${incidentStateLabel(incident.state)} in ServiceNow; nothing to do.`);
    return { incidentNumber: number, outcome: 'finished-elsewhere' };
  }

  cfg = lean ? await localSettings.getInvestigationSettings(incident.priority) : await settingsActivity.getInvestigationSettings(incident.priority);
  const auditOpened = () =>
    recordAudit('opened', {
      source: input.requestedBy ? 'slash-command' : 'webhook',
      action: 'investigate',
      actorId: input.requestedBy,
      incidentNumber: number,
      result: 'accepted',
    });
  const postRoot = async (c: InvestigationSettings) => {
    await enterStage('investigating', 'Asking the investigator.');
    return slack.postIncidentRoot(c.slackChannel, view(c));
  };
  let posted: Awaited<ReturnType<typeof postRoot>>;
  if (lean) {
    [, posted] = await Promise.all([auditOpened(), postRoot(cfg)]);
  } else {
    await auditOpened();
    posted = await postRoot(cfg);
  }
  root = { channel: posted.channel, ts: posted.ts };
  upsertSearchAttributes([{ key: SlackChannel, value: posted.channel }]);
  const threadOpened = `OpsLoop opened a Slack thread for ${number}`;
  // Once: a retry after a PATCH that landed (its answer lost to a worker or server crash) finds the note written.
  const noteThreadOpened = () =>
    lean
      ? servicenow.addWorkNoteOnce(incident.sysId, threadOpened, `${threadOpened}: ${posted.permalink}`)
      : servicenow.addWorkNote(incident.sysId, `${threadOpened}: ${posted.permalink}`);
  if (!lean) await noteThreadOpened();

  const askInvestigator = async (c: InvestigationSettings, thread: ThreadRef) => {
    try {
      const { investigator } = await agent.requestInvestigation({
        incidentNumber: number,
        sysId: incident.sysId,
        title: incident.shortDescription,
        description: incident.description,
        priority: incident.priority,
        service: incident.cmdbCi || undefined,
        incidentUrl: view(c).incidentUrl,
        action: 'created',
      });
      if (!lean) await slack.postThreadNote(thread, `:mag: Investigation requested from ${investigator}.`);
    } catch (err) {
      await slack.postThreadNote(thread, `:warning: Could not reach the investigator (${reasonOf(err)}); continuing without findings.`);
    }
  };
  await (lean ? Promise.all([noteThreadOpened(), askInvestigator(cfg, root)]) : askInvestigator(cfg, root));

  const settled = await condition(() => findings !== undefined || finishedElsewhere(), cfg.findingsTimeoutMs, { summary: 'findings' });
  if (finishedElsewhere()) return finish('finished-elsewhere', 'resolved', `${number} was ${incidentStateLabel(incident.state)} in ServiceNow; OpsLoop stopped here.`);
  if (!settled) await slack.postThreadNote(root, ':hourglass: No findings from the investigator in time; asking for a decision without them.');

  // An agent's proposed remediation is checked against the catalog by the worker; only a valid one can run.
  let proposal: CheckedProposal | undefined;
  let checkedFindings: Findings | undefined;
  const checkProposal = async () => {
    if (findings === checkedFindings) return;
    checkedFindings = findings;
    proposal = findings?.proposedAction && patched(PROPOSALS_PATCH) ? await runbook.checkProposal(findings.proposedAction) : undefined;
  };
  await checkProposal();

  for (let round = 1; round <= MAX_APPROVAL_ROUNDS; round++) {
    await enterStage('awaiting-decision', findings ? 'Findings posted; waiting for an approver.' : 'Waiting for an approver (no findings).');
    const runsAction = proposal?.valid === true;
    const evidenceNow = () => evidenceOf(findings, cfg.findingsTimeoutMs, incident, proposal);
    let sentEvidence = evidenceNow();
    const request: ApprovalRequest = {
      incidentNumber: number,
      question: runsAction ? `Run the proposed action, then resolve ${number}?` : `Resolve ${number} in ServiceNow?`,
      evidence: sentEvidence,
      sysId: incident.sysId,
      preview: proposal?.valid ? proposal.preview : undefined,
      choices: round < MAX_APPROVAL_ROUNDS ? ['approve', 'reject', 'escalate'] : ['approve', 'reject'],
      approvers: cfg.approvers,
      approverGroups: cfg.approverGroups,
      // The stricter of the incident's rule and the proposed action's own.
      requiredApprovals: Math.max(cfg.requiredApprovals ?? 1, proposal?.valid ? APPROVAL_LEVEL_COUNT[proposal.approval] : 1),
      requester: input.requestedBy,
      requesterMayApprove: cfg.requesterMayApprove,
      thread: root,
      reminderIntervalMs: cfg.reminderIntervalMs,
      expiryMs: cfg.expiryMs,
      escalationTarget: cfg.escalationTarget,
    };
    const approval = await startChild(humanApproval, {
      workflowId: approvalWorkflowId(number, round),
      args: [request],
      staticSummary: `${number} · P${incident.priority} · decision ${round}`,
      typedSearchAttributes: [
        { key: IncidentNumber, value: number },
        { key: OpsStage, value: 'awaiting-decision' },
      ],
    });
    pendingApproval = { workflowId: approvalWorkflowId(number, round), approvers: cfg.approvers, requiredApprovals: cfg.requiredApprovals ?? 1 };
    let outcome: ApprovalOutcome | undefined;
    let approvalError: unknown;
    void approval.result().then(
      (o) => (outcome = o),
      (err: unknown) => (approvalError = err ?? 'unknown failure'),
    );
    for (;;) {
      await condition(() => outcome !== undefined || approvalError !== undefined || finishedElsewhere() || findings !== checkedFindings || evidenceNow() !== sentEvidence);
      if (outcome !== undefined || approvalError !== undefined || finishedElsewhere()) break;
      // New findings, or a ServiceNow update that changed the priority or CI: the pending request is superseded.
      await checkProposal();
      if (evidenceNow() !== sentEvidence) {
        sentEvidence = evidenceNow();
        await approval.signal(evidenceChangedSignal, sentEvidence);
      }
    }
    if (approvalError !== undefined) return finish('failed', 'failed', `:x: The decision request failed: ${reasonOf(approvalError)}`);
    if (!outcome) {
      await approval.signal(withdrawApprovalSignal, `${number} was ${incidentStateLabel(incident.state)} in ServiceNow.`);
      outcome = await approval.result();
    }

    switch (outcome.outcome) {
      case 'withdrawn':
        return finish('finished-elsewhere', 'resolved', `${number} was ${incidentStateLabel(incident.state)} in ServiceNow; the pending decision was withdrawn.`);
      case 'expired':
        return finish('expired', 'expired', `Nobody decided in time; ${number} was left unresolved.`);
      case 'rejected':
        return finish('rejected', 'rejected', `<@${outcome.by}> rejected resolving ${number}; it stays open in ServiceNow.`, outcome.by);
      case 'escalated':
        await slack.postThreadNote(root, `${cfg.escalationTarget ?? ''} :arrow_double_up: <@${outcome.by}> escalated ${number}.`.trim());
        continue;
      case 'approved': {
        const by = outcome.by;
        let actionOutcome = '';
        if (proposal?.valid && runsAction) {
          await enterStage('resolving', `Approved by <@${by}>; running the proposed \`${proposal.label}\`.`);
          const ran = await executeChild(runbookAction, {
            workflowId: `action/${proposal.actionName}/${uuid4().slice(0, 8)}`,
            args: [
              {
                actionName: proposal.actionName,
                params: proposal.params,
                plan: proposal.plan,
                timeoutMs: proposal.timeoutMs,
                requestedBy: by,
                channelId: root.channel,
                // Already approved here under the stricter rule; it is not asked twice.
                approval: { level: 'none', approvers: [], approverGroups: [] },
                incidentNumber: number,
                thread: root,
              },
            ],
          });
          const summary = 'result' in ran ? ran.result.summary : ran.status;
          await servicenow.addWorkNoteOnce(
            incident.sysId,
            `[OpsLoop action ${workflowInfo().workflowId}/${proposal.actionName}]`,
            `[OpsLoop action ${workflowInfo().workflowId}/${proposal.actionName}] Proposed action \`${proposal.label}\` approved by Slack user ${by}: ${ran.status} (${summary}).`,
          );
          if (ran.status !== 'succeeded') return finish('failed', 'failed', `:x: The proposed \`${proposal.label}\` ${ran.status} (${summary}); ${number} stays open.`, by);
          actionOutcome = `Remediation: ran \`${proposal.label}\` (${summary}).`;
        }
        // The closed decision message already says it was approved; the root changes once more, when it is resolved.
        await enterStage('resolving', `Approved by <@${by}>; resolving in ServiceNow.`, { updateSlack: !lean });
        try {
          await executeChild(resolution, {
            workflowId: resolutionWorkflowId(number),
            args: [
              {
                incidentNumber: number,
                closeCode: cfg.closeCode,
                closeNotes: [closeNotesOf(findings, by), actionOutcome].filter(Boolean).join('\n'),
                requestedBy: { slackUserId: by },
                ...(lean ? { sysId: incident.sysId, priority: incident.priority } : {}),
              },
            ],
            staticSummary: `${number} · resolve · approved by ${by}`,
          });
        } catch (err) {
          return finish('failed', 'failed', `:x: Could not resolve ${number}: ${reasonOf(err)}`, by);
        }
        return finish('resolved', 'resolved', `:white_check_mark: ${number} resolved in ServiceNow after approval by <@${by}>.`, by);
      }
    }
  }
  return finish('expired', 'expired', `No decision after ${MAX_APPROVAL_ROUNDS} rounds; ${number} was left unresolved.`);
}
