import { incidentStateLabel } from '../../contracts/incident-state';
import { incidentWorkflowId } from '../../contracts/workflow-ids';
import type { FakeAlert, FakePagerDuty } from '../fake-pagerduty';
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
  /** The channel's name in the workspace, when it has one. */
  name?: string;
  threads: ThreadView[];
}

/** A PagerDuty alert, as the console lists it: never its routing key, only the variable the key was given as. */
export interface PageView {
  id: number;
  dedupKey: string;
  /** From the alert's custom details (OpsLoop puts the incident, route and level there). */
  incident?: string;
  route?: string;
  level?: number;
  /** The variable the route's routing key is read from, e.g. PAGERDUTY_ROUTING_KEY_PAYMENTS. */
  routingKeyName?: string;
  status: FakeAlert['status'];
  severity: string;
  summary: string;
  /** When it was opened and when it last changed (ms since the epoch). */
  openedAt: number;
  changedAt: number;
}

/** The PagerDuty fake and what its routing keys are called, for the console's list of pages. */
export interface ConsolePagerDuty {
  fake: FakePagerDuty;
  /** By routing key: the variable it is exported to the worker as. */
  routingKeyNames?: Readonly<Record<string, string>>;
}

export interface ConsoleState {
  users: readonly SandboxUser[];
  workflowsUrl: string;
  incidents: IncidentRow[];
  channels: ChannelView[];
  /** Newest first; absent when the console has no PagerDuty to show. */
  pages?: PageView[];
  log: (LoggedInteraction & { replies: { at: number; text: string; responseType: string; blocks: unknown[] }[] })[];
}

export interface SnapshotSources {
  slack: FakeSlack;
  servicenow: FakeServiceNow;
  log: InteractionLog;
  users: readonly SandboxUser[];
  pagerduty?: ConsolePagerDuty;
  /** The Web UI's namespace URL, e.g. http://localhost:8233/namespaces/default. */
  namespaceUrl: string;
}

const view = (m: ChannelMessage): MessageView => ({ ts: m.ts, text: m.text, blocks: m.blocks ?? [], edited: m.edits > 0 });
const str = (value: unknown): string => (typeof value === 'string' ? value : '');

function pageView(alert: FakeAlert, names: Readonly<Record<string, string>>): PageView {
  const details = (typeof alert.customDetails === 'object' && alert.customDetails !== null ? alert.customDetails : {}) as Record<string, unknown>;
  return {
    id: alert.id,
    dedupKey: alert.dedupKey,
    ...(typeof details.incident === 'string' ? { incident: details.incident } : {}),
    ...(typeof details.route === 'string' ? { route: details.route } : {}),
    ...(typeof details.level === 'number' ? { level: details.level } : {}),
    ...(names[alert.routingKey] ? { routingKeyName: names[alert.routingKey] } : {}),
    status: alert.status,
    severity: alert.severity,
    summary: alert.summary,
    openedAt: alert.history[0]?.at ?? 0,
    changedAt: alert.history.at(-1)?.at ?? 0,
  };
}

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

  // Every channel of the workspace the bot is in, threads or not, so a route's channel shows before its first incident.
  const channels = new Map<string, ThreadView[]>(s.slack.channels.list().filter((c) => c.botIsMember).map((c) => [c.id, []]));
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
    channels: [...channels].map(([id, threads]) => ({ id, ...(s.slack.channels.get(id) ? { name: s.slack.channels.get(id)!.name } : {}), threads })),
    ...(s.pagerduty ? { pages: s.pagerduty.fake.alerts.map((a) => pageView(a, s.pagerduty?.routingKeyNames ?? {})).reverse() } : {}),
    log,
  };
}
