/** Workflow ids readable in the Temporal Web UI (DESIGN.md §2). */
export const incidentWorkflowId = (incidentNumber: string): string => `incident/${incidentNumber}`;

export const approvalWorkflowId = (incidentNumber: string, n: number): string =>
  `incident/${incidentNumber}/approval/${n}`;

export const resolutionWorkflowId = (incidentNumber: string): string =>
  `incident/${incidentNumber}/resolution`;

/** ServiceNow incident numbers look like INC0010001; we accept any case and normalise to upper. */
export const INCIDENT_NUMBER_PATTERN = /^INC\d{7,10}$/;

export function normaliseIncidentNumber(raw: string): string | undefined {
  const upper = raw.trim().toUpperCase();
  return INCIDENT_NUMBER_PATTERN.test(upper) ? upper : undefined;
}
