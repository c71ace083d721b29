import { createServer, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Forwarded {
  path: string;
  receivedAt: number;
  answeredAt: number;
  /** The replicas tried, in order; the last one answered. */
  tried: number[];
  status: number;
}

export interface LoadBalancer {
  url: string;
  /** One entry per request, in the order they finished. */
  forwarded: Forwarded[];
  close(): Promise<void>;
}

/** A replica that refused or dropped a connection is skipped for this long, as a passive health check does. */
const EJECT_MS = 2_000;

/**
 * A load balancer in front of the API replicas, as a production deployment has one: round robin, the request body
 * buffered, and a request whose replica refused or dropped the connection before answering sent to the next replica
 * (nginx's `proxy_next_upstream error non_idempotent`). Retrying a POST is safe only because every OpsLoop request
 * is idempotent (workflow ids, update ids, signal request ids); the checker holds it to that.
 */
export async function startLoadBalancer(replicas: () => readonly string[]): Promise<LoadBalancer> {
  const forwarded: Forwarded[] = [];
  const ejectedUntil = new Map<number, number>();
  let next = 0;

  const once = (base: string, method: string, path: string, headers: IncomingHttpHeaders, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
      const upstream = request(`${base}${path}`, { method, headers: { ...headers, host: new URL(base).host } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      });
      upstream.on('error', reject);
      upstream.end(body);
    });

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const receivedAt = Date.now();
        const body = Buffer.concat(chunks);
        const urls = replicas();
        const tried: number[] = [];
        for (let attempt = 0; attempt < urls.length + 1; attempt++) {
          const now = Date.now();
          const order = urls.map((_, k) => (next + k) % urls.length);
          const pick = order.find((i) => (ejectedUntil.get(i) ?? 0) <= now && !tried.includes(i)) ?? order.find((i) => !tried.includes(i)) ?? order[0]!;
          next = (pick + 1) % urls.length;
          tried.push(pick);
          try {
            const answer = await once(urls[pick]!, req.method ?? 'GET', req.url ?? '/', req.headers, body);
            forwarded.push({ path: req.url ?? '/', receivedAt, answeredAt: Date.now(), tried, status: answer.status });
            res.writeHead(answer.status, answer.headers);
            res.end(answer.body);
            return;
          } catch {
            ejectedUntil.set(pick, Date.now() + EJECT_MS);
          }
        }
        forwarded.push({ path: req.url ?? '/', receivedAt, answeredAt: Date.now(), tried, status: 502 });
        res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'no API replica answered' }));
      })();
    });
  });
  // Longer than any client keeps an idle connection (undici: 4 s), as cloud load balancers do (60 s): otherwise the
  // balancer may close a connection just as the client sends on it, and the request dies unanswered.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    forwarded,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
