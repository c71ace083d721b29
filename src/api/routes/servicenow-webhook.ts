import type { Request, Response } from 'express';
import { serviceNowEventSchema } from '../../contracts/schemas/servicenow-event';
import { readJsonBody } from '../middleware/json-body';
import { toIncidentSnapshot } from '../servicenow-event';
import type { WorkflowGateway } from '../workflow-gateway';
import type { PolicyStore } from '../../policy/policy-store';
import { investigates } from '../../policy/route-for';

/**
 * POST /webhooks/servicenow: verified upstream. Answers 202 only once Temporal has recorded the event, and 503
 * when it could not: a Business Rule must never see a 2xx for an event that was not durably kept. An incident under
 * its route's threshold starts nothing (202, `ignored`) but still reaches an investigation already running.
 */
export function serviceNowWebhookRoute(gateway: WorkflowGateway, policy: PolicyStore) {
  return async (req: Request, res: Response): Promise<void> => {
    const event = readJsonBody(req, res.locals.rawBody as Buffer, serviceNowEventSchema);
    const incident = toIncidentSnapshot(event);
    let result;
    try {
      result = await gateway.deliverIncidentEvent(incident, { startNew: investigates(policy.current(), incident) });
    } catch (err) {
      req.log?.error({ err, incidentNumber: event.number }, 'Temporal did not accept the ServiceNow event');
      res.status(503).set('Retry-After', '30').json({ error: 'OpsLoop could not record the event; retry later' });
      return;
    }
    req.log?.info({ incidentNumber: event.number, sysModCount: event.sys_mod_count, status: result.status }, 'ServiceNow event recorded');
    res.status(202).json(result);
  };
}
