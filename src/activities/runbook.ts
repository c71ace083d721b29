import { Context } from '@temporalio/activity';
import type { ActionResult, CheckedProposal, ExecutionPlan, Notification, NotificationEvent, ProposalSource } from '../contracts/runbook';
import type { Catalog } from '../runbook/catalog-schema';
import { checkProposalAgainst } from '../runbook/check-proposal';
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
  return {
    /** Checks what the agent proposes against the catalog (src/runbook/check-proposal.ts); nothing free-form ever runs. */
    checkProposal(source: ProposalSource): Promise<CheckedProposal | undefined> {
      return Promise.resolve(checkProposalAgainst(deps.catalog(), source));
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
