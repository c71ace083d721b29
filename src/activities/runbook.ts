import { Context, activityInfo, getClient } from '@temporalio/activity';
import type { ActionResult, ExecutionPlan, Notification, NotificationEvent } from '../contracts/runbook';
import { runCommand } from '../runbook/executors/command';
import { runHttp } from '../runbook/executors/http';
import { runPing } from '../runbook/executors/ping';
import { notificationQueuedSignal } from '../workflows/messages';

export interface Subscription {
  channel: string;
  events: NotificationEvent[];
  batchWindowMs: number;
}

export function createRunbookActivities(deps: { env: NodeJS.ProcessEnv; subscriptions: () => Subscription[] }) {
  return {
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
        await getClient().workflow.signalWithStart('channelNotifier', {
          workflowId: `notify/${s.channel}`,
          taskQueue: activityInfo().taskQueue,
          args: [{ channel: s.channel, batchWindowMs: s.batchWindowMs }],
          signal: notificationQueuedSignal,
          signalArgs: [notification],
        });
      }
      return targets.length;
    },
  };
}
