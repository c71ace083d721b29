import { connect, constants, createServer, type ClientHttp2Session, type Http2Session, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http2';
import type { AddressInfo } from 'node:net';

export interface GrpcGatekeeper {
  /** host:port to point a Temporal client at. */
  address: string;
  /** Every gRPC method called through it, e.g. /temporal.api.operatorservice.v1.OperatorService/AddSearchAttributes. */
  calls: string[];
  close(): Promise<void>;
}

/** gRPC status 7. */
const PERMISSION_DENIED = '7';

const withoutPseudo = (headers: IncomingHttpHeaders): OutgoingHttpHeaders =>
  Object.fromEntries(Object.entries(headers).filter(([k]) => !k.startsWith(':')));

export interface GatekeeperOptions {
  upstream: string;
  /** Methods answered PERMISSION_DENIED without reaching the server. */
  deny?: readonly string[];
  /**
   * Methods whose call reaches the server and takes effect there, but whose answer is lost on the way back (as when
   * the server or the network fails just after the commit): the caller gets UNAVAILABLE. Asked per call.
   */
  loseAnswer?: (path: string) => boolean;
  /**
   * Calls answered RESOURCE_EXHAUSTED "namespace rate limit exceeded" without reaching the server, as a frontend
   * answers once the namespace's rate (`frontend.namespaceRPS.visibility`: 10 per second by default) is spent. Asked per call.
   */
  throttle?: (path: string) => boolean;
}

const UNAVAILABLE = '14';
const RESOURCE_EXHAUSTED = '8';

/**
 * A real Temporal server seen through a stricter door, as a Temporal Cloud API key or a failing network sees it: every gRPC call is relayed
 * to `upstream` byte for byte (HTTP/2 frames, trailers and all), except the methods in `deny`, which are answered
 * PERMISSION_DENIED without reaching it, calls `throttle` picks, answered RESOURCE_EXHAUSTED, and calls whose answer
 * `loseAnswer` drops after the server has acted.
 */
export async function startGrpcGatekeeper(options: GatekeeperOptions): Promise<GrpcGatekeeper> {
  const calls: string[] = [];
  let upstream: ClientHttp2Session | undefined;
  const session = () => {
    if (!upstream || upstream.closed || upstream.destroyed) upstream = connect(`http://${options.upstream}`);
    return upstream;
  };
  const server = createServer();
  const sessions = new Set<Http2Session>();
  server.on('session', (s) => {
    sessions.add(s);
    s.once('close', () => sessions.delete(s));
  });
  server.on('stream', (stream, headers) => {
    const path = String(headers[constants.HTTP2_HEADER_PATH]);
    calls.push(path);
    if (options.deny?.includes(path)) {
      // A "trailers-only" answer, as gRPC servers send for an error before any message.
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': PERMISSION_DENIED, 'grpc-message': 'Request unauthorized' }, { endStream: true });
      stream.resume();
      return;
    }
    if (options.throttle?.(path)) {
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': RESOURCE_EXHAUSTED, 'grpc-message': 'namespace rate limit exceeded' }, { endStream: true });
      stream.resume();
      return;
    }
    const relayed = session().request({ ...withoutPseudo(headers), ':method': 'POST', ':path': path });
    stream.pipe(relayed);
    if (options.loseAnswer?.(path)) {
      relayed.resume();
      relayed.on('close', () => {
        if (!stream.closed) stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': UNAVAILABLE, 'grpc-message': 'connection reset' }, { endStream: true });
      });
      return;
    }
    let trailers: OutgoingHttpHeaders | undefined;
    relayed.on('trailers', (t: IncomingHttpHeaders) => (trailers = withoutPseudo(t)));
    relayed.on('response', (response) => {
      const trailersOnly = 'grpc-status' in response;
      stream.respond({ ...withoutPseudo(response), ':status': response[':status'] ?? 200 }, trailersOnly ? { endStream: true } : { waitForTrailers: true });
      if (!trailersOnly) stream.on('wantTrailers', () => stream.sendTrailers(trailers ?? {}));
    });
    relayed.on('data', (chunk: Buffer) => stream.write(chunk));
    relayed.on('end', () => {
      if (!stream.closed) stream.end();
    });
    relayed.on('error', () => stream.close(constants.NGHTTP2_INTERNAL_ERROR));
    stream.on('error', () => relayed.close(constants.NGHTTP2_CANCEL));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        upstream?.destroy();
        for (const s of sessions) s.destroy();
        server.close(() => resolve());
      }),
  };
}
