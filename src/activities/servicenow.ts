import { activityInfo } from '@temporalio/activity';
import type { Incident } from '../contracts/schemas/incident';
import { IncidentState, isFinishedState } from '../contracts/incident-state';
import type { ServiceNowClient } from '../clients/servicenow/client';
import type { IncidentSnapshot, NewIncident } from '../contracts/investigation';
import type { IdentityMap } from './identity';

export interface ResolveIncidentInput {
  sysId: string;
  closeCode: string;
  closeNotes: string;
  workNote: string;
  /** The Slack user who resolves it (the approver, or who asked): resolved_by is their ServiceNow user when one has their e-mail. */
  resolvedBy?: string;
}

export interface ResolveIncidentResult {
  /** False when the incident was already resolved, closed or cancelled, so nothing was written. */
  changed: boolean;
  incident: Incident;
}

/**
 * Appends a work note unless the journal already holds `marker`: a retried attempt whose PATCH landed before its
 * answer was lost writes nothing twice. Only a retry can find its own note, so the first attempt skips the read. For
 * use inside an activity (it reads the attempt number).
 */
export async function addWorkNoteOnce(servicenow: Pick<ServiceNowClient, 'getWorkNotes' | 'updateIncident'>, sysId: string, marker: string, note: string): Promise<'written' | 'already-there'> {
  if (activityInfo().attempt > 1 && (await servicenow.getWorkNotes(sysId)).includes(marker)) return 'already-there';
  await servicenow.updateIncident(sysId, { work_notes: note });
  return 'written';
}

export function createServiceNowActivities(servicenow: ServiceNowClient, identity?: IdentityMap) {
  /**
   * resolved_by, and the sentence of the work note that says who it is: the integration user when nobody matches, or
   * when the look-up failed (a Slack outage does not hold a resolution back; the note says so).
   */
  const resolver = async (slackUserId: string | undefined): Promise<{ resolvedBy?: string; note: string }> => {
    const asIntegrationUser = (why: string) => ({ note: `resolved_by: the integration user ${servicenow.integrationUser} (${why}).` });
    if (!slackUserId || !identity) return asIntegrationUser('resolved by OpsLoop itself');
    try {
      const { user } = await identity(slackUserId);
      if (user) return { resolvedBy: user.sysId, note: `resolved_by: ${user.userName} (Slack ${slackUserId}).` };
      return asIntegrationUser(`no active ServiceNow user has the e-mail of Slack user ${slackUserId}`);
    } catch (err) {
      return asIntegrationUser(`the ServiceNow user of Slack user ${slackUserId} could not be looked up: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  return {
    /** Incidents changed in the last `minutes`: the reconcile workflow's read before it kept a cursor (runs recorded then). */
    async listRecentlyUpdatedIncidents(minutes: number): Promise<IncidentSnapshot[]> {
      return servicenow.listUpdatedSince(new Date(Date.now() - minutes * 60_000));
    },

    async findIncident(incidentNumber: string): Promise<Incident> {
      return servicenow.getIncidentByNumber(incidentNumber);
    },

    /** The whole incident as an investigation needs it; throws IncidentNotFoundError for an unknown number. */
    async readIncidentSnapshot(incidentNumber: string): Promise<IncidentSnapshot> {
      return servicenow.getSnapshotByNumber(incidentNumber);
    },

    async createIncident(fields: NewIncident): Promise<IncidentSnapshot> {
      return servicenow.createIncident(fields);
    },

    async addWorkNoteOnce(sysId: string, marker: string, note: string): Promise<'written' | 'already-there'> {
      return addWorkNoteOnce(servicenow, sysId, marker, note);
    },

    /**
     * Resolves the incident unless it is already finished. Reading first makes a retried attempt (whose PATCH
     * may have landed before the answer was lost) a no-op instead of a second resolving PATCH and work note.
     */
    async resolveIncident(input: ResolveIncidentInput): Promise<ResolveIncidentResult> {
      const current = await servicenow.getIncident(input.sysId);
      if (isFinishedState(current.state)) {
        // A retried attempt whose PATCH landed before its answer was lost (or the worker died): this request did it.
        const ours = current.state === IncidentState.Resolved && current.close_code === input.closeCode && current.close_notes === input.closeNotes;
        return { changed: ours, incident: current };
      }
      const { resolvedBy, note } = await resolver(input.resolvedBy);
      const incident = await servicenow.updateIncident(input.sysId, {
        state: IncidentState.Resolved,
        close_code: input.closeCode,
        close_notes: input.closeNotes,
        work_notes: `${input.workNote}\n${note}`,
        ...(resolvedBy ? { resolved_by: resolvedBy } : {}),
      });
      return { changed: true, incident };
    },
  };
}
