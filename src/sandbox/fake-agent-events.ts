import { randomUUID } from 'node:crypto';
import type { StatusChange } from './fake-agent-tasks';

/*
 * AWS DevOps Agent lifecycle events as EventBridge puts them on the default bus (source aws.aidevops; detail
 * reference: https://docs.aws.amazon.com/devopsagent/latest/userguide/integrating-devops-agent-into-event-driven-applications-using-amazon-eventbridge-devops-agent-events-detail-reference.html),
 * delivered the way an EventBridge API destination with API_KEY auth does: the whole event as the JSON body, the key
 * in the connection's header, and retries on 429 and 5xx
 * (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-api-destinations.html).
 */

export interface EventDelivery {
  detailType: string;
  taskId: string;
  status: number;
  at: number;
}

const RETRIES = 4;
const RETRY_SPACING_MS = 300;
const TIMEOUT_MS = 5_000;

export function eventBridgeEventOf(change: StatusChange, region: string, account: string) {
  const { task } = change;
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': change.detailType,
    source: 'aws.aidevops',
    account,
    time: new Date().toISOString(),
    region,
    resources: [],
    detail: {
      version: '1.0.0',
      metadata: { agent_space_id: task.agentSpaceId, task_id: task.taskId, ...(task.executionId ? { execution_id: task.executionId } : {}) },
      data: {
        task_type: task.taskType,
        priority: task.priority,
        status: task.status,
        created_at: task.createdAt,
        updated_at: task.updatedAt,
        ...(task.status === 'COMPLETED' ? { summary_record_id: randomUUID() } : {}),
      },
    },
  };
}

export function createApiDestination(o: { url: string; apiKey: string; region: string; account: string }) {
  const deliveries: EventDelivery[] = [];
  const stop = new AbortController();
  let enabled = true;

  async function send(change: StatusChange, body: string, attempt: number): Promise<void> {
    let status = 0;
    try {
      const response = await fetch(o.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-api-key': o.apiKey },
        body,
        signal: AbortSignal.any([stop.signal, AbortSignal.timeout(TIMEOUT_MS)]),
      });
      await response.arrayBuffer();
      status = response.status;
    } catch {
      if (stop.signal.aborted) return;
    }
    deliveries.push({ detailType: change.detailType, taskId: change.task.taskId, status, at: Date.now() });
    const retryable = status === 0 || status === 429 || status >= 500;
    if (retryable && attempt < RETRIES && !stop.signal.aborted) {
      setTimeout(() => void send(change, body, attempt + 1), RETRY_SPACING_MS * 2 ** attempt).unref();
    }
  }

  return {
    deliveries,
    /** Off: the rule is disabled (or was never created); OpsLoop must find the results by polling. */
    set enabled(value: boolean) {
      enabled = value;
    },
    get enabled() {
      return enabled;
    },
    publish(change: StatusChange): void {
      if (!enabled) return;
      void send(change, JSON.stringify(eventBridgeEventOf(change, o.region, o.account)), 0);
    },
    close(): void {
      stop.abort();
    },
  };
}
