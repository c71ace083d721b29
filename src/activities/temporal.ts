import { activityInfo, getClient } from '@temporalio/activity';
import { WorkflowNotFoundError } from '@temporalio/client';
import type { IncidentSnapshot, IncidentStatus } from '../contracts/investigation';
import type { ResolutionRequest } from '../contracts/resolution';
import { incidentWorkflowId } from '../contracts/workflow-ids';
import { deliverIncidentEvent, requestResolution } from '../temporal/incident-delivery';
import { incidentStatusQuery } from '../workflows/messages';

/** Activities that act on other workflows through the worker's own Temporal connection. */
export function createTemporalActivities() {
  return {
    async requestResolutionFor(incidentNumber: string, request: ResolutionRequest): Promise<void> {
      await requestResolution(getClient(), activityInfo().taskQueue, incidentNumber, request);
    },

    /** Undefined when OpsLoop has no investigation for the incident. */
    async incidentStatus(incidentNumber: string): Promise<IncidentStatus | undefined> {
      try {
        return await getClient().workflow.getHandle(incidentWorkflowId(incidentNumber)).query(incidentStatusQuery);
      } catch (err) {
        if (err instanceof WorkflowNotFoundError) return undefined;
        throw err;
      }
    },

    async startInvestigationOf(incident: IncidentSnapshot, requestedBy: string): Promise<void> {
      await deliverIncidentEvent(getClient(), activityInfo().taskQueue, incident, requestedBy);
    },

    /** Feeds incidents through the same signalWithStart path as the webhook; returns how many were accepted. */
    async deliverIncidentEvents(incidents: IncidentSnapshot[]): Promise<{ accepted: number; closed: number }> {
      let accepted = 0;
      for (const incident of incidents) {
        const { status } = await deliverIncidentEvent(getClient(), activityInfo().taskQueue, incident);
        if (status === 'accepted') accepted++;
      }
      return { accepted, closed: incidents.length - accepted };
    },
  };
}
