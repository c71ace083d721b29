import { CLI_DEFAULT_DEV_SERVER, devServerArgs, effectiveTuning, TUNED_DEV_SERVER } from '../../../src/local/dev-server';

const base = { cliPath: '/bin/temporal', port: 7233 };
const valuesOf = (args: string[], flag: string) => args.flatMap((a, i) => (args[i - 1] === flag ? [a] : []));

describe('devServerArgs', () => {
  it('runs the tuned settings by default: synced WAL, one task-queue partition, eager activities', () => {
    const args = devServerArgs({ ...base, dbFile: '/data/temporal.db' });
    expect(valuesOf(args, '--sqlite-pragma')).toEqual(['journal_mode=WAL', 'synchronous=NORMAL']);
    expect(valuesOf(args, '--dynamic-config-value')).toEqual(
      expect.arrayContaining(['matching.numTaskqueueReadPartitions=1', 'matching.numTaskqueueWritePartitions=1', 'system.enableActivityEagerExecution=true']),
    );
  });

  it('gives up synchronous writes only when asked (data that is thrown away)', () => {
    expect(valuesOf(devServerArgs({ ...base, fastSqlite: true }), '--sqlite-pragma')).toEqual(['journal_mode=WAL', 'synchronous=OFF']);
    expect(effectiveTuning({ fastSqlite: true })).toEqual({ ...TUNED_DEV_SERVER, sqlite: 'wal-unsynced' });
  });

  it("keeps the CLI's defaults when given them, whatever fastSqlite says (the benchmark's first step)", () => {
    const args = devServerArgs({ ...base, tuning: CLI_DEFAULT_DEV_SERVER, fastSqlite: true });
    expect(valuesOf(args, '--sqlite-pragma')).toEqual([]);
    expect(args.join(' ')).not.toMatch(/Partitions|EagerExecution/);
  });

  it('serves metrics only when a port is given', () => {
    expect(devServerArgs(base)).not.toContain('--metrics-port');
    expect(valuesOf(devServerArgs({ ...base, metricsPort: 9090 }), '--metrics-port')).toEqual(['9090']);
  });
});
