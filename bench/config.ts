/** How much of everything a run does. Full mode fits in about 20 minutes on 2 cores; smoke well under 2. */
export interface BenchConfig {
  mode: 'smoke' | 'full';
  /** Candidate/baseline rounds, alternated; figures report the median round. */
  rounds: number;
  f1: { parked: number; warmup: number; closedRequests: number; openSeconds: number; openRates: number[]; saturationRequests: number; saturationConcurrency: number };
  f2: { openRate: number; openSeconds: number; burst: number; burstSeconds: number; duplicates: number };
  f3: { concurrency: number; durationMs: number; warmupMs: number };
  f4: { idleIncidents: number; idleRate: number; loadedSeconds: number; /** Skeleton starts from a process with its own worker, half with requestEagerStart; 0 skips. */ eagerStarts: number };
  f5: { parkSteps: number[]; idleMs: number; samples: number; completed: number; checkpoints: number; concurrency: number };
  f6: { coldStarts: number; parkedKill: boolean };
  /** F7 (`--dev-server-steps`): F3 and F4 at smaller N, once per dev-server setting. */
  steps: { rounds: number; f3: BenchConfig['f3']; f4: BenchConfig['f4'] };
  /** Per-incident deadline; beyond it an incident counts as failed. */
  incidentTimeoutMs: number;
}

const envNumber = (name: string, fallback: number): number => {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
};

export function benchConfig(mode: 'smoke' | 'full'): BenchConfig {
  if (mode === 'smoke') {
    return {
      mode,
      rounds: 1,
      f1: { parked: 4, warmup: 10, closedRequests: 20, openSeconds: 0.5, openRates: [20, 100], saturationRequests: 32, saturationConcurrency: 32 },
      f2: { openRate: 20, openSeconds: 1, burst: 50, burstSeconds: 1, duplicates: 5 },
      f3: { concurrency: 8, durationMs: 7_000, warmupMs: 1_000 },
      f4: { idleIncidents: 2, idleRate: 1, loadedSeconds: 2, eagerStarts: envNumber('BENCH_F4_EAGER_STARTS', 4) },
      f5: { parkSteps: [0, 4], idleMs: 500, samples: 2, completed: 8, checkpoints: 2, concurrency: 8 },
      f6: { coldStarts: 1, parkedKill: false },
      // Long enough for a lane to finish two incidents even on the CLI's defaults (an fsync per commit).
      steps: { rounds: 1, f3: { concurrency: 4, durationMs: envNumber('BENCH_STEPS_SECONDS', 10) * 1000, warmupMs: 1_000 }, f4: { idleIncidents: 2, idleRate: 1, loadedSeconds: 1, eagerStarts: 0 } },
      incidentTimeoutMs: 60_000,
    };
  }
  return {
    mode,
    rounds: 3,
    f1: { parked: 20, warmup: 50, closedRequests: 300, openSeconds: 4, openRates: [20, 100], saturationRequests: 400, saturationConcurrency: 32 },
    f2: { openRate: 20, openSeconds: 5, burst: 500, burstSeconds: 10, duplicates: 5 },
    f3: { concurrency: 24, durationMs: 25_000, warmupMs: 7_000 },
    f4: { idleIncidents: 5, idleRate: 1, loadedSeconds: 15, eagerStarts: envNumber('BENCH_F4_EAGER_STARTS', 30) },
    f5: { parkSteps: [0, 100, 200], idleMs: 5_000, samples: 5, completed: envNumber('BENCH_F5_COMPLETED', 2000), checkpoints: 8, concurrency: 24 },
    f6: { coldStarts: 3, parkedKill: true },
    steps: {
      rounds: envNumber('BENCH_STEPS_ROUNDS', 2),
      // 12 in flight: on the CLI's defaults (about 1 incident/s) a lane still starts a second incident after warm-up.
      f3: { concurrency: 12, durationMs: envNumber('BENCH_STEPS_SECONDS', 20) * 1000, warmupMs: 4_000 },
      f4: { idleIncidents: 5, idleRate: 1, loadedSeconds: 2, eagerStarts: 0 },
    },
    incidentTimeoutMs: 120_000,
  };
}
