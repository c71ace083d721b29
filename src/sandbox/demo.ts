import { resolutionWorkflowId } from '../contracts/workflow-ids';
import type { FakeServiceNow } from './fake-servicenow';
import type { FakeSlack } from './fake-slack';
import { sendSlashCommand } from './slack-requests';

export interface DemoOptions {
  apiUrl: string;
  signingSecret: string;
  slack: FakeSlack;
  servicenow: FakeServiceNow;
  incidentNumber: string;
  timeoutMs?: number;
  print: (line: string) => void;
}

export interface DemoResult {
  ok: boolean;
  workflowId: string;
  reply?: string;
  state?: string;
}

/** Drives one `/ops resolve` through the real API and worker, as a person in Slack would, and reports what happened. */
export async function runResolveDemo(o: DemoOptions): Promise<DemoResult> {
  const workflowId = resolutionWorkflowId(o.incidentNumber);
  const before = o.servicenow.incident(o.incidentNumber);
  o.print(`Demo: ${o.incidentNumber} "${before?.short_description ?? '?'}" is in state ${before?.state ?? '?'} in the sandbox ServiceNow.`);
  o.print(`Demo: sandbox user demo.sre types \`/ops resolve ${o.incidentNumber} Restarted the connection pool\` (signed like Slack would)…`);
  const responseUrl = o.slack.newResponseUrl();
  const ack = await sendSlashCommand(o.apiUrl, o.signingSecret, {
    command: '/ops',
    text: `resolve ${o.incidentNumber} Restarted the connection pool`,
    userId: 'U0DEMOSRE',
    userName: 'demo.sre',
    channelId: 'C0INCIDENTS',
    responseUrl,
  });
  o.print(`Demo: API answered ${ack.status}: ${JSON.stringify((ack.body as { text?: string }).text ?? ack.body)}`);
  const deadline = Date.now() + (o.timeoutMs ?? 120_000);
  while (Date.now() < deadline) {
    const [reply] = o.slack.responsesFor(responseUrl);
    if (reply) {
      const after = o.servicenow.incident(o.incidentNumber);
      const text = typeof reply.body.text === 'string' ? reply.body.text : '';
      o.print(`Demo: Slack reply (response_url): ${text}`);
      o.print(`Demo: ServiceNow now shows ${o.incidentNumber} state=${after?.state} close_code="${after?.close_code}".`);
      return { ok: after?.state === '6', workflowId, reply: text, state: after?.state };
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  o.print('Demo: no reply within the time limit; is the worker running? See the Web UI.');
  return { ok: false, workflowId };
}
