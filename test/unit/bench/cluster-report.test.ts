import { benchConfig } from '../../../bench/config';
import { clusterReport, type ArmRound } from '../../../bench/figures/f8-cluster';

const round = (rate: number, idle: number[], cpu: Record<string, number>): ArmRound => ({ rate, completed: 10, failures: [], cpuMsPerIncident: cpu, idle, loaded: idle.map((ms) => ms * 2) });
const postgres = { server_version: '16.4', fsync: 'on', synchronous_commit: 'on', shared_buffers: '128MB' };

describe('the cluster figure (F8) beside the dev server', () => {
  const rounds = {
    '1 worker': [round(4, [100, 120], { 'temporal services': 200, workers: 100 }), round(5, [80, 90], { 'temporal services': 220, workers: 110 })],
    '2 workers': [round(6, [110, 130], { 'temporal services': 240, workers: 130 }), round(7, [90, 100], { 'temporal services': 260, workers: 150 })],
  };

  it('gives each arm its median round and its ratio to the dev server of the same run, and two workers to one', () => {
    const idle = { n: 5, p50: 50, p99: 60, p999: NaN, max: 70 };
    const f = clusterReport(benchConfig('smoke'), postgres, rounds, { rate: 9, cpu: { 'dev server': 150, worker: 120 }, f4: { idle, loaded: idle } }, 0.5);
    const [f3, idleRow, , cpu] = f.rows;
    expect(f3).toMatchObject({ opsloop: '1 worker 4.50 · 2 workers 6.50', baselines: 'dev server 9.00 (F3)', ratios: 'cluster/dev server 0.50 (1 worker), 0.72 (2 workers); 2/1 workers 1.44' });
    // p50 per round (nearest rank: 100 and 80), median 90 against the dev server's 50.
    expect(idleRow).toMatchObject({ ratios: 'p50 cluster/dev server 1.80 (1 worker), 2.00 (2 workers)' });
    expect(cpu).toMatchObject({ opsloop: '1 worker: temporal services 210 · workers 105 · total 315', baselines: '2 workers: temporal services 250 · workers 140 · total 390 · dev server run (F3): total 270' });
  });

  it('says the dev server was not measured when F3 and F4 did not run', () => {
    const f = clusterReport(benchConfig('smoke'), postgres, rounds, {}, 0.5);
    expect(f.rows[0]).toMatchObject({ baselines: 'dev server not measured in this run (add F3/F4)', ratios: '2/1 workers 1.44' });
    expect(f.rows[1]!.ratios).toBeUndefined();
  });
});
