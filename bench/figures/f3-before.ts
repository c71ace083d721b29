/**
 * F3 as it stood before the release baseline removed the patches and their twin code paths: the full run recorded
 * in bench/RESULTS.md (2026-11-25, commit c40c535, 3 rounds × 25 s, 24 in flight) and, for the billable actions that
 * run did not count yet, the same counters over a smoke run of the code just before the change.
 */
export const F3_BEFORE = {
  rate: 4.14,
  skeletonRate: 6.98,
  events: 124,
  activities: 9,
  upserts: 17,
  payloadKb: 13.2,
  actions: '29 (workflowStarted 3 · childWorkflowStarted 2 · signal 1 · update 1 · activity 9 · localActivities 6 · searchAttributeUpsert 7)',
  serverActions: '39.1 (UpsertWorkflowSearchAttributes 17.0 · ScheduleActivityTask 9.0 · BatchMarkers 6.0 · StartChildWorkflowExecution 2.0 · StartChildWorkflowExecution_Extra 2.0 · SignalWithStartWorkflowExecution 1.0 · SignalWorkflowExecution 1.0 · UpdateWorkflowExecution_Acceptance 1.0 · StartTimer 0.1)',
  source: 'F3 from the full run of 2026-11-25 (commit c40c535); actions counted by this benchmark on commit 8961ac6 (smoke mode).',
} as const;
