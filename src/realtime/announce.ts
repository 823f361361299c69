/**
 * Tells open consoles that shared reference data changed, so that no one works from a stale list
 * (a renamed field, a deactivated agency, a new canned reply) or overwrites a procedure someone just saved.
 */
import type { User } from '../store/users';
import type { AppContext } from '../context';
import type { ReferenceList } from './bus';

/** Publishes a `reference` change made by `user` (null: the system, e.g. a finished retraining). */
export function announceChange(
  ctx: AppContext,
  list: ReferenceList,
  user: User | null,
  item: { id?: string; version?: number } = {},
): void {
  ctx.bus.emit('reference', { list, ...item, by: user ? { userId: user.id, name: user.displayName } : { userId: null, name: 'Hệ thống' } });
}

/** Closes the live connections of a user whose sessions were just revoked (all but `keepTokenHash`'s, when given). */
export function announceSessionsRevoked(ctx: AppContext, userId: string, keepTokenHash?: string): void {
  ctx.bus.emit('session_revoked', keepTokenHash ? { userId, keepTokenHash } : { userId });
}

/** Closes the live connections of one session that just ended (logout). */
export function announceSessionEnded(ctx: AppContext, userId: string, tokenHash: string): void {
  ctx.bus.emit('session_revoked', { userId, tokenHash });
}
