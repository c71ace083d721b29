import { CancellationScope, condition, isCancellation, sleep } from '@temporalio/workflow';
import type { AgentTaskProgress } from '../../contracts/agent-task';
import { AgentTaskId } from '../../contracts/search-attributes';
import { asSlackText } from '../../contracts/slack-text';
import { withAgentSlot } from '../agent-slot';
import { agentTask, slack } from '../proxies';
import { upsertChanged } from '../search-attributes';
import type { InvestigationState } from './state';
import { reasonOf } from './reason-of';

const DEFAULT_POLL_INTERVAL_MS = 30_000;

/**
 * Waits for one of the Agent Space's investigation slots (the space runs only so many at once; a P1 goes first), then
 * creates the incident's agent task and follows it until it has an answer, the incident finishes elsewhere, or the
 * findings deadline passes: a lifecycle event wakes it at once, and without events it polls (durable timers).
 */
export async function followAgentTask(state: InvestigationState): Promise<void> {
  let queued = false;
  const onQueued = (ahead: number) => {
    queued = true;
    return state.enterStage('investigating', `Queued for the agent: ${ahead} ahead (the Agent Space runs a few investigations at a time).`);
  };
  // Resolved in ServiceNow while queued: leave the queue at once rather than take a slot for nothing.
  const scope = new CancellationScope();
  void condition(() => state.finishedElsewhere()).then(() => scope.cancel());
  try {
    await scope.run(() => withAgentSlot({ priority: Number(state.incident.priority) || 5, onQueued }, () => createAndFollow(state, queued)));
  } catch (err) {
    if (!isCancellation(err) || !state.finishedElsewhere()) throw err;
  }
}

async function createAndFollow(state: InvestigationState, queued: boolean): Promise<void> {
  if (state.finishedElsewhere()) return;
  const started = await startTask(state, queued);
  if (!started) return;
  const { findingsTimeoutMs, agentPollIntervalMs = DEFAULT_POLL_INTERVAL_MS } = state.settings;
  let expired = false;
  const deadline = new CancellationScope();
  deadline.run(() => sleep(findingsTimeoutMs)).then(
    () => (expired = true),
    () => undefined,
  );
  try {
    for (;;) {
      await condition(() => state.agentTaskSettled || state.finishedElsewhere() || expired, agentPollIntervalMs);
      if (state.finishedElsewhere()) return;
      state.agentTaskSettled = false;
      // At the deadline the task is read once more: an answer that came in since the last poll still counts.
      const progress = await checkTask(state, started.taskId);
      if (!progress) return;
      if (progress.state === 'pending') {
        if (progress.executionId && progress.executionId !== state.agentTask?.executionId) state.agentTask = { ...started, executionId: progress.executionId, status: progress.status };
        if (!expired) continue;
        await slack.postThreadNote(state.thread, ':hourglass: No findings from the agent in time; asking for a decision without them.');
      } else if (progress.state === 'completed') {
        state.findings = progress.findings;
        if (progress.linkedTo) await slack.postThreadNote(state.thread, `:link: The agent linked this incident to task ${asSlackText(progress.linkedTo)}, an investigation already under way; its findings are shown here.`);
      } else {
        await slack.postThreadNote(state.thread, `:warning: No findings: ${asSlackText(`${progress.reason} (task ${progress.taskId}, status ${progress.status})`)}. Asking for a decision without them.`);
      }
      return;
    }
  } finally {
    deadline.cancel();
  }
}

/** The root message changes only if it showed the queue: otherwise it already says the investigation is under way. */
async function startTask(state: InvestigationState, queued: boolean) {
  try {
    const task = await agentTask.startAgentTask(state.investigationRequest());
    state.agentTask = task;
    upsertChanged([{ key: AgentTaskId, value: task.taskId }]);
    await state.enterStage('investigating', `The agent is investigating (task ${asSlackText(task.taskId)}).`, { updateSlack: queued });
    return task;
  } catch (err) {
    await slack.postThreadNote(state.thread, `:warning: Could not start the agent's investigation: ${asSlackText(reasonOf(err))}. Continuing without findings.`);
    return undefined;
  }
}

async function checkTask(state: InvestigationState, taskId: string): Promise<AgentTaskProgress | undefined> {
  try {
    return await agentTask.checkAgentTask(taskId, state.number);
  } catch (err) {
    await slack.postThreadNote(state.thread, `:warning: Could not read the agent's investigation: ${asSlackText(reasonOf(err))}. Continuing without findings.`);
    return undefined;
  }
}
