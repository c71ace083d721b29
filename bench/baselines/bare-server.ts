import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { verifySlackSignature } from '../../src/api/slack/verify-request';
import { WEBHOOK_SIGNATURE_HEADER, WEBHOOK_TIMESTAMP_HEADER, verifyWebhook } from '../../src/signing/webhook-signature';
import { createOpsLoopWorkflows } from '../../src/temporal-client/opsloop-workflows';
import { snapshotOf, type IncidentEvent } from '../load/webhook-bodies';
import { baselineCalls, connectClient } from './temporal-calls';

/**
 * The floor for F1/F2: node:http with the same signature checks and the same Temporal calls as OpsLoop, and nothing
 * else (no framework, no schema validation, no logging).
 */
const BODY_LIMIT = 256 * 1024;
const env = (name: string): string => process.env[name] ?? '';

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > BODY_LIMIT) req.destroy(new Error('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

function answer(res: ServerResponse, status: number, body?: unknown): void {
  if (body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) }).end(text);
}

async function main(): Promise<void> {
  const client = await connectClient();
  const calls = baselineCalls(client);
  const slackSecrets = [env('SLACK_SIGNING_SECRET')];
  const webhookSecrets = [env('SERVICENOW_WEBHOOK_SECRET')];
  const taskQueue = env('TEMPORAL_TASK_QUEUE');

  const slackVerified = (req: IncomingMessage, rawBody: Buffer): boolean => {
    try {
      verifySlackSignature({
        signingSecrets: slackSecrets,
        rawBody,
        timestamp: header(req, 'x-slack-request-timestamp'),
        signature: header(req, 'x-slack-signature'),
        nowMs: Date.now(),
      });
      return true;
    } catch {
      return false;
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const rawBody = await readBody(req);
    if (req.method !== 'POST') return answer(res, 404);
    if (req.url === '/slack/commands' || req.url === '/slack/interactions') {
      if (!slackVerified(req, rawBody)) return answer(res, 401, { error: 'bad signature' });
      const form = new URLSearchParams(rawBody.toString('utf8'));
      if (req.url === '/slack/commands') return answer(res, 200, { response_type: 'ephemeral', text: await calls.commandAnswer(form.get('text') ?? '') });
      const payload = JSON.parse(form.get('payload') ?? '{}') as { user: { id: string }; actions: { action_id: string; value: string }[] };
      const action = payload.actions[0];
      if (action) await calls.click(payload.user.id, action.action_id, action.value);
      return answer(res, 200);
    }
    if (req.url === '/webhooks/servicenow') {
      try {
        verifyWebhook({
          secrets: webhookSecrets,
          rawBody,
          timestamp: header(req, WEBHOOK_TIMESTAMP_HEADER),
          signature: header(req, WEBHOOK_SIGNATURE_HEADER),
          authorization: header(req, 'authorization'),
          nowMs: Date.now(),
        });
      } catch {
        return answer(res, 401, { error: 'bad signature' });
      }
      const event = JSON.parse(rawBody.toString('utf8')) as IncidentEvent;
      try {
        const result = await client.withDeadline(Date.now() + 5_000, () => createOpsLoopWorkflows(client, taskQueue).deliverIncidentEvent(snapshotOf(event)));
        return answer(res, 202, result);
      } catch {
        return answer(res, 503, { error: 'retry later' });
      }
    }
    return answer(res, 404);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => answer(res, 500));
  });
  server.keepAliveTimeout = 60_000;
  server.listen(Number(env('PORT')), '127.0.0.1', () => process.stdout.write('bare baseline listening\n'));
}

main().catch((err: unknown) => {
  process.stderr.write(`bare baseline failed: ${String(err)}\n`);
  process.exit(1);
});
