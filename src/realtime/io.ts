/**
 * The ONE socket.io server of a gateway's HTTP server. Two `Server`s on one HTTP server fight over
 * `/socket.io` requests and upgrades (the last attached wins), so every namespace — `/console` here,
 * `/livechat` in the live-chat adapter — must hang off this one instance.
 * https://socket.io/docs/v4/namespaces/
 */
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';

const servers = new WeakMap<HttpServer, Server>();

/**
 * Largest socket.io frame, bytes (default of socket.io: 1 MB). Live-chat uploads travel as base64
 * inside a frame (4/3 of the file): 9 MiB carries a 6 MiB file (LIVECHAT_MAX_FILE_MB at most 6).
 */
export const SOCKET_MAX_FRAME_BYTES = 9 * 1024 * 1024;

/**
 * The socket.io server attached to `http` (created on first use; CORS open, since auth is by token).
 * It serves the browser client at `/socket.io/socket.io.min.js`: the live-chat widget loads it from
 * there, since host pages have no bundler.
 */
export function socketServerFor(http: HttpServer): Server {
  let io = servers.get(http);
  if (!io) {
    io = new Server(http, { cors: { origin: true }, serveClient: true, maxHttpBufferSize: SOCKET_MAX_FRAME_BYTES });
    servers.set(http, io);
  }
  return io;
}
