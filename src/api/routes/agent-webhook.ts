import type { Request, Response } from 'express';
import { z } from 'zod';
import { findingsSchema, type Findings } from '../../contracts/schemas/findings';
import { readJsonBody } from '../middleware/json-body';
import { UnknownIncidentError, type WorkflowGateway } from '../workflow-gateway';

/**
 * An AWS DevOps Agent lifecycle event forwarded by an EventBridge rule. The event carries the agent's task id, not
 * our incident, so the rule's input transformer must add `incidentNumber` (see README); the summary is fetched
 * separately by whoever forwards it and put in `summary`.
 */
const eventBridgeSchema = z.object({
  source: z.literal('aws.aidevops'),
  'detail-type': z.string(),
  incidentNumber: z.string().regex(/^INC\d{7,10}$/),
  summary: z.string().max(40_000).default(''),
  detail: z.object({ metadata: z.object({ task_id: z.string().optional() }).loose().optional() }).loose().optional(),
});

const STATUS_BY_DETAIL_TYPE: Record<string, Findings['status']> = {
  'Investigation Completed': 'completed',
  'Investigation Failed': 'failed',
  'Investigation Timed Out': 'timed-out',
  'Investigation Cancelled': 'cancelled',
};

const callbackSchema = z.union([
  eventBridgeSchema.transform(
    (e): Findings => ({
      incidentNumber: e.incidentNumber,
      status: STATUS_BY_DETAIL_TYPE[e['detail-type']] ?? 'completed',
      summary: e.summary,
      source: 'aws-devops-agent',
    }),
  ),
  findingsSchema,
]);

/** POST /webhooks/agent: findings from the investigator reach the incident's workflow as a signal. */
export function agentWebhookRoute(gateway: WorkflowGateway) {
  return async (req: Request, res: Response): Promise<void> => {
    const findings = readJsonBody(req, res.locals.rawBody as Buffer, callbackSchema);
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
