// Workflow-safe: plain types, constants and message definitions only.
import { defineQuery, defineSignal } from '@temporalio/workflow';

/** The AWS DevOps Agent space runs this many investigations at once unless its quota was raised. */
export const DEFAULT_AGENT_MAX_CONCURRENT = 3;

/** One run of a workflow: a slot belongs to a run, so a reset or continued-as-new run is a different holder. */
export interface WorkflowRun {
  workflowId: string;
  runId: string;
}

/** A holder asks for one slot; `requestId` is unique per holder run and call, so a repeated request is one request. */
export interface AgentSlotRequest {
  requestId: string;
  holder: WorkflowRun;
  /** ServiceNow priority: 1 is served first, then arrival order. */
  priority: number;
  /** OPSLOOP_AGENT_MAX_CONCURRENT as the worker that sent the request reads it; the latest request's value applies. */
  maxConcurrent: number;
}

/** What the semaphore tells a holder: it may start, or how many requests are served before it. */
export type AgentSlotStatus = { requestId: string; granted: true } | { requestId: string; granted: false; ahead: number };

export interface AgentSlotHolder {
  requestId: string;
  holder: WorkflowRun;
  priority: number;
  /** The holder was told it may start. */
  told: boolean;
}

export interface AgentSlotWaiter {
  requestId: string;
  holder: WorkflowRun;
  priority: number;
  /** Arrival order, the tie-breaker within one priority. */
  arrival: number;
  /** The last position the waiter was told. */
  toldAhead?: number;
}

/** Everything the semaphore knows; it is carried across continue-as-new unchanged. */
export interface AgentSlotsState {
  maxConcurrent: number;
  holders: AgentSlotHolder[];
  /** Waiting requests, in the order they will be served. */
  queue: AgentSlotWaiter[];
  nextArrival: number;
  /** Recently finished request ids: a late duplicate of their request must not take a slot again. */
  ended: string[];
}

export interface AgentSlotsInput {
  maxConcurrent: number;
  /** How often the holders are checked for runs that closed without releasing (default 30 s). */
  holderCheckIntervalMs?: number;
  /** History length after which the semaphore continues as new (default 2,000 events, or earlier if the server suggests). */
  continueAsNewAfterEvents?: number;
  /** The state of the previous run, after continue-as-new. */
  state?: AgentSlotsState;
}

/** A holder asks for a slot (sent by the `acquireAgentSlot` activity through signalWithStart). */
export const agentSlotRequestedSignal = defineSignal<[AgentSlotRequest]>('agentSlotRequested');

/** A holder gives its slot back, or withdraws its request; repeated releases are ignored. */
export const agentSlotReleasedSignal = defineSignal<[string]>('agentSlotReleased');

/** Sent by the semaphore to a holder run: granted, or its place in the queue. */
export const agentSlotStatusSignal = defineSignal<[AgentSlotStatus]>('agentSlotStatus');

/** The semaphore's holders and queue, for operators and tests. */
export const agentSlotsStateQuery = defineQuery<AgentSlotsState>('agentSlotsState');
