import { condition, continueAsNew, setHandler, sleep } from '@temporalio/workflow';
import type { Notification } from '../contracts/runbook';
import { notificationQueuedSignal } from '../contracts/messages';
import { slack } from './proxies';

export interface ChannelNotifierInput {
  channel: string;
  batchWindowMs: number;
  /** Ids already posted, carried across continue-as-new so a late retry is still dropped. */
  seen?: string[];
}

/** Batches before history grows large; a notifier lives as long as its channel's subscriptions. */
const BATCHES_PER_RUN = 200;
const SEEN_KEPT = 500;

/**
 * One per subscribed channel (`notify/<channel>`): collects notifications and posts them as one message per batch
 * window, so a burst of fifty failures is one message, not fifty; each notification id is posted at most once.
 */
export async function channelNotifier(input: ChannelNotifierInput): Promise<void> {
  const seen = new Set(input.seen ?? []);
  const pending: Notification[] = [];
  setHandler(notificationQueuedSignal, (n) => {
    if (seen.has(n.id) || pending.some((p) => p.id === n.id)) return;
    pending.push(n);
  });
  for (let batch = 0; batch < BATCHES_PER_RUN; batch++) {
    await condition(() => pending.length > 0);
    if (input.batchWindowMs > 0) await sleep(input.batchWindowMs);
    const items = pending.splice(0, pending.length);
    const text = items.length === 1 ? items[0]!.text : [`*${items.length} OpsLoop notifications*`, ...items.map((n) => `• ${n.text}`)].join('\n');
    await slack.postChannelMessage(input.channel, text);
    for (const n of items) seen.add(n.id);
  }
  await continueAsNew<typeof channelNotifier>({ ...input, seen: [...seen].slice(-SEEN_KEPT) });
}
