import { defaultPayloadConverter } from '@temporalio/common';
import { checkEffects } from '../../reliability/check-effects';
import type { Run } from '../../reliability/harness/histories';
import type { Entry } from '../../reliability/ledger';

const NUMBER = 'INC0000042';
const delivery = (seq: number, answer: { status: string }): Entry => ({
  route: '/webhooks/servicenow',
  headers: {},
  body: '',
  effect: { kind: 'incident-event', incidentNumber: NUMBER, sysModCount: 3 },
  seq,
  status: 202,
  answer: JSON.stringify({ workflowId: `incident/${NUMBER}`, ...answer }),
  sentAt: 0,
  ms: 5,
});
/** The investigation's run, closed, with the event's signal in its history `times` times. */
const closedRun = (times: number): Map<string, Run[]> =>
  new Map([
    [
      `incident/${NUMBER}`,
      [
        {
          workflowId: `incident/${NUMBER}`,
          runId: 'r1',
          status: 'COMPLETED',
          events: Array.from({ length: times }, () => ({
            workflowExecutionSignaledEventAttributes: { signalName: 'incidentUpdated', input: { payloads: [defaultPayloadConverter.toPayload({ number: NUMBER, sysModCount: 3 })] } },
          })),
        },
      ],
    ],
  ]);

describe("the checker's rule for an event answered \"closed\"", () => {
  it('accepts the event kept once by an earlier attempt of the same request (the run closed before the retried call arrived)', () => {
    expect(checkEffects([delivery(1, { status: 'closed' })], closedRun(1), undefined, () => 0)).toEqual([]);
  });

  it('still finds it kept twice', () => {
    expect(checkEffects([delivery(1, { status: 'closed' })], closedRun(2), undefined, () => 0)).toEqual([
      `incident-event {"kind":"incident-event","incidentNumber":"${NUMBER}","sysModCount":3}: acknowledged 0 time(s) but kept 2 times`,
    ]);
    expect(checkEffects([delivery(1, { status: 'accepted' })], closedRun(2), undefined, () => 0)).toHaveLength(1);
  });
});
