import { incidentStateLabel } from '../../contracts/incident-state';
import { incidentWorkflowId } from '../../contracts/workflow-ids';
import type { FakeServiceNow } from '../fake-servicenow';
import type { ChannelMessage, FakeSlack } from '../fake-slack';
import type { InteractionLog, LoggedInteraction } from './interaction-log';

export interface SandboxUser {
  /** A Slack user id, as Slack puts in commands and clicks. */
  id: string;
  name: string;
  /** Shown in the user picker, e.g. "approver". */
  role?: string;
}

export interface IncidentRow {
  number: string;
  priority: string;
  state: string;
  stateLabel: string;
  shortDescription: string;
  assignmentGroup: string;
  cmdbCi: string;
  runUrl: string;
}

export interface MessageView {
  ts: string;
  text: string;
  blocks: unknown[];
  edited: boolean;
}

export interface ThreadView extends MessageView {
  replies: MessageView[];
}

export interface ChannelView {
  id: string;
  threads: ThreadView[];
}

export interface ConsoleState {
  users: readonly SandboxUser[];
  workflowsUrl: string;
  incidents: IncidentRow[];
  channels: ChannelView[];
  log: (LoggedInteraction & { replies: { at: number; text: string; responseType: string; blocks: unknown[] }[] })[];
}

export interface SnapshotSources {
  slack: FakeSlack;
  servicenow: FakeServiceNow;
  log: InteractionLog;
  users: readonly SandboxUser[];
  /** The Web UI's namespace URL, e.g. http://localhost:8233/namespaces/default. */
  namespaceUrl: string;
}

const view = (m: ChannelMessage): MessageView => ({ ts: m.ts, text: m.text, blocks: m.blocks ?? [], edited: m.edits > 0 });
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

/** What the console page shows, read from the fakes' in-memory state; newest incident first, channels oldest first as in Slack. */
export function snapshot(s: SnapshotSources): ConsoleState {
  const incidents = s.servicenow
    .incidents()
    .map((i) => ({
      number: i.number,
      priority: i.priority,
      state: i.state,
      stateLabel: incidentStateLabel(i.state),
      shortDescription: i.short_description,
      assignmentGroup: i.display.assignment_group,
      cmdbCi: i.display.cmdb_ci,
      runUrl: `${s.namespaceUrl}/workflows/${encodeURIComponent(incidentWorkflowId(i.number))}`,
    }))
    .reverse();

  const channels = new Map<string, ThreadView[]>();
  for (const m of s.slack.messages) {
    if (m.thread_ts) continue;
    const threads = channels.get(m.channel) ?? [];
    threads.push({ ...view(m), replies: s.slack.messages.filter((r) => r.thread_ts === m.ts && r.channel === m.channel).map(view) });
    channels.set(m.channel, threads);
  }

  const log = s.log.entries().map((entry) => ({
    ...entry,
    replies: s.slack.responsesFor(entry.responseUrl).map((r) => ({
      at: r.at,
      text: str(r.body.text),
      responseType: str(r.body.response_type) || 'ephemeral',
      blocks: Array.isArray(r.body.blocks) ? (r.body.blocks as unknown[]) : [],
    })),
  }));

  return {
    users: s.users,
    workflowsUrl: `${s.namespaceUrl}/workflows`,
    incidents,
    channels: [...channels].map(([id, threads]) => ({ id, threads })),
    log,
  };
}
