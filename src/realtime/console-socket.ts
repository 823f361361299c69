/**
 * Live updates for the web console: socket.io namespace `/console`, handshake `auth: {token}`.
 * Staff join the `staff` room and receive every `conversation`, `message` and `ticket` event; agency
 * users join `agency:<id>` and receive only `ticket` events of their agency. Staff also receive a
 * citizen's `typing` and may emit `typing {conversationId, on}` to show theirs to the citizen.
 * Everyone receives `reference` (an admin changed fields, agencies, users, canned replies, settings or
 * the knowledge base; agencies only the lists they use); a user whose sessions are revoked is disconnected.
 */
import type { Namespace, Server } from 'socket.io';
import { tokenHash, userOfToken } from '../auth/tokens';
import type { User } from '../store/users';
import type { AppContext } from '../context';
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
    userOfToken(ctx.db, token.replace(/^Bearer\s+/i, ''))
      .then((user) => {
        if (!user) return next(new Error('Chưa đăng nhập hoặc phiên đã hết hạn'));
        socket.data.user = user;
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
  const offs = [
    ctx.bus.on('conversation', (e) => nsp.to('staff').emit('conversation', e)),
    ctx.bus.on('message', (e) => nsp.to('staff').emit('message', e)),
    ctx.bus.on('typing', (e) => nsp.to('staff').emit('typing', e)),
    ctx.bus.on('reference', (e) => {
      const rooms = AGENCY_LISTS.has(e.list) ? ['staff', 'agencies'] : ['staff'];
      nsp.to(rooms).emit('reference', e);
    }),
    ctx.bus.on('session_revoked', (e) => {
      void nsp
        .in(`user:${e.userId}`)
        .fetchSockets()
        .then((sockets) => {
          for (const s of sockets) if (!e.keepTokenHash || s.data.tokenHash !== e.keepTokenHash) s.disconnect(true);
        });
    }),
    ctx.bus.on('ticket', (e) => {
      const rooms = e.agencyId ? ['staff', `agency:${e.agencyId}`] : ['staff'];
      nsp.to(rooms).emit('ticket', e);
    }),
  ];
  return {
    nsp,
    close() {
      for (const off of offs) off();
      nsp.disconnectSockets(true);
    },
  };
}
