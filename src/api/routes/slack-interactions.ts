import type { Request, Response } from 'express';
import { DECISION_ACTION_PREFIX, PREVIEW_ACTION, isDecisionChoice } from '../../contracts/decision';
import { incidentNumberOfApproval, isApprovalWorkflowId } from '../../contracts/workflow-ids';
import { auditFromApi, type CommandDeps } from '../commands';
import { BadRequestError, readFormBody } from '../middleware/form-body';
import { blockActionsSchema, viewSubmissionSchema, type BlockActions } from '../slack/payloads';
import { viewSubmissionRoute } from './slack-view-submission';
import { DecisionRefusedError } from '../workflow-gateway';
import { DECISION_ACK_BUDGET_MS, type Responder } from '../respond';

export { DECISION_ACK_BUDGET_MS, type Responder };

export interface InteractionDeps extends CommandDeps {
  respond: Responder;
}

const clickedAt = (actionTs: string | undefined): string | undefined =>
  actionTs && /^\d+(\.\d+)?$/.test(actionTs) ? new Date(Number(actionTs) * 1000).toISOString() : undefined;

/** POST /slack/interactions: decision buttons become a Temporal update on the approval workflow; modals are submitted. */
export function slackInteractionsRoute(deps: InteractionDeps, ackBudgetMs = DECISION_ACK_BUDGET_MS) {
  const submitView = viewSubmissionRoute(deps);
  return async (req: Request, res: Response): Promise<void> => {
    const form = readFormBody(req, res.locals.rawBody as Buffer);
    let payload: unknown;
    try {
      payload = JSON.parse(form.payload ?? '');
    } catch {
      throw new BadRequestError(400, 'missing or malformed payload field');
    }
    const submission = viewSubmissionSchema.safeParse(payload);
    if (submission.success) {
      await submitView(req, res, submission.data);
      return;
    }
    const parsed = blockActionsSchema.safeParse(payload);
    if (!parsed.success) {
      // Other interaction types (shortcuts, view closed) are not used: acknowledge, change nothing.
      res.status(200).end();
      return;
    }
    await decide(deps, req, res, parsed.data, ackBudgetMs);
  };
}

async function decide(deps: InteractionDeps, req: Request, res: Response, click: BlockActions, ackBudgetMs: number): Promise<void> {
  const action = click.actions[0]!;
  // Decision buttons carry "<approval workflow id>|<sha256 of the evidence shown>".
  const [approvalId = '', evidenceHash] = (action.value ?? '').split('|');
  if (evidenceHash !== undefined && !/^[0-9a-f]{64}$/.test(evidenceHash)) throw new BadRequestError(400, 'malformed evidence hash');
  if (!isApprovalWorkflowId(approvalId)) throw new BadRequestError(400, 'unknown action');
  if (action.action_id === PREVIEW_ACTION) {
    res.status(200).end();
    const preview = await deps.gateway.approvalPreview(approvalId).catch(() => undefined);
    if (click.response_url) {
      await deps
        .respond(click.response_url, { text: preview ? `:mag: Preview (nothing was run):\n${preview}` : 'Nothing to preview.', response_type: 'ephemeral', replace_original: false })
        .catch((err: unknown) => req.log?.warn({ err }, 'could not reply through response_url'));
    }
    return;
  }
  const choice = action.action_id.startsWith(DECISION_ACTION_PREFIX) ? action.action_id.slice(DECISION_ACTION_PREFIX.length) : '';
  if (!isDecisionChoice(choice)) throw new BadRequestError(400, 'unknown action');

  const tell = (text: string) => {
    if (!click.response_url) return;
    deps.respond(click.response_url, { text, response_type: 'ephemeral', replace_original: false }).catch((err: unknown) =>
      req.log?.warn({ err }, 'could not reply through response_url'),
    );
  };
  const refused = async (err: DecisionRefusedError) => {
    tell(`:no_entry: ${err.message}`);
    await auditFromApi(deps.audit, {
      source: 'button',
      action: 'decide',
      actorId: click.user.id,
      channelId: click.channel?.id,
      decision: choice,
      workflowId: approvalId,
      incidentNumber: incidentNumberOfApproval(approvalId),
      result: 'denied',
      reason: err.message,
    });
  };
  const groups = await deps.groupsOf(click.user.id);
  const decision = deps.gateway.decide(
    approvalId,
    { choice, userId: click.user.id, userName: click.user.username ?? click.user.name, clickedAt: clickedAt(action.action_ts), groups, source: 'button', evidenceHash },
    // The same person clicking twice on the same evidence (or Slack re-sending) is one decision, not two.
    `${approvalId}:${click.user.id}:${evidenceHash ?? ''}`,
  );
  const outcome = await Promise.race([
    decision.then(
      () => 'accepted' as const,
      (err: unknown) => err,
    ),
    new Promise<'pending'>((r) => setTimeout(() => r('pending'), ackBudgetMs)),
  ]);
  res.status(200).end();

  if (outcome === 'accepted') return; // the workflow updates the message for everyone
  if (outcome === 'pending') {
    tell(':hourglass_flowing_sand: Recording your decision… I will confirm here.');
    decision.then(
      (r) => tell(`:white_check_mark: Your decision (${r.choice}) was recorded.`),
      (err: unknown) => (err instanceof DecisionRefusedError ? void refused(err) : tell(':warning: Your decision could not be recorded; please try again.')),
    );
    return;
  }
  if (outcome instanceof DecisionRefusedError) {
    await refused(outcome);
    return;
  }
  req.log?.error({ err: outcome, approvalId }, 'decision could not be delivered');
  tell(':warning: OpsLoop could not record your decision (its workflow service did not answer). Please try again.');
}
