import type { ChannelMessage, FakeSlack } from '../../../src/sandbox/fake-slack';
import type { FakeServiceNow } from '../../../src/sandbox/fake-servicenow';
import { buttonsOf } from '../../../src/sandbox/slack-messages';

const ROOT_TEXT = /^(INC\d+) ·/;
const POLL_MS = 100;

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Follows the fakes' append-only logs with cursors, so thousands of incidents cost one pass: which incident each
 * Slack message belongs to, each incident's open decision message, and when its ticket was resolved.
 */
export class FakesWatch {
  /** Message ts → incident number (roots and their replies). */
  readonly incidentOfTs = new Map<string, string>();
  readonly resolvedAt = new Map<string, number>();
  private readonly decisions = new Map<string, ChannelMessage>();
  private messageCursor = 0;
  private transitionCursor = 0;

  constructor(
    private readonly slack: FakeSlack,
    private readonly servicenow: FakeServiceNow,
  ) {}

  private scan(): void {
    for (; this.messageCursor < this.slack.messages.length; this.messageCursor++) {
      const m = this.slack.messages[this.messageCursor]!;
      const number = m.thread_ts ? this.incidentOfTs.get(m.thread_ts) : ROOT_TEXT.exec(m.text)?.[1];
      if (!number) continue;
      this.incidentOfTs.set(m.ts, number);
      if (m.thread_ts && buttonsOf(m).length > 0) this.decisions.set(number, m);
    }
    for (; this.transitionCursor < this.servicenow.transitions.length; this.transitionCursor++) {
      const t = this.servicenow.transitions[this.transitionCursor]!;
      if (t.to === '6' && !this.resolvedAt.has(t.number)) this.resolvedAt.set(t.number, t.at);
    }
  }

  /** The incident's decision message as it is now, while it still has buttons (a decided one loses them). */
  openDecision(number: string): ChannelMessage | undefined {
    this.scan();
    const m = this.decisions.get(number);
    return m && buttonsOf(m).length > 0 ? structuredClone(m) : undefined;
  }

  resolved(number: string): boolean {
    this.scan();
    return this.resolvedAt.has(number);
  }

  /** First ticket resolved at or after `since` (ms since the epoch), if any. */
  firstResolutionAfter(since: number): number | undefined {
    this.scan();
    let first: number | undefined;
    for (const at of this.resolvedAt.values()) if (at >= since && (first === undefined || at < first)) first = at;
    return first;
  }

  /** Polls `probe` until it returns a value; throws after `timeoutMs`. */
  async until<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`no ${what} within ${Math.round(timeoutMs / 1000)} s`);
      await sleep(POLL_MS);
    }
  }
}
