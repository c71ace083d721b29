import { Agent, request } from 'node:http';

export interface PreparedRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface Outcome {
  status: number;
  /** From the scheduled send time (open loop) or the actual send (closed loop) to the last byte of the answer. */
  ms: number;
  error?: string;
}

/** Keep-alive client for one target: the same for every candidate, so connection handling is not what we measure. */
export function createLoadClient(baseUrl: string, timeoutMs = 10_000) {
  const url = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 512 });
  const send = (req: PreparedRequest, startedAt: number): Promise<Outcome> =>
    new Promise((resolve) => {
      const r = request(
        {
          host: url.hostname,
          port: url.port,
          method: 'POST',
          path: req.path,
          agent,
          headers: { ...req.headers, 'content-length': String(Buffer.byteLength(req.body)) },
          timeout: timeoutMs,
        },
        (res) => {
          res.on('data', () => undefined);
          res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - startedAt }));
          res.on('error', (err) => resolve({ status: 0, ms: performance.now() - startedAt, error: err.message }));
        },
      );
      r.on('timeout', () => r.destroy(new Error('timeout')));
      r.on('error', (err) => resolve({ status: 0, ms: performance.now() - startedAt, error: err.message }));
      r.end(req.body);
    });
  return {
    send,
    close: () => agent.destroy(),
  };
}

export type LoadClient = ReturnType<typeof createLoadClient>;
