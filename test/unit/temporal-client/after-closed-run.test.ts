import type { IncidentSnapshot, InvestigationResult } from '../../../src/contracts/investigation';
import { afterClosedRun } from '../../../src/temporal-client/after-closed-run';

const incident = (state: string, sysModCount: number): IncidentSnapshot => ({
  sysId: 'a'.repeat(32),
  number: 'INC0010042',
  shortDescription: 'Checkout 5xx',
  description: '',
  priority: '2',
  urgency: '2',
  impact: '1',
  state,
  assignmentGroup: 'SRE',
  cmdbCi: 'checkout-api',
  sysUpdatedOn: '2026-05-20 10:03:42',
  sysModCount,
});
const ended = (outcome: InvestigationResult['outcome'], sysModCount?: number): InvestigationResult => ({ incidentNumber: 'INC0010042', outcome, sysModCount });

describe('what an incident event means once its investigation has ended', () => {
  it.each([
    ['resolved by OpsLoop, then In Progress again', incident('2', 5), ended('resolved', 3), 'reopened'],
    ['finished in ServiceNow, then New again', incident('1', 9), ended('finished-elsewhere', 8), 'reopened'],
    ['a late copy of a version from before the resolution', incident('2', 3), ended('resolved', 3), 'none'],
    ['an older version still', incident('2', 1), ended('resolved', 3), 'none'],
    ['another edit of a finished incident', incident('7', 6), ended('resolved', 3), 'none'],
    ['an edit of an incident a person rejected resolving', incident('2', 6), ended('rejected', 3), 'none'],
    ['an edit after the decision expired', incident('3', 6), ended('expired', 3), 'none'],
    ['resolved in ServiceNow after OpsLoop was rejected', incident('6', 6), ended('rejected', 3), 'finished'],
    ['cancelled in ServiceNow after OpsLoop failed', incident('8', 6), ended('failed', 3), 'finished'],
    ['reopened after a run recorded before results carried sys_mod_count', incident('2', 1), ended('resolved'), 'reopened'],
  ] as const)('%s: %s', (_title, event, last, expected) => {
    expect(afterClosedRun(event, last)).toBe(expected);
  });

  it('changes nothing when the last run returned no result', () => {
    expect(afterClosedRun(incident('2', 5), undefined)).toBe('none');
  });
});
