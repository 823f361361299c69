/**
 * The HTTP server under every fake provider: listens on a free loopback port, reads each request's
 * whole body and hands it over as a `RecordedRequest`, and closes with its open connections.
 */
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as a fake received it. */
export interface RecordedRequest {
  method: string;
  /** Path and query, as sent. */
  url: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A running fake server. */
export interface FakeServer {
  /** `http://127.0.0.1:<port>` */
  baseUrl: string;
  /** Stops listening and drops the open connections. */
  close(): Promise<void>;
}

/** What a fake does with a request once its body is read (`req` for its socket). */
export type FakeHandler = (rec: RecordedRequest, res: ServerResponse, req: IncomingMessage) => void | Promise<void>;

/** Starts a fake server on 127.0.0.1, port 0. */
export async function startFakeServer(handle: FakeHandler): Promise<FakeServer> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://127.0.0.1');
      const rec: RecordedRequest = {
        method: req.method ?? '',
        url: req.url ?? '',
        path: u.pathname,
        query: u.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks),
      };
      void handle(rec, res, req);
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
