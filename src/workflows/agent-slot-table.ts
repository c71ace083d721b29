import type { AgentSlotRequest, AgentSlotStatus, AgentSlotsState, WorkflowRun } from '../contracts/agent-slots';

/** Enough to recognise a late duplicate of a request (a retried acquire lands within minutes of the first). */
const ENDED_KEPT = 500;

/** A status the semaphore owes a holder run. */
export interface SlotDelivery {
  holder: WorkflowRun;
  status: AgentSlotStatus;
}

export const emptySlotsState = (maxConcurrent: number): AgentSlotsState => ({ maxConcurrent, holders: [], queue: [], nextArrival: 0, ended: [] });

const sameRun = (a: WorkflowRun, b: WorkflowRun) => a.workflowId === b.workflowId && a.runId === b.runId;
const rank = (priority: number) => (Number.isFinite(priority) ? priority : Number.MAX_SAFE_INTEGER);

/**
 * The agent-slot semaphore's bookkeeping, pure so the rules are tested without a server: at most `maxConcurrent`
 * holders; waiters served by priority (1 first), then arrival; one request id is one request, however often it is
 * sent, and an ended one never comes back. It says what each holder must be told; the workflow tells them.
 */
export class AgentSlotTable {
  private readonly state: AgentSlotsState;

  constructor(state: AgentSlotsState) {
    this.state = { ...state, holders: state.holders.map((h) => ({ ...h })), queue: state.queue.map((w) => ({ ...w })), ended: [...state.ended] };
    this.grant();
  }

  request(request: AgentSlotRequest): void {
    const s = this.state;
    if (Number.isInteger(request.maxConcurrent) && request.maxConcurrent >= 1) s.maxConcurrent = request.maxConcurrent;
    const known = s.ended.includes(request.requestId) || s.holders.some((h) => h.requestId === request.requestId) || s.queue.some((w) => w.requestId === request.requestId);
    if (!known) {
      const waiter = { requestId: request.requestId, holder: { ...request.holder }, priority: request.priority, arrival: s.nextArrival++ };
      const before = s.queue.findIndex((w) => rank(w.priority) > rank(request.priority));
      s.queue.splice(before === -1 ? s.queue.length : before, 0, waiter);
    }
    this.grant();
  }

  /** The holder gave the slot back or withdrew its request; unknown ids are remembered, so a late request stays ended. */
  release(requestId: string): void {
    const s = this.state;
    s.holders = s.holders.filter((h) => h.requestId !== requestId);
    s.queue = s.queue.filter((w) => w.requestId !== requestId);
    if (!s.ended.includes(requestId)) s.ended = [...s.ended, requestId].slice(-ENDED_KEPT);
    this.grant();
  }

  /** These runs are closed (terminated, timed out, reset, finished): their slots and places are free. */
  closed(runs: WorkflowRun[]): void {
    const s = this.state;
    const gone = [...s.holders, ...s.queue].filter((r) => runs.some((run) => sameRun(run, r.holder)));
    for (const r of gone) this.release(r.requestId);
  }

  /** The statuses holders have not been told yet: a grant, or a position that changed. */
  deliveries(): SlotDelivery[] {
    const granted = this.state.holders.filter((h) => !h.told).map((h) => ({ holder: h.holder, status: { requestId: h.requestId, granted: true as const } }));
    const queued = this.state.queue.flatMap((w, ahead) => (w.toldAhead === ahead ? [] : [{ holder: w.holder, status: { requestId: w.requestId, granted: false as const, ahead } }]));
    return [...granted, ...queued];
  }

  /** The holder received this status. */
  delivered(status: AgentSlotStatus): void {
    if (status.granted) {
      const holder = this.state.holders.find((h) => h.requestId === status.requestId);
      if (holder) holder.told = true;
    } else {
      const waiter = this.state.queue.find((w) => w.requestId === status.requestId);
      if (waiter) waiter.toldAhead = status.ahead;
    }
  }

  /** Every run that holds or waits for a slot. */
  runs(): WorkflowRun[] {
    const all = [...this.state.holders, ...this.state.queue].map((r) => r.holder);
    return all.filter((run, i) => all.findIndex((other) => sameRun(other, run)) === i);
  }

  snapshot(): AgentSlotsState {
    return new AgentSlotTable(this.state).state;
  }

  private grant(): void {
    const s = this.state;
    while (s.holders.length < s.maxConcurrent && s.queue.length > 0) {
      const next = s.queue.shift()!;
      s.holders.push({ requestId: next.requestId, holder: next.holder, priority: next.priority, told: false });
    }
  }
}
