import { condition, defineSignal, defineUpdate, executeChild, proxyActivities, setHandler, startChild, workflowInfo } from '@temporalio/workflow';
import type { SkeletonActivities } from './activities';
import type { SkeletonEvent, SkeletonShape } from './shape';

/** The floor for F3–F5: OpsLoop's workflow shape (parent, approval child, resolution child, one signal, one Update) and nothing else. */
export const skeletonFindings = defineSignal<[string]>('findingsReceived');
export const skeletonDecide = defineUpdate<string, [string]>('decide');

const { step } = proxyActivities<SkeletonActivities>({ startToCloseTimeout: '15s' });

async function steps(count: number, workflowId: string, events: Partial<Record<number, SkeletonEvent>> = {}): Promise<void> {
  for (let i = 0; i < count; i++) await step(events[i], workflowId);
}

export async function skeletonInvestigation(shape: SkeletonShape): Promise<string> {
  const { workflowId } = workflowInfo();
  const s = shape.investigation;
  let findings: string | undefined;
  setHandler(skeletonFindings, (f) => {
    findings ??= f;
  });
  await steps(s.beforeFindings, workflowId, { [s.firstPostAt]: 'post', [s.investigateAt]: 'investigate' });
  await condition(() => findings !== undefined, '15m');
  await steps(s.beforeApproval, workflowId);
  const approval = await startChild(skeletonApproval, { workflowId: `${workflowId}/approval/1`, args: [shape] });
  const outcome = await approval.result();
  await steps(s.beforeResolution, workflowId);
  await executeChild(skeletonResolution, { workflowId: `${workflowId}/resolution`, args: [shape] });
  await steps(s.afterResolution, workflowId);
  return outcome;
}

export async function skeletonApproval(shape: SkeletonShape): Promise<string> {
  const { workflowId } = workflowInfo();
  let decision: string | undefined;
  setHandler(
    skeletonDecide,
    (choice) => {
      decision = choice;
      return choice;
    },
    {
      validator: (_choice: string) => {
        if (decision !== undefined) throw new Error('already decided');
      },
    },
  );
  await steps(shape.approval.beforeDecision, workflowId, { [shape.approval.askAt]: 'ask' });
  // A timed wait, as OpsLoop's reminder interval, so the history has the same timer.
  await condition(() => decision !== undefined, '30m');
  await steps(shape.approval.afterDecision, workflowId);
  return decision ?? 'expired';
}

export async function skeletonResolution(shape: SkeletonShape): Promise<void> {
  await steps(shape.resolution.activities, workflowInfo().workflowId);
}
