/**
 * A tiny round-robin HTTP proxy in front of several gateway nodes, as nginx would be: each request
 * goes to the next node in turn; a node that refuses the connection (dead) is skipped for that
 * request. Counts what each node served, so tests can see the load spread.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running proxy. */
export interface RoundRobinProxy {
  url: string;
  /** Requests each target answered, by target URL. */
  served: Map<string, number>;
  close(): Promise<void>;
}

/** Starts a proxy over `targets` (base URLs such as http://127.0.0.1:3001). */
export async function startRoundRobinProxy(targets: string[]): Promise<RoundRobinProxy> {
  let next = 0;
  const served = new Map(targets.map((t) => [t, 0]));
  const forward = (target: string, req: http.IncomingMessage, body: Buffer): Promise<http.IncomingMessage> =>
    new Promise((resolve, reject) => {
      const upstream = http.request(
        new URL(req.url ?? '/', target),
        { method: req.method, headers: { ...req.headers, connection: 'close' } },
        resolve,
      );
      upstream.on('error', reject);
      upstream.end(body);
    });

  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (b: Buffer) => parts.push(b));
    req.on('end', async () => {
      const body = Buffer.concat(parts);
      for (let tried = 0; tried < targets.length; tried++) {
        const target = targets[next++ % targets.length];
        try {
          const answer = await forward(target, req, body);
          served.set(target, (served.get(target) ?? 0) + 1);
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          return;
        } catch {
          // A dead node: try the next one, as nginx's proxy_next_upstream does.
        }
      }
      res.writeHead(502).end('no live upstream');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
