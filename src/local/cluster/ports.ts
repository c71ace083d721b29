import { createServer } from 'node:net';
import type { ClusterPorts } from './config';

/** A TCP port that was free on 127.0.0.1 a moment ago: `port`, or any when 0; undefined when `port` is taken. */
export function freePort(port = 0): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      const bound = typeof address === 'object' && address ? address.port : undefined;
      server.close(() => resolve(bound));
    });
  });
}

const MEMBERSHIP_PORTS = { min: 20_000, max: 32_767 };

/**
 * Every port a run binds, distinct from each other: the gRPC and membership ports of the four services, the
 * frontend's HTTP port, and the UI's. Fixed ones (a frontend on 7233 for `npm run cluster`) are used as given.
 */
export async function allocatePorts(fixed: { frontend?: number; ui?: number }): Promise<{ services: ClusterPorts; ui?: number }> {
  const taken = new Set<number>([fixed.frontend, fixed.ui].filter((p): p is number => p !== undefined));
  const claim = async (candidate: () => number): Promise<number> => {
    for (;;) {
      const port = await freePort(candidate());
      if (port !== undefined && !taken.has(port)) {
        taken.add(port);
        return port;
      }
    }
  };
  const next = () => claim(() => 0);
  // The membership table stores ports as a signed 16-bit integer: beyond 32767 a service cannot join. Below the
  // kernel's ephemeral range (32768 and up here), no outgoing connection takes the port either.
  const membership = () => claim(() => MEMBERSHIP_PORTS.min + Math.floor(Math.random() * (MEMBERSHIP_PORTS.max - MEMBERSHIP_PORTS.min)));
  const services: ClusterPorts = {
    frontend: { grpc: fixed.frontend ?? (await next()), membership: await membership(), http: await next() },
    history: { grpc: await next(), membership: await membership() },
    matching: { grpc: await next(), membership: await membership() },
    worker: { grpc: await next(), membership: await membership() },
  };
  return { services, ui: fixed.ui ?? (await next()) };
}
