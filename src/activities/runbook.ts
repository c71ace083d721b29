import { Context } from '@temporalio/activity';
import type { ActionResult, CheckedProposal, ExecutionPlan, Notification, NotificationEvent } from '../contracts/runbook';
import type { Catalog } from '../runbook/catalog-schema';
import { ParamError, parseParams } from '../runbook/params';
import { describePlan, planAction } from '../runbook/plan';
import { runCommand } from '../runbook/executors/command';
import { runHttp } from '../runbook/executors/http';
import { runPing } from '../runbook/executors/ping';
import type { OpsLoopWorkflows } from '../temporal-client/opsloop-workflows';

export interface Subscription {
  channel: string;
  events: NotificationEvent[];
  batchWindowMs: number;
}

export function createRunbookActivities(deps: { env: NodeJS.ProcessEnv; subscriptions: () => Subscription[]; catalog: () => Catalog; workflows: OpsLoopWorkflows }) {
  const check = (proposal: { name: string; params: Record<string, string> }): CheckedProposal => {
    const label = `${proposal.name}${Object.values(proposal.params).map((v) => ` ${v}`).join('')}`.slice(0, 200);
    const catalog = deps.catalog();
    const action = catalog.actions.find((a) => a.name === proposal.name);
    if (!action) return { valid: false, label, reason: `no catalog action named ${proposal.name}` };
    try {
      const params = parseParams(action, Object.entries(proposal.params).map(([k, v]) => `${k}=${v}`), catalog);
      const plan = planAction(action, params, catalog);
      const rule = action.approval === 'two' ? 'two approvers' : 'one approver at least';
      return { valid: true, actionName: action.name, params, plan, timeoutMs: action.timeoutMs, approval: action.approval, label, preview: `\`${describePlan(plan)}\` · timeout ${Math.round(action.timeoutMs / 1000)} s · approval: ${rule}` };
    } catch (err) {
      if (err instanceof ParamError) return { valid: false, label, reason: err.message };
      throw err;
    }
  };

  return {
    /** Validates an agent's proposal against the catalog action of that name; nothing free-form ever runs. */
    checkProposal(proposal: { name: string; params: Record<string, string> }): Promise<CheckedProposal> {
      return Promise.resolve(check(proposal));
    },

    /** Runs one planned action; heartbeats while it runs so a cancel from Slack reaches it and kills it. */
    async executeAction(plan: ExecutionPlan, timeoutMs: number): Promise<ActionResult> {
      const context = Context.current();
      const signal = context.cancellationSignal;
      switch (plan.type) {
        case 'http':
          return runHttp(plan, timeoutMs, deps.env, signal);
        case 'command':
          return runCommand(plan, timeoutMs, deps.env, { onProgress: () => context.heartbeat(), signal });
        case 'ping':
          return runPing(plan, Math.min(timeoutMs, 10_000));
      }
    },

    /** Hands a notification to every subscribed channel's notifier (which batches and deduplicates by id). */
    async notify(notification: Notification): Promise<number> {
      const targets = deps.subscriptions().filter((s) => s.events.includes(notification.event));
      for (const s of targets) {
        await deps.workflows.queueNotification(s.channel, s.batchWindowMs, notification);
      }
      return targets.length;
    },
  };
}
