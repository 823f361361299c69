/**
 * Who may read `/metrics`: a client on this machine (a local Prometheus or agent; behind a local
 * reverse proxy the forwarded client address counts, so the outside is not "local"), or one bearing
 * METRICS_TOKEN. METRICS_PORT serves the metrics alone on their own listen address instead.
 */
import { createServer, type Server } from 'node:http';
import type { Request } from 'express';
import { safeEqual } from '../channels/kit/helpers';
import type { Metrics } from '../metrics';

/** True for loopback addresses (IPv4, IPv6 and IPv4-mapped). */
function isLoopback(ip: string | undefined): boolean {
  if (!ip) return false;
  const a = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return a === '::1' || /^127\./.test(a);
}

/** True when `header` is `Bearer <token>` for the configured token (constant-time; false without a token). */
export function bearerMatches(header: string | undefined, token: string | undefined): boolean {
  return !!token && !!header?.startsWith('Bearer ') && safeEqual(header.slice(7).trim(), token);
}

/** Whether a request may read the metrics: a client on this machine, or one bearing `token`. */
export function mayReadMetrics(req: Request, token: string | undefined): boolean {
  return isLoopback(req.ip) || bearerMatches(req.headers.authorization, token);
}

/** Serves the metrics alone on `port`/`host`; resolves once listening. */
export async function startMetricsServer(metrics: Metrics, port: number, host: string): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      () => res.writeHead(500).end(),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return server;
}
