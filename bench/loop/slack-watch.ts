import type { FakeSlack } from '../../src/sandbox/fake-slack';
import { createWaiters } from './waiters';

export interface ApprovalButton {
  /** The button's action_id and value, as a click would carry them. */
  actionId: string;
  value: string;
  channel: string;
}

interface Button {
  action_id?: string;
  value?: string;
}

const SCAN_INTERVAL_MS = 5;
const ROOT_TEXT = /^(INC\d{7,10}) ·/;
const APPROVAL_VALUE = /^incident\/(INC\d{7,10})\/approval\/\d+(\|[0-9a-f]+)?$/;

/**
 * Follows what OpsLoop posts to the fake Slack, reading only new calls each tick (the call log is append-only),
 * so watching stays cheap at thousands of incidents: when an incident's thread opens and when its decision buttons appear.
 */
export function watchSlack(slack: FakeSlack) {
  const roots = createWaiters<number>();
  const approvals = createWaiters<ApprovalButton>();
  let cursor = 0;

  const scan = () => {
    for (; cursor < slack.calls.length; cursor++) {
      const call = slack.calls[cursor]!;
      if (call.method !== 'chat.postMessage') continue;
      const text = typeof call.args.text === 'string' ? call.args.text : '';
      const root = call.args.thread_ts ? undefined : ROOT_TEXT.exec(text)?.[1];
      if (root) roots.emit(root, call.at);
      const blocks = Array.isArray(call.args.blocks) ? (call.args.blocks as { type?: string; elements?: Button[] }[]) : [];
      for (const button of blocks.flatMap((b) => (b.type === 'actions' ? (b.elements ?? []) : []))) {
        const number = APPROVAL_VALUE.exec(button.value ?? '')?.[1];
        if (number && button.action_id?.endsWith('.approve')) {
          approvals.emit(number, { actionId: button.action_id, value: button.value ?? '', channel: String(call.args.channel) });
        }
      }
    }
  };
  const timer = setInterval(scan, SCAN_INTERVAL_MS);

  return {
    /** When the incident's thread root was posted (the fake's clock, Date.now()). */
    firstPost: (number: string, timeoutMs: number) => roots.wait(number, timeoutMs, 'the first Slack post'),
    approval: (number: string, timeoutMs: number) => approvals.wait(number, timeoutMs, 'the decision buttons'),
    /** Clears the fakes' logs; only call when no incident is in flight (chat.update needs its message). */
    reset(): void {
      scan();
      slack.calls.length = 0;
      slack.messages.length = 0;
      slack.responses.length = 0;
      cursor = 0;
      roots.clear();
      approvals.clear();
    },
    stop: () => clearInterval(timer),
  };
}

export type SlackWatch = ReturnType<typeof watchSlack>;
