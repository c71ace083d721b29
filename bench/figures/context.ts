import type { BenchConfig } from '../config';
import type { BuiltBundle, BundleName } from '../harness/bundles';
import type { LatencySummary } from '../load/stats';
import type { BenchStack } from '../harness/stack';
import type { SlackWatch } from '../loop/slack-watch';
import type { SkeletonShape } from '../skeleton/shape';

/** An incident left awaiting a decision on the main worker: a target of `/ops status` and of refused clicks. */
export interface ParkedIncident {
  number: string;
  /** What its Approve button carries (the approval workflow id, and more as OpsLoop defines it). */
  buttonValue: string;
}

export interface FigureContext {
  config: BenchConfig;
  stack: BenchStack;
  watch: SlackWatch;
  workDir: string;
  bundles: Record<BundleName, BuiltBundle>;
  /** The skeleton's shape, read from a real incident's history at start. */
  shape: SkeletonShape;
  parked: ParkedIncident[];
  log: (line: string) => void;
  /** What one figure measured that a later one needs (F4 loads at half of F3's saturation; F8 compares with both). */
  shared: {
    f3OpsLoopRate?: number;
    f3SkeletonRate?: number;
    /** OpsLoop's CPU ms per incident in F3, by process (median round). */
    f3OpsLoopCpuMs?: Record<string, number>;
    f4OpsLoop?: { idle: LatencySummary; loaded: LatencySummary; loadedRate: number };
    pinned?: boolean;
  };
}
