/**
 * Presence from the console connections: each staff connection is recorded in the database (so every
 * node sees it), its closing may set the operator offline, and the console's `activity` pings (sent
 * while the person uses it) bring an operator made away for inactivity back online.
 */
import type { Namespace, Socket } from 'socket.io';
import type { AppContext } from '../context';
import { addConnection, getPresence, removeConnection, touchActivity } from '../store/presence';
import type { User } from '../store/users';

/** Presence tracking on a mounted console namespace. */
export interface FloorPresence {
  /** Ids of this node's open staff connections (renewed by the floor tick). */
  localSocketIds(): string[];
  close(): void;
}

/** Tracks staff connections of `nsp`; announces presence changes on the bus. */
export function trackPresence(ctx: AppContext, nsp: Namespace): FloorPresence {
  const local = new Map<string, string>();
  const warn = (err: unknown) => ctx.log.warn({ err }, 'presence update failed');
  const announce = async (userId: string) => ctx.bus.emit('presence', { userId, status: (await getPresence(ctx.db, userId)).status });
  const onConnection = (socket: Socket) => {
    const user = socket.data.user as User | undefined;
    if (!user || user.role === 'agency') return;
    local.set(socket.id, user.id);
    addConnection(ctx.db, socket.id, user.id)
      .then(() => announce(user.id))
      .catch(warn);
    socket.on('activity', () => {
      touchActivity(ctx.db, user.id)
        .then((back) => (back ? announce(user.id) : undefined))
        .catch(warn);
    });
    socket.on('disconnect', () => {
      local.delete(socket.id);
      removeConnection(ctx.db, socket.id, user.id)
        .then((offline) => (offline ? announce(user.id) : undefined))
        .catch(warn);
    });
  };
  nsp.on('connection', onConnection);
  return {
    localSocketIds: () => [...local.keys()],
    close() {
      nsp.off('connection', onConnection);
    },
  };
}
