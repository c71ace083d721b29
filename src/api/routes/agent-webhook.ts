import type { Request, Response } from 'express';
import { findingsSchema } from '../../contracts/schemas/findings';
import { readJsonBody } from '../middleware/json-body';
import { UnknownIncidentError, type WorkflowGateway } from '../workflow-gateway';

/**
 * POST /webhooks/agent: findings from an investigator that calls back (not the AWS DevOps Agent, which has no callback:
 * its results are read from its API) reach the incident's workflow as a signal.
 */
export function agentWebhookRoute(gateway: WorkflowGateway) {
  return async (req: Request, res: Response): Promise<void> => {
    const findings = readJsonBody(req, res.locals.rawBody as Buffer, findingsSchema);
    try {
      res.status(202).json(await gateway.deliverFindings(findings));
    } catch (err) {
      if (err instanceof UnknownIncidentError) {
        res.status(404).json({ error: err.message });
        return;
      }
      req.log?.error({ err, incidentNumber: findings.incidentNumber }, 'Temporal did not accept the findings');
      res.status(503).set('Retry-After', '30').json({ error: 'OpsLoop could not record the findings; retry later' });
    }
  };
}
