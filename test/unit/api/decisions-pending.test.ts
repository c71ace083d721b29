import { createApiMetrics } from '../../../src/api/metrics';
import { cachePendingDecisions, pendingKey, type PendingDecisionCounts } from '../../../src/api/decisions-pending';

const counts = (entries: [string, string, number][]): PendingDecisionCounts => new Map(entries.map(([route, priority, n]) => [pendingKey(route, priority), n]));

describe('cachePendingDecisions', () => {
  it('reads visibility at most once per ttl, shares a read in flight, and keeps the last counts when a read fails', async () => {
    let clock = 0;
    let reads = 0;
    let answer: () => Promise<PendingDecisionCounts> = () => Promise.resolve(counts([['payments', '1', 2]]));
    const errors: unknown[] = [];
    const cache = cachePendingDecisions(
      () => {
        reads++;
        return answer();
      },
      { ttlMs: 5000, now: () => clock, onError: (err) => errors.push(err) },
    );
    const [a, b] = await Promise.all([cache.read(), cache.read()]);
    expect([reads, a, b]).toEqual([1, { counts: counts([['payments', '1', 2]]), fresh: true }, { counts: counts([['payments', '1', 2]]), fresh: true }]);
    clock = 4999;
    await cache.read();
    expect(reads).toBe(1);

    clock = 5000;
    answer = () => Promise.reject(new Error('visibility unavailable'));
    expect(await cache.read()).toEqual({ counts: counts([['payments', '1', 2]]), fresh: false });
    await cache.read();
    expect([reads, errors.length]).toEqual([2, 1]);

    clock = 10_000;
    answer = () => Promise.resolve(counts([]));
    expect(await cache.read()).toEqual({ counts: counts([]), fresh: true });
  });
});

describe('opsloop_decisions_pending on the API metrics', () => {
  it('shows the waiting decisions by route and priority, a series it showed at 0 once none waits, and counts failed reads', async () => {
    let answer = () => Promise.resolve(counts([['payments', '1', 2], ['default', '3', 1]]));
    const failures: unknown[] = [];
    const { registry } = createApiMetrics({ pendingDecisions: () => answer(), pendingDecisionsTtlMs: 0, onPendingDecisionsError: (err) => failures.push(err) });
    const pendingLines = async () => (await registry.metrics()).split('\n').filter((l) => /^opsloop_decisions_pending(_fresh|_read_failures_total)?[{ ]/.test(l));

    expect(await pendingLines()).toEqual([
      'opsloop_decisions_pending_read_failures_total 0',
      'opsloop_decisions_pending{route="payments",priority="1"} 2',
      'opsloop_decisions_pending{route="default",priority="3"} 1',
      'opsloop_decisions_pending_fresh 1',
    ]);
    answer = () => Promise.resolve(counts([['payments', '1', 1]]));
    expect(await pendingLines()).toEqual([
      'opsloop_decisions_pending_read_failures_total 0',
      'opsloop_decisions_pending{route="payments",priority="1"} 1',
      'opsloop_decisions_pending{route="default",priority="3"} 0',
      'opsloop_decisions_pending_fresh 1',
    ]);
    answer = () => Promise.reject(new Error('visibility unavailable'));
    const text = await registry.metrics();
    expect(text).toContain('opsloop_decisions_pending{route="payments",priority="1"} 1');
    expect(text).toContain('opsloop_decisions_pending_fresh 0');
    expect(text).toContain('opsloop_decisions_pending_read_failures_total 1');
    expect(failures).toHaveLength(1);
  });

  it('is not exported without a source', async () => {
    expect(await createApiMetrics().registry.metrics()).not.toContain('opsloop_decisions_pending');
  });
});
