/**
 * The ONE socket.io server of a gateway's HTTP server. Two `Server`s on one HTTP server fight over
 * `/socket.io` requests and upgrades (the last attached wins), so every namespace — `/console` here,
 * `/livechat` in the live-chat adapter — must hang off this one instance.
 * https://socket.io/docs/v4/namespaces/
 */
import type { Server as HttpServer } from 'node:http';
import { Server } from 'socket.io';
import { SOCKET_MAX_FRAME_BYTES } from '../channels/kit/contract';

const servers = new WeakMap<HttpServer, Server>();

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
