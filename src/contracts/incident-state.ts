// Kept free of zod: workflows import it, and schemas do not belong in the workflow bundle.

/** ServiceNow incident `state` values (Incident Management state model). */
export const IncidentState = {
  New: '1',
  InProgress: '2',
  OnHold: '3',
  Resolved: '6',
  Closed: '7',
  Canceled: '8',
} as const;

const FINISHED_STATES: readonly string[] = [IncidentState.Resolved, IncidentState.Closed, IncidentState.Canceled];

/** True when the incident no longer needs resolving (resolved, closed or cancelled). */
export const isFinishedState = (state: string): boolean => FINISHED_STATES.includes(state);

export const incidentStateLabel = (state: string): string =>
  ({ '1': 'New', '2': 'In Progress', '3': 'On Hold', '6': 'Resolved', '7': 'Closed', '8': 'Canceled' })[state] ??
  `state ${state}`;
