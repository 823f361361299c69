/** Live updates: one socket.io connection to the `/console` namespace per signed-in session. */
import { useEffect, useRef, useSyncExternalStore } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { ConsoleEvents as LiveEvents, ReferenceChange, ReferenceList } from './types';

export type LiveStatus = 'connecting' | 'online' | 'offline';

let socket: Socket | null = null;
/** Listeners that outlive a connection (module-level caches): attached to every socket opened. */
const lasting = new Map<string, Set<(e: never) => void>>();
const lastingReconnect = new Set<() => void>();
let onServerClose: (() => void) | null = null;
let status: LiveStatus = 'offline';
const statusListeners = new Set<() => void>();
const setStatus = (s: LiveStatus) => {
  status = s;
  statusListeners.forEach((l) => l());
};

/** Opens (or re-opens with a new token) the live connection. */
export function connectLive(token: string): void {
  disconnectLive();
  setStatus('connecting');
  // WebSocket only: one connection stays on one node, so nodes behind a plain round-robin proxy need no sticky sessions.
  socket = io('/console', { auth: { token }, transports: ['websocket'], reconnectionDelayMax: 10_000 });
  socket.on('connect', () => setStatus('online'));
  socket.on('disconnect', (reason) => {
    // The server closed this session (revoked): no reconnection; the app checks the session.
    if (reason === 'io server disconnect') {
      setStatus('offline');
      onServerClose?.();
    } else setStatus('connecting');
  });
  socket.on('connect_error', () => setStatus('offline'));
  for (const [name, fns] of lasting) for (const fn of fns) socket.on(name, fn as never);
  for (const fn of lastingReconnect) socket.io.on('reconnect', fn);
}

/** Called when the server closes the live connection itself (sessions revoked by an admin). */
export function onLiveClosedByServer(fn: (() => void) | null): void {
  onServerClose = fn;
}

/** Subscribes for the page's lifetime, across reconnections and re-logins (module-level caches). */
export function subscribeLive<K extends keyof LiveEvents>(name: K, fn: (e: LiveEvents[K]) => void): void {
  let fns = lasting.get(name);
  if (!fns) lasting.set(name, (fns = new Set()));
  fns.add(fn as (e: never) => void);
  socket?.on(name, fn as never);
}

/** Calls `fn` after every reconnection for the page's lifetime (module-level caches catching up on missed events). */
export function onLiveReconnect(fn: () => void): void {
  lastingReconnect.add(fn);
  socket?.io.on('reconnect', fn);
}

/** Sends an event to the server on the live connection (dropped while disconnected). */
export function emitLive(name: string, payload?: unknown): void {
  if (socket?.connected) socket.emit(name, payload);
}

/** Closes the live connection (logout). */
export function disconnectLive(): void {
  socket?.removeAllListeners();
  for (const fn of lastingReconnect) socket?.io.off('reconnect', fn);
  socket?.disconnect();
  socket = null;
  setStatus('offline');
}

/** The connection state, for the "trực tuyến" indicator. */
export function useLiveStatus(): LiveStatus {
  return useSyncExternalStore(
    (l) => {
      statusListeners.add(l);
      return () => statusListeners.delete(l);
    },
    () => status,
  );
}

/** Calls `handler` for every `name` event while mounted (the latest handler, without resubscribing). */
export function useLive<K extends keyof LiveEvents>(name: K, handler: (e: LiveEvents[K]) => void): void {
  const ref = useRef(handler);
  ref.current = handler;
  useEffect(() => {
    const s = socket;
    if (!s) return;
    const fn = (e: LiveEvents[K]) => ref.current(e);
    s.on(name, fn as never);
    return () => {
      s.off(name, fn as never);
    };
    // `socket` is module state: listed so that a render after a re-login subscribes to the new connection.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [name, socket]);
}

/** Calls `fn` once per burst of live events (several updates within `delayMs` → one reload). */
export function useLiveReload(
  names: (keyof LiveEvents)[],
  fn: () => void,
  filter?: (name: keyof LiveEvents, e: unknown) => boolean,
  delayMs = 250,
): void {
  const ref = useRef({ fn, filter });
  ref.current = { fn, filter };
  useEffect(() => {
    const s = socket;
    if (!s) return;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const handlers = names.map((n) => {
      const h = (e: unknown) => {
        if (ref.current.filter && !ref.current.filter(n, e)) return;
        if (timer) return;
        timer = setTimeout(() => {
          timer = null;
          ref.current.fn();
        }, delayMs);
      };
      s.on(n, h);
      return [n, h] as const;
    });
    // Reload after a reconnection too: events were missed while offline.
    const onConnect = () => ref.current.fn();
    s.io.on('reconnect', onConnect);
    return () => {
      if (timer) clearTimeout(timer);
      for (const [n, h] of handlers) s.off(n, h);
      s.io.off('reconnect', onConnect);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [names.join(), socket, delayMs]);
}

/** Reloads when another admin changes one of `lists` (and after a reconnection). */
export function useReferenceReload(lists: ReferenceList[], fn: () => void, filter?: (e: ReferenceChange) => boolean): void {
  useLiveReload(['reference'], fn, (_n, e) => lists.includes((e as ReferenceChange).list) && (!filter || filter(e as ReferenceChange)));
}
