import { setCurrentDetails, setHandler, workflowInfo, type CancellationScope } from '@temporalio/workflow';
import { isFinishedState } from '../../contracts/incident-state';
import type { IncidentSnapshot, IncidentStatus, IncidentView, InvestigationRequest, InvestigationSettings, ThreadRef } from '../../contracts/investigation';
import type { AgentTaskRef } from '../../contracts/agent-task';
import { TERMINAL_AGENT_EVENTS } from '../../contracts/agent-task';
import { agentTaskEventSignal, findingsReceivedSignal, incidentRequestedSignal, incidentStatusQuery, incidentUpdatedSignal } from '../../contracts/messages';
import type { Findings } from '../../contracts/schemas/findings';
import { IncidentPriority, OpsStage, type OpsStageValue } from '../../contracts/search-attributes';
import { slack } from '../proxies';
import { upsertChanged } from '../search-attributes';

/** The start of the findings a status query returns (Markdown): enough for `/ops status` to show a rendered glance. */
const STATUS_SUMMARY_CHARS = 2000;

export type PendingApproval = NonNullable<IncidentStatus['pendingApproval']>;

/**
 * What one investigation knows now — the incident as ServiceNow last reported it, the newest findings, its stage and
 * its Slack thread — and the handlers that change it. Signals only record; the steps of the loop decide what to do.
 */
export class InvestigationState {
  incident: IncidentSnapshot;
  findings?: Findings;
  stage: OpsStageValue = 'investigating';
  private detail = '';
  private openedThread?: ThreadRef;
  threadPermalink?: string;
  private loadedSettings?: InvestigationSettings;
  /** The priorities whose approval rules the settings hold. */
  rulePriorities: string[] = [];
  /** The incident's routing fields when its settings were read (./route.ts): another value means they may be stale. */
  routedFor?: string;
  /** How many times a reassignment moved the incident to another route. */
  reroutes?: number;
  /** The on-call levels paged (./paging.ts), and the reminder-interval timer that makes the first page due. */
  readonly paging: { levels: number[]; timer?: CancellationScope; due?: boolean } = { levels: [] };
  pendingApproval?: PendingApproval;
  /** The Slack users who asked for this investigation, in the order they asked; none of them may approve it. */
  readonly requesters: string[] = [];
  /** Who opened the incident in ServiceNow, as Slack users (read for each decision), or why that is unknown. */
  openers?: { slackUserIds: string[] } | { unknown: string };
  /** The agent task following this incident, once created (task-mode investigators). */
  agentTask?: AgentTaskRef;
  /** A lifecycle event said the task has a final answer: check it now rather than at the next poll. */
  agentTaskSettled = false;

  constructor(
    incident: IncidentSnapshot,
    readonly requestedBy?: string,
  ) {
    this.incident = incident;
    if (requestedBy) this.requesters.push(requestedBy);
    const onUpdate = (update: IncidentSnapshot) => {
      // Deliveries repeat and arrive out of order (Business Rules, the reconcile schedule): only newer versions count.
      if (update.sysId === this.incident.sysId && update.sysModCount > this.incident.sysModCount) this.incident = update;
    };
    setHandler(incidentUpdatedSignal, onUpdate);
    setHandler(incidentRequestedSignal, (update, by) => {
      onUpdate(update);
      if (!this.requesters.includes(by)) this.requesters.push(by);
    });
    setHandler(findingsReceivedSignal, (received) => {
      // Later findings replace earlier ones; a pending decision is then asked again on the new evidence.
      if (JSON.stringify(this.findings) !== JSON.stringify(received)) this.findings = received;
    });
    setHandler(agentTaskEventSignal, (event) => {
      // Events are hints, never findings: the results are read from the agent's API when the task is checked.
      if (!this.agentTask || event.taskId !== this.agentTask.taskId) return;
      if ((TERMINAL_AGENT_EVENTS as readonly string[]).includes(event.detailType)) this.agentTaskSettled = true;
    });
    setHandler(incidentStatusQuery, () => ({
      incidentNumber: this.number,
      stage: this.stage,
      priority: this.incident.priority,
      thread: this.openedThread,
      hasFindings: this.findings !== undefined,
      findingsSummary: this.findings?.summary.slice(0, STATUS_SUMMARY_CHARS),
      pendingApproval: this.pendingApproval,
    }));
  }

  get number(): string {
    return this.incident.number;
  }

  get settings(): InvestigationSettings {
    if (!this.loadedSettings) throw new Error('the investigation read its settings before loading them');
    return this.loadedSettings;
  }

  /** Set by ./route.ts: read once, then again when ServiceNow changes what they depend on. */
  set settings(settings: InvestigationSettings) {
    this.loadedSettings = settings;
  }

  get hasSettings(): boolean { return this.loadedSettings !== undefined; } // prettier-ignore
  get hasThread(): boolean { return this.openedThread !== undefined; } // prettier-ignore

  get thread(): ThreadRef {
    if (!this.openedThread) throw new Error('the investigation used its Slack thread before opening it');
    return this.openedThread;
  }

  set thread(thread: ThreadRef) {
    this.openedThread = thread;
  }

  finishedElsewhere(): boolean {
    return isFinishedState(this.incident.state);
  }

  runUrl(settings: InvestigationSettings): string {
    const { workflowId, runId } = workflowInfo();
    return `${settings.webUiNamespaceUrl}/workflows/${encodeURIComponent(workflowId)}/${runId}`;
  }

  incidentUrl(settings: InvestigationSettings): string {
    return `${settings.serviceNowUrl}/nav_to.do?uri=incident.do?sys_id=${this.incident.sysId}`;
  }

  /** What the investigator is asked: the incident as it stands now. */
  investigationRequest(): InvestigationRequest {
    const { number, sysId, shortDescription, description, priority, cmdbCi } = this.incident;
    return { incidentNumber: number, sysId, title: shortDescription, description, priority, service: cmdbCi || undefined, incidentUrl: this.incidentUrl(this.settings), action: 'created' };
  }

  /** The thread's root message as it should look now. */
  view(settings: InvestigationSettings): IncidentView {
    const { number, priority, shortDescription, assignmentGroup, cmdbCi } = this.incident;
    return { number, priority, shortDescription, assignmentGroup, cmdbCi, stage: this.stage, detail: this.detail, incidentUrl: this.incidentUrl(settings), runUrl: this.runUrl(settings) };
  }

  /**
   * Moves to a stage: search attributes (only what changed), the run's current details in the Web UI, and the
   * thread's root message unless the caller says the thread already shows it.
   */
  async enterStage(next: OpsStageValue, detail: string, options: { updateSlack?: boolean } = {}): Promise<void> {
    this.stage = next;
    this.detail = detail;
    upsertChanged([
      { key: OpsStage, value: next },
      { key: IncidentPriority, value: this.incident.priority },
    ]);
    setCurrentDetails(`**${this.number}** · P${this.incident.priority} · ${next}\n\n${detail}`);
    if (this.openedThread && this.loadedSettings && (options.updateSlack ?? true)) await slack.updateIncidentRoot(this.openedThread, this.view(this.loadedSettings));
  }
}
