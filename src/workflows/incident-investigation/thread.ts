import { condition, patched } from '@temporalio/workflow';
import { SlackChannel } from '../../contracts/search-attributes';
import { recordAudit } from '../audit-trail';
import { agent, servicenow, slack } from '../proxies';
import { PATCH } from '../patches';
import { upsertChanged } from '../search-attributes';
import { followAgentTask } from './agent-task';
import { reasonOf } from './reason-of';
import type { InvestigationState } from './state';

/** Task-mode investigators are followed through their API; runs recorded before that always triggered a callback. */
const followsAgentTask = (state: InvestigationState): boolean => state.settings.investigatorMode === 'task' && patched(PATCH.agentTaskApi);


/** Opens the incident's Slack thread (audited), then notes it in the ticket while the investigator is asked. */
export async function openThreadAndAskInvestigator(state: InvestigationState): Promise<void> {
  const { settings, number } = state;
  const [, posted] = await Promise.all([
    recordAudit('opened', { source: state.requestedBy ? 'slash-command' : 'webhook', action: 'investigate', actorId: state.requestedBy, incidentNumber: number, result: 'accepted' }),
    state.enterStage('investigating', 'Asking the investigator.').then(() => slack.postIncidentRoot(settings.slackChannel, state.view(settings))),
  ]);
  state.thread = { channel: posted.channel, ts: posted.ts };
  state.threadPermalink = posted.permalink;
  upsertChanged([{ key: SlackChannel, value: posted.channel }]);
  const opened = `OpsLoop opened a Slack thread for ${number}`;
  await Promise.all([
    // Once: a retry after a PATCH that landed (its answer lost to a crash) finds the note already written.
    servicenow.addWorkNoteOnce(state.incident.sysId, opened, `${opened}: ${posted.permalink}`),
    followsAgentTask(state) ? undefined : askInvestigator(state),
  ]);
}

async function askInvestigator(state: InvestigationState): Promise<void> {
  try {
    await agent.requestInvestigation(state.investigationRequest());
  } catch (err) {
    await slack.postThreadNote(state.thread, `:warning: Could not reach the investigator (${reasonOf(err)}); continuing without findings.`);
  }
}

/** Waits for findings, the incident finishing elsewhere, or the deadline; says so in the thread when none came. */
export async function waitForFindings(state: InvestigationState): Promise<void> {
  if (followsAgentTask(state)) return followAgentTask(state);
  const settled = await condition(() => state.findings !== undefined || state.finishedElsewhere(), state.settings.findingsTimeoutMs, { summary: 'findings' });
  if (!settled) await slack.postThreadNote(state.thread, ':hourglass: No findings from the investigator in time; asking for a decision without them.');
}
