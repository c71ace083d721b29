/**
 * How many activities OpsLoop's incident loop runs, and where the waits fall, read from a real run's history
 * (bench/loop/measure-shape.ts), so the skeleton keeps the same shape as the workflows change.
 */
export interface SkeletonShape {
  investigation: {
    /** Activities before the findings signal is awaited; the first post and the agent request are among them. */
    beforeFindings: number;
    /** 0-based position of the first Slack post (postIncidentRoot) among those activities. */
    firstPostAt: number;
    /** 0-based position of the investigation request among those activities. */
    investigateAt: number;
    beforeApproval: number;
    beforeResolution: number;
    afterResolution: number;
  };
  approval: {
    beforeDecision: number;
    /** 0-based position of the approval request (the message with buttons). */
    askAt: number;
    afterDecision: number;
  };
  resolution: { activities: number };
}

/** Line prefixes the skeleton worker prints for the driver (stdout is its only channel, at no extra cost to Temporal). */
export const SKELETON_LINE = { post: 'skeleton:post', investigate: 'skeleton:investigate', ask: 'skeleton:ask' } as const;
export type SkeletonEvent = keyof typeof SKELETON_LINE;

/** The line bench/skeleton/eager-start.ts ends with: its samples, as JSON. */
export const EAGER_START_RESULT = 'eager-start-result';
export interface EagerStartSamples {
  /** Start call → first-post activity running, ms: plain starts, then `requestEagerStart`. */
  start: number[];
  eager: number[];
  /** How many eager requests the server granted (the start returned the first workflow task inline). */
  eagerlyStarted: number;
}
