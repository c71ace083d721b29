import type { OpenIncidentInput } from '../contracts/investigation';
import { recordAudit } from './audit-trail';
import { servicenow, temporal } from './proxies';

/**
 * `/ops incident` (its modal): creates the incident in ServiceNow, then starts its investigation as the person who
 * asked. Its id is the modal's view id, so a re-submitted view cannot create two incidents.
 */
export async function openIncident(input: OpenIncidentInput): Promise<{ incidentNumber: string }> {
  const incident = await servicenow.createIncident(input.fields);
  await temporal.startInvestigationOf(incident, input.requestedBy);
  await recordAudit('opened', {
    source: 'modal',
    action: 'incident',
    actorId: input.requestedBy,
    channelId: input.channelId,
    text: input.fields.short_description,
    incidentNumber: incident.number,
    result: 'succeeded',
  });
  return { incidentNumber: incident.number };
}
