/**
 * Live updates for the web console: socket.io namespace `/console`, handshake `auth: {token}`.
 * Staff join the `staff` room and receive every `conversation`, `message` and `ticket` event; agency
 * users join `agency:<id>` and receive only `ticket` events of their agency. Staff also receive a
 * citizen's `typing` and may emit `typing {conversationId, on}` to show theirs to the citizen.
 * Everyone receives `reference` (an admin changed fields, agencies, users, canned replies, settings or
 * the knowledge base; agencies only the lists they use); a user whose sessions are revoked is disconnected,
 * and so is a socket whose session ends (logout, expiry). A user who must change the password is refused
 * at the handshake (`connect_error` with `data: {mustChangePassword: true}`), as the API refuses them.
 *
 * Several nodes: every node receives every bus event (./pg-bus.ts) and emits it to ITS OWN sockets
 * (`nsp.local`): emitting to the cluster-wide rooms would deliver it once per node.
 */
import type { Namespace, Server, Socket } from 'socket.io';
import { MUST_CHANGE_PASSWORD } from '../auth/middleware';
import { sessionOfToken, tokenHash } from '../auth/tokens';
import type { User } from '../store/users';
import type { AppContext } from '../context';
import type { BusEvents } from './bus';
import { getConversation } from '../store/conversations';

/** The reference lists an agency user's console uses. */
const AGENCY_LISTS = new Set(['fields', 'agencies', 'settings']);

/** The namespace name. */
export const CONSOLE_NAMESPACE = '/console';

/** A mounted console namespace. */
export interface ConsoleSocket {
  nsp: Namespace;
  /** Stops forwarding bus events and disconnects every console client. */
  close(): void;
}

/** Mounts `/console` on the gateway's socket.io server and forwards the bus to it. */
export function attachConsoleSocket(ctx: AppContext, io: Server): ConsoleSocket {
  const nsp = io.of(CONSOLE_NAMESPACE);
  nsp.use((socket, next) => {
    const token = typeof socket.handshake.auth?.token === 'string' ? socket.handshake.auth.token : '';
    sessionOfToken(ctx.db, token.replace(/^Bearer\s+/i, ''))
      .then((session) => {
        if (!session) return next(new Error('Chưa đăng nhập hoặc phiên đã hết hạn'));
        // As on the API: a temporary or first password opens nothing but its change (the console then connects again).
        if (session.user.mustChangePassword)
          return next(Object.assign(new Error(MUST_CHANGE_PASSWORD), { data: { mustChangePassword: true } }));
        socket.data.user = session.user;
        socket.data.expiresAt = session.expiresAt;
        socket.data.tokenHash = tokenHash(token.replace(/^Bearer\s+/i, ''));
        next();
      })
      .catch(() => next(new Error('Không xác thực được phiên')));
  });
  nsp.on('connection', (socket) => {
    const user = socket.data.user as User;
    if (user.role === 'agency') void socket.join([`agency:${user.agencyId}`, 'agencies']);
    else void socket.join('staff');
    void socket.join(`user:${user.id}`);
    closeAtExpiry(socket, socket.data.expiresAt as Date);
    // An operator typing an answer: the citizen sees "<name> đang soạn tin…" (live chat).
    socket.on('typing', (ev: { conversationId?: unknown; on?: unknown }) => {
      if (user.role === 'agency' || typeof ev?.conversationId !== 'string') return;
      const on = ev.on === true;
      getConversation(ctx.db, ev.conversationId)
        .then((conv) => {
          if (conv && conv.state !== 'closed')
            ctx.channels.get(conv.channel as never)?.notify?.(conv.externalUserId, { type: 'typing', on, authorName: user.displayName });
        })
        .catch(() => undefined);
    });
  });
  // This node's sockets only: see the header.
  const local = nsp.local;
  // Nobody of these rooms connected here (a night of bot-only traffic): nothing to encode or send.
  const send = (rooms: string[], event: string, payload: unknown) => {
    if (rooms.some((room) => (nsp.adapter.rooms.get(room)?.size ?? 0) > 0)) local.to(rooms).emit(event, payload);
  };
  const offs = [
    ctx.bus.on('conversation', (e) => send(['staff'], 'conversation', e)),
    ctx.bus.on('message', (e) => send(['staff'], 'message', e)),
    ctx.bus.on('typing', (e) => send(['staff'], 'typing', e)),
    ctx.bus.on('alert', (e) => send(['staff'], 'alert', e)),
    ctx.bus.on('presence', (e) => send(['staff'], 'presence', e)),
    ctx.bus.on('reference', (e) => send(AGENCY_LISTS.has(e.list) ? ['staff', 'agencies'] : ['staff'], 'reference', e)),
    ctx.bus.on('session_revoked', (e) => {
      void local
        .in(`user:${e.userId}`)
        .fetchSockets()
        .then((sockets) => {
          for (const s of sockets) if (revokes(e, s.data.tokenHash as string)) s.disconnect(true);
        });
    }),
    ctx.bus.on('ticket', (e) => send(e.agencyId ? ['staff', `agency:${e.agencyId}`] : ['staff'], 'ticket', e)),
  ];
  return {
    nsp,
    close() {
      for (const off of offs) off();
      local.disconnectSockets(true);
    },
  };
}

/** Whether a revocation covers the socket of the session whose token hash is `hash`. */
function revokes(e: BusEvents['session_revoked'], hash: string): boolean {
  if (e.tokenHash) return hash === e.tokenHash;
  return !e.keepTokenHash || hash !== e.keepTokenHash;
}

/** Longest delay a timer takes (about 24.8 days); a later expiry is checked again then. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Disconnects the socket when its session expires, as an API call would then be refused. */
function closeAtExpiry(socket: Socket, expiresAt: Date): void {
  let timer: NodeJS.Timeout;
  const arm = (): void => {
    const left = expiresAt.getTime() - Date.now();
    if (left <= 0) return void socket.disconnect(true);
    timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
  };
  arm();
  socket.on('disconnect', () => clearTimeout(timer));
}
