/**
 * The real workflows plus `slotHolder`, a stand-in for an investigation that holds one of the agent's slots through
 * the real `withAgentSlot`: test/workflows/agent-slots.test.ts bundles this file and watches what each holder is told.
 */
import { ApplicationFailure, condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import { withAgentSlot } from '../../../src/workflows/agent-slot';

export * from '../../../src/workflows';

export type SlotEvent = { holder: string; kind: 'queued'; ahead: number } | { holder: string; kind: 'granted' };

/** Test-only activities: what a holder was told, and an investigation whose length the test decides. */
export interface HolderActivities {
  slotEvent(event: SlotEvent): Promise<void>;
  investigate(holder: string): Promise<void>;
}

export interface SlotHolderInput {
  name: string;
  priority: number;
  /** `activity`: one `investigate` call; `until-finished`: it waits for `finishInvestigation`; `fails`: it throws. */
  body: 'activity' | 'until-finished' | 'fails';
  /** After the slot is given back the run stays open until `closeIncident`, as an investigation waits for a decision. */
  staysOpen?: boolean;
}

export const finishInvestigationSignal = defineSignal('finishInvestigation');
export const closeIncidentSignal = defineSignal('closeIncident');

const { slotEvent, investigate } = proxyActivities<HolderActivities>({ startToCloseTimeout: '1m' });

export async function slotHolder(input: SlotHolderInput): Promise<string> {
  let finished = false;
  let closed = false;
  setHandler(finishInvestigationSignal, () => void (finished = true));
  setHandler(closeIncidentSignal, () => void (closed = true));
  await withAgentSlot(
    {
      priority: input.priority,
      onQueued: (ahead) => slotEvent({ holder: input.name, kind: 'queued', ahead }),
      onGranted: () => slotEvent({ holder: input.name, kind: 'granted' }),
    },
    async () => {
      if (input.body === 'activity') await investigate(input.name);
      else if (input.body === 'fails') throw ApplicationFailure.nonRetryable('the agent refused the task');
      else await condition(() => finished);
    },
  );
  if (input.staysOpen) await condition(() => closed);
  return input.name;
}
