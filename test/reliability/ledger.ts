/**
 * What a request should leave behind once OpsLoop acknowledged it; the checker looks for it in workflow histories.
 * A decision is one person's on one approval, however often they click; `expect` says what the approval's validator
 * must do with it: accept it, refuse it, or (a race) accept exactly one person of the group.
 */
export type Effect =
  | { kind: 'incident-event'; incidentNumber: string; sysModCount: number }
  | { kind: 'findings'; incidentNumber: string }
  | { kind: 'resolution-request'; incidentNumber: string; userId: string }
  | { kind: 'mention'; eventId: string }
  | { kind: 'decision'; approvalWorkflowId: string; userId: string; expect: 'accepted' | 'refused' | { race: string } }
  | { kind: 'none' };

/** A request as the driver sends it: the route, the exact bytes and headers, and the effect it should have. */
export interface Outgoing {
  route: string;
  headers: Record<string, string>;
  /** Bytes, not text, when the test sends what no encoder would (invalid UTF-8). */
  body: string | Buffer;
  effect: Effect;
}

export interface Entry extends Outgoing {
  seq: number;
  /** HTTP status, or 0 when no answer came (refused connection, reset, timeout). */
  status: number;
  answer: string;
  /** The Retry-After header of the answer, if any (a 503 should carry one). */
  retryAfter?: string;
  sentAt: number;
  ms: number;
}

/** Senders wait this long; ServiceNow's RESTMessageV2 default is 60 s, Slack gives up after 3 s and retries. */
const SEND_TIMEOUT_MS = 15_000;

/** Every request the driver sent and the answer it got, in order: the checker's evidence. */
export class Ledger {
  readonly entries: Entry[] = [];
  private sent = 0;

  constructor(private readonly apiUrl: string) {}

  async send(request: Outgoing): Promise<Entry> {
    const seq = ++this.sent;
    const sentAt = Date.now();
    let status = 0;
    let answer = '';
    let retryAfter: string | undefined;
    try {
      const res = await fetch(`${this.apiUrl}${request.route}`, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
        signal: AbortSignal.timeout(SEND_TIMEOUT_MS),
      });
      status = res.status;
      retryAfter = res.headers.get('retry-after') ?? undefined;
      answer = await res.text();
    } catch (err) {
      answer = err instanceof Error ? err.message : String(err);
    }
    const entry: Entry = { ...request, seq, status, answer, retryAfter, sentAt, ms: Date.now() - sentAt };
    this.entries.push(entry);
    return entry;
  }

  sendAll(requests: Outgoing[]): Promise<Entry[]> {
    return Promise.all(requests.map((r) => this.send(r)));
  }
}
