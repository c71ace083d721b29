import { SKELETON_LINE, type SkeletonEvent } from './shape';

/**
 * One no-op activity stands for every OpsLoop activity. The few the driver must react to (as the fakes do for the
 * real loop) print one line; the rest return at once.
 */
export const skeletonActivities = {
  step(event: SkeletonEvent | undefined, workflowId: string): Promise<void> {
    if (event) process.stdout.write(`${SKELETON_LINE[event]} ${workflowId} ${Date.now()}\n`);
    return Promise.resolve();
  },
};

export type SkeletonActivities = typeof skeletonActivities;
