/**
 * Limits on the HTTP server itself: how long a client may take to send its headers and its whole
 * request (a slow body no longer holds a connection for minutes), and how many connections one
 * address may keep open at once (further ones are closed at once). WebSocket upgrades count as
 * connections too; their own idle rules are socket.io's.
 */
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

/**
 * Options for `createServer`: Node checks the header and request time limits only every
 * `connectionsCheckingInterval` (default 30 s), which let a slow body hold a connection for up to
 * 30 s past its limit; once a second keeps the limits close to what is configured.
 */
export const SERVER_OPTIONS = { connectionsCheckingInterval: 1_000 } as const;

/** The limits (from configuration). */
export interface ServerLimits {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  maxConnectionsPerIp: number;
}

/** Applies the limits to `server`. */
export function limitServer(server: Server, limits: ServerLimits): void {
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.requestTimeoutMs;
  // Idle keep-alive connections are closed well before a proxy would reuse a dead one.
  server.keepAliveTimeout = Math.min(server.keepAliveTimeout || 5_000, limits.headersTimeoutMs);
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const ip = socket.remoteAddress ?? 'unknown';
    const n = (open.get(ip) ?? 0) + 1;
    if (n > limits.maxConnectionsPerIp) {
      socket.destroy();
      return;
    }
    open.set(ip, n);
    socket.once('close', () => {
      const left = (open.get(ip) ?? 1) - 1;
      if (left > 0) open.set(ip, left);
      else open.delete(ip);
    });
  });
}
