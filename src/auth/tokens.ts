/** Bearer tokens: random, stored only as a SHA-256 hash, with an expiry. */
import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/database';
import { getUser, type User } from '../store/users';

/** How a token is stored (and recognised): its SHA-256, never the token itself. */
export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');
const hash = tokenHash;

/** Issues a token for a user, valid for `ttlHours`. */
export async function issueToken(q: Queryable, userId: string, ttlHours: number): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlHours * 3_600_000);
  await q.query('INSERT INTO auth_tokens (token_hash, user_id, expires_at) VALUES ($1, $2, $3)', [
    hash(token),
    userId,
    expiresAt.toISOString(),
  ]);
  return { token, expiresAt };
}

/** The user of a valid, unexpired, unrevoked token, or null. */
export async function userOfToken(q: Queryable, token: string): Promise<User | null> {
  return (await sessionOfToken(q, token))?.user ?? null;
}

/** The user and expiry of a valid, unexpired, unrevoked token (live connections close when it expires), or null. */
export async function sessionOfToken(q: Queryable, token: string): Promise<{ user: User; expiresAt: Date } | null> {
  const r = await q.query<{ user_id: string; expires_at: Date }>(
    'SELECT user_id, expires_at FROM auth_tokens WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now()',
    [hash(token)],
  );
  if (!r.rows[0]) return null;
  const user = await getUser(q, r.rows[0].user_id);
  return user?.active ? { user, expiresAt: new Date(r.rows[0].expires_at) } : null;
}

/** Revokes one token (logout). */
export async function revokeToken(q: Queryable, token: string): Promise<void> {
  await q.query('UPDATE auth_tokens SET revoked_at = now() WHERE token_hash = $1', [hash(token)]);
}

/** Revokes every token of a user (password change, deactivation). */
export async function revokeUserTokens(q: Queryable, userId: string): Promise<void> {
  await q.query('UPDATE auth_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [userId]);
}
