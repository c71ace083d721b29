import type { Request, RequestHandler, Response } from 'express';
import type { AgentTaskEvent } from '../../contracts/agent-task';
import { agentTaskEventSchema } from '../../contracts/schemas/agent-task-event';
import { safeEqual } from '../../signing/safe-equal';
import { readJsonBody } from '../middleware/json-body';
import type { WorkflowGateway } from '../workflow-gateway';

/** The header an EventBridge connection with API_KEY authorization sends (its name is chosen in the connection). */
export const EVENTS_KEY_HEADER = 'x-api-key';

/** 401 unless the request carries one of the configured keys, compared in constant time. */
export function requireApiKey(keys: readonly string[]): RequestHandler {
  return (req, res, next) => {
    const presented = req.get(EVENTS_KEY_HEADER) ?? '';
    if (presented && keys.some((key) => safeEqual(presented, key))) {
      res.locals.rawBody = req.body as Buffer;
      next();
      return;
    }
    res.status(401).json({ error: `missing or wrong ${EVENTS_KEY_HEADER}` });
  };
}

/**
 * POST /webhooks/aws-devops-agent/events: an agent task's lifecycle event wakes the investigation following that task
 * (found by its AgentTaskId), which then reads the results from the agent's API. 202 once signalled, 202 with nothing
 * matched for a task OpsLoop does not follow, and 429 + Retry-After (never a 5xx) when Temporal could not take it:
 * EventBridge retries a 429, and the investigation's polling finds the result meanwhile anyway.
 */
export function agentEventsRoute(gateway: WorkflowGateway) {
  return async (req: Request, res: Response): Promise<void> => {
    const envelope = readJsonBody(req, res.locals.rawBody as Buffer, agentTaskEventSchema);
    const { metadata, data } = envelope.detail;
    const event: AgentTaskEvent = {
      taskId: metadata.task_id,
      detailType: envelope['detail-type'],
      status: data?.status ?? '',
      ...(metadata.execution_id ? { executionId: metadata.execution_id } : {}),
    };
    try {
      const { workflowIds } = await gateway.deliverAgentTaskEvent(event);
      req.log?.info({ taskId: event.taskId, detailType: event.detailType, matched: workflowIds.length }, 'agent task event recorded');
      res.status(202).json({ matched: workflowIds.length });
    } catch (err) {
      req.log?.warn({ err, taskId: event.taskId, detailType: event.detailType }, 'Temporal did not take the agent task event');
      res.status(429).set('Retry-After', '30').json({ error: 'OpsLoop could not record the event now; retry later' });
    }
  };
}
