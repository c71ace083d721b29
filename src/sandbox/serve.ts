import type { Server, Socket } from 'node:net';
import type { Express } from 'express';

export interface Served {
  url: string;
  port: number;
  close: () => Promise<void>;
}

/** Listens on 127.0.0.1 (port 0 = any free port) and closes every open connection on close(). */
export function serve(app: Express, port = 0): Promise<Served> {
  return new Promise((resolve, reject) => {
    const server: Server = app.listen(port, '127.0.0.1');
    const sockets = new Set<Socket>();
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    server.once('error', reject);
    server.once('listening', () => {
      const address = server.address();
      const actual = typeof address === 'object' && address ? address.port : port;
      resolve({
        url: `http://127.0.0.1:${actual}`,
        port: actual,
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
