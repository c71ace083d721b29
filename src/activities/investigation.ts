import { createHash } from 'node:crypto';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { AgentTaskProgress, AgentTaskRef } from '../contracts/agent-task';
import type { InvestigationRequest } from '../contracts/investigation';
import type { InvestigationSettings, WorkerSettings } from '../contracts/investigation';
import type { Investigator } from '../clients/agent/investigator';
import { approversFor, routeFor, routeNameOf, type RouteKey } from '../policy/route-for';
import type { PolicyStore } from '../policy/policy-store';
import type { Subscription } from './runbook';

/**
 * The settings of the incident's route under the policy in force now: its channel, approvers and rule for the
 * priority, reminders, escalation and paging. An incident no route takes gets the worker's settings and the policy's
 * approvers. Given only a priority (runs recorded before routes), routing reads nothing else.
 */
export function routeSettings(policyStore: PolicyStore, worker: WorkerSettings, key: string | RouteKey | undefined) {
  const policy = policyStore.current();
  const routeKey = typeof key === 'object' ? key : undefined;
  const priority = typeof key === 'object' ? key.priority : key;
  const route = routeKey ? routeFor(policy, routeKey) : undefined;
  return {
    ...approversFor(policy, route, priority),
    ...(routeKey ? { route: routeNameOf(route) } : {}),
    slackChannel: route?.channel ?? worker.slackChannel,
    escalationTarget: route?.escalationTarget ?? worker.escalationTarget,
    reminderIntervalMs: route?.reminderIntervalMs ?? worker.reminderIntervalMs,
    ...(route?.oncall
      ? { paging: { atOnce: Number(priority) <= Number(route.oncall.pageAtOnceUpTo), levels: 1 + route.oncall.escalationRoutingKeys.length, onCallNamed: route.oncall.escalationPolicyId !== undefined } }
      : {}),
  };
}

/** A run asked for the other kind of investigator than the worker has (its configuration changed): retrying cannot help. */
const modeMismatch = (message: string) => ApplicationFailure.create({ type: 'InvestigatorModeError', message, nonRetryable: true });

/**
 * One idempotency token per workflow run: every attempt of the activity (and a replayed run) sends the same one, so
 * the agent returns the task it already created instead of a second. A new run (a reopened incident) gets a new one.
 */
export function clientTokenOf(workflowId: string, runId: string): string {
  return createHash('sha256').update(`${workflowId}\n${runId}`).digest('hex').slice(0, 64);
}

export function createInvestigationActivities(deps: {
  investigator: Investigator;
  settings: WorkerSettings;
  policy: PolicyStore;
  subscriptions?: () => Subscription[];
}) {
  const { investigator } = deps;
  const taskInvestigator = () => {
    if (investigator.mode !== 'task') throw modeMismatch(`this worker's investigator (${investigator.name}) has no task API; set AWS_DEVOPS_AGENT_SPACE_ID`);
    return investigator;
  };
  return {
    /**
     * Read through an activity so the values (including the approval rule from the policy at this moment) are
     * recorded in history: replays, and decisions already pending, never see a later policy.
     */
    getInvestigationSettings(key?: string | RouteKey): Promise<InvestigationSettings> {
      const notifiedEvents = [...new Set((deps.subscriptions?.() ?? []).flatMap((s) => s.events))];
      return Promise.resolve({ ...deps.settings, ...routeSettings(deps.policy, deps.settings, key), notifiedEvents, investigatorMode: investigator.mode });
    },

    async requestInvestigation(request: InvestigationRequest): Promise<{ investigator: string }> {
      if (investigator.mode !== 'callback') throw modeMismatch(`this worker's investigator (${investigator.name}) is followed through its task API, not triggered`);
      await investigator.requestInvestigation(request);
      return { investigator: investigator.name };
    },

    startAgentTask(request: InvestigationRequest): Promise<AgentTaskRef> {
      const run = Context.current().info.workflowExecution;
      if (!run) throw modeMismatch('an agent task can only be started from a workflow');
      const { workflowId, runId } = run;
      return taskInvestigator().startTask(request, clientTokenOf(workflowId, runId));
    },

    checkAgentTask(taskId: string, incidentNumber: string): Promise<AgentTaskProgress> {
      return taskInvestigator().checkTask(taskId, incidentNumber);
    },
  };
}
