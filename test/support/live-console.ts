/** A console's live connection (socket.io `/console`) for tests: every event it receives, and whether the server closed it. */
import { io as connectClient, type Socket } from 'socket.io-client';

/** An open console connection. */
export interface LiveConsole {
  socket: Socket;
  /** The payloads of every `name` event received so far, in order. */
  events<T = Record<string, unknown>>(name: string): T[];
  /** True once the server closed the connection (revoked, logged out, expired). */
  closedByServer(): boolean;
}

/** Connects to `${baseUrl}/console` with a bearer token (with or without "Bearer "); resolves once connected. */
export async function openLiveConsole(baseUrl: string, token: string): Promise<LiveConsole> {
  const socket = connectClient(`${baseUrl}/console`, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
  const received: Array<{ name: string; payload: unknown }> = [];
  let closed = false;
  socket.onAny((name: string, payload: unknown) => received.push({ name, payload }));
  socket.on('disconnect', (reason) => (closed = reason === 'io server disconnect'));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  return {
    socket,
    events: <T>(name: string) => received.filter((r) => r.name === name).map((r) => r.payload as T),
    closedByServer: () => closed,
  };
}
