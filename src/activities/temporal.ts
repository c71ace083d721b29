import type { IncidentSnapshot, IncidentStatus } from '../contracts/investigation';
import type { ResolutionRequest } from '../contracts/resolution';
import type { ServiceNowClient } from '../clients/servicenow/client';
import type { OpsLoopWorkflows } from '../temporal-client/opsloop-workflows';
import type { PolicyStore } from '../policy/policy-store';
import { investigates } from '../policy/route-for';

/** Activities that act on other OpsLoop workflows, through the worker's Temporal client module. */
export function createTemporalActivities(workflows: OpsLoopWorkflows, servicenow: Pick<ServiceNowClient, 'getSnapshotByNumber'>, policy: PolicyStore) {
  return {
    /**
     * After OpsLoop's own change to an incident, which a Business Rule generated with --skip-user does not send back:
     * tells the incident's running investigation the incident as ServiceNow has it now (a pending decision on a
     * resolved incident is then withdrawn). Repeated deliveries are ignored by sys_mod_count.
     */
    async tellInvestigationOf(incidentNumber: string): Promise<'told' | 'none-running'> {
      const incident = await servicenow.getSnapshotByNumber(incidentNumber);
      return (await workflows.updateInvestigation(incident)) ? 'told' : 'none-running';
    },


    async requestResolutionFor(incidentNumber: string, request: ResolutionRequest): Promise<void> {
      await workflows.requestResolution(incidentNumber, request);
    },

    /** Undefined when OpsLoop has no investigation for the incident. */
    incidentStatus(incidentNumber: string): Promise<IncidentStatus | undefined> {
      return workflows.incidentStatus(incidentNumber);
    },

    async startInvestigationOf(incident: IncidentSnapshot, requestedBy: string): Promise<void> {
      await workflows.deliverIncidentEvent(incident, requestedBy);
    },

    /** Feeds incidents through the same signalWithStart path as the webhook; returns how many were accepted. */
    async deliverIncidentEvents(incidents: IncidentSnapshot[]): Promise<{ accepted: number; closed: number }> {
      let accepted = 0;
      for (const incident of incidents) {
        const { status } = await workflows.deliverIncidentEvent(incident, undefined, { startNew: investigates(policy.current(), incident) });
        if (status === 'accepted') accepted++;
      }
      return { accepted, closed: incidents.length - accepted };
    },
  };
}
