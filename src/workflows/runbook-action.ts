import {
  ActivityFailure,
  CancellationScope,
  isCancellation,
  setCurrentDetails,
  setHandler,
  startChild,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { ApprovalOutcome } from '../contracts/decision';
import type { ActionResult, ExecutionPlan, RunbookActionInput } from '../contracts/runbook';
import { OpsStage, type OpsStageValue } from '../contracts/search-attributes';
import { runbookApprovalWorkflowId } from '../contracts/workflow-ids';
import { recordAudit } from './audit-trail';
import { humanApproval } from './human-approval';
import { cancelRequestedSignal } from '../contracts/messages';
import { actionExecutor, runbook, slack } from './proxies';

export type RunbookOutcome = { status: 'succeeded' | 'failed'; result: ActionResult } | { status: 'rejected' | 'expired' | 'cancelled'; by?: string };

/** Retry only what is safe to run twice: idempotent HTTP methods, pings, commands marked safe. */
const retryable = (plan: ExecutionPlan) => (plan.type === 'http' ? plan.idempotent : plan.type === 'command' ? plan.safeToRetry : true);

function describe(plan: ExecutionPlan): string {
  switch (plan.type) {
    case 'http':
      return `${plan.method} ${plan.url}`;
    case 'command':
      return [plan.executable, ...plan.argv].join(' ');
    case 'ping':
      return `ping ${plan.target}`;
  }
}

/**
 * A runbook action from Slack (`action/<name>/<id>`): announce it, get the approval it needs (reusing
 * HumanApproval), run it once with the retries its executor allows, report the result in the thread, audit it,
 * and notify the subscribed channels. `/ops cancel` cancels the run, which kills a running command.
 */
export async function runbookAction(input: RunbookActionInput): Promise<RunbookOutcome> {
  const { workflowId } = workflowInfo();
  const label = `\`${input.actionName}${Object.values(input.params).map((v) => ` ${v}`).join('')}\``;
  let cancelledBy: string | undefined;
  setHandler(cancelRequestedSignal, (user) => {
    cancelledBy ??= user;
  });
  const stage = (s: OpsStageValue) => {
    upsertSearchAttributes([{ key: OpsStage, value: s }]);
    setCurrentDetails(`${label}: ${s}`);
  };

  const announcement = `:gear: <@${input.requestedBy}> asked to run ${label} (\`${workflowId}\`).`;
  const thread = input.thread ?? (await slack.postChannelMessage(input.channelId, announcement));
  if (input.thread) await slack.postThreadNote(input.thread, `:gear: Running ${label} (\`${workflowId}\`), approved by <@${input.requestedBy}>.`);
  await recordAudit('requested', { source: 'slash-command', action: 'run', actorId: input.requestedBy, channelId: input.channelId, text: label, incidentNumber: input.incidentNumber, result: 'accepted' });

  const finish = async (outcome: RunbookOutcome, text: string) => {
    stage(outcome.status);
    await slack.postThreadNote(thread, text);
    await recordAudit('outcome', {
      source: 'workflow',
      action: 'run-outcome',
      actorId: 'by' in outcome ? outcome.by : undefined,
      text: label,
      incidentNumber: input.incidentNumber,
      result: outcome.status,
      reason: 'result' in outcome ? outcome.result.summary : undefined,
    });
    if (outcome.status === 'succeeded' || outcome.status === 'failed') {
      await runbook.notify({ id: `${workflowId}/outcome`, event: outcome.status === 'succeeded' ? 'action-succeeded' : 'action-failed', text });
    }
    return outcome;
  };

  try {
    return await CancellationScope.cancellable(async () => {
      if (input.approval.level !== 'none') {
        stage('awaiting-decision');
        const approval = await startChild(humanApproval, {
          workflowId: runbookApprovalWorkflowId(workflowId),
          args: [
            {
              incidentNumber: input.incidentNumber ?? label,
              question: `Run ${label}?`,
              evidence: `Will execute: \`${describe(input.plan)}\``,
              choices: ['approve', 'reject'],
              approvers: input.approval.approvers,
              approverGroups: input.approval.approverGroups,
              requiredApprovals: input.approval.level === 'two' ? 2 : 1,
              requester: input.requestedBy,
              requesterMayApprove: false,
              thread,
              reminderIntervalMs: Math.min(15 * 60_000, input.approval.expiryMs ?? 60 * 60_000),
              expiryMs: input.approval.expiryMs ?? 60 * 60_000,
            },
          ],
        });
        const outcome: ApprovalOutcome = await approval.result();
        if (outcome.outcome !== 'approved') {
          const by = 'by' in outcome ? outcome.by : undefined;
          return finish({ status: outcome.outcome === 'expired' ? 'expired' : 'rejected', by }, `${label} was not run: ${outcome.outcome}${by ? ` by <@${by}>` : ''}.`);
        }
      }
      stage('running');
      const execute = actionExecutor({
        summary: `Run ${describe(input.plan)}`.slice(0, 200),
        startToCloseTimeout: input.timeoutMs + 10_000,
        heartbeatTimeout: input.plan.type === 'command' ? '10s' : undefined,
        retry: retryable(input.plan) ? { maximumAttempts: 3, initialInterval: '2s' } : { maximumAttempts: 1 },
      });
      let result: ActionResult;
      try {
        result = await execute.executeAction(input.plan, input.timeoutMs);
      } catch (err) {
        if (isCancellation(err)) throw err;
        const reason = err instanceof ActivityFailure && err.cause ? err.cause.message : String(err);
        result = { ok: false, durationMs: 0, excerpt: '', summary: reason };
      }
      const text = `${result.ok ? ':white_check_mark:' : ':x:'} ${label} ${result.ok ? 'succeeded' : 'failed'}: ${result.summary} (${(result.durationMs / 1000).toFixed(1)} s)${result.excerpt ? `\n\`\`\`${result.excerpt}\`\`\`` : ''}`;
      return finish({ status: result.ok ? 'succeeded' : 'failed', result }, text);
    });
  } catch (err) {
    if (!isCancellation(err)) throw err;
    return CancellationScope.nonCancellable(() => finish({ status: 'cancelled', by: cancelledBy }, `:octagonal_sign: ${label} was cancelled${cancelledBy ? ` by <@${cancelledBy}>` : ''}.`));
  }
}
