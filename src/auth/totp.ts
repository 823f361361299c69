/**
 * Two-factor login with TOTP (RFC 6238, 6 digits, 30 s — what authenticator apps expect), via otplib.
 * A secret is first stored as pending and becomes active only after the user proves with a code
 * that the authenticator app holds it. https://github.com/yeojz/otplib/tree/v12.0.1#authenticator
 */
import { authenticator } from 'otplib';
import type { Queryable } from '../db/database';

/** Issuer shown in authenticator apps. */
export const TOTP_ISSUER = 'Tổng đài 1022';

/** True when `code` is valid for `secret` now (one step of clock drift either way is accepted). */
export async function checkTotp(secret: string, code: string): Promise<boolean> {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return false;
  try {
    return authenticator.clone({ window: 1 }).check(token, secret);
  } catch {
    return false;
  }
}

/** The user's active TOTP secret, or null when two-factor login is off. */
export async function activeTotpSecret(q: Queryable, userId: string): Promise<string | null> {
  const r = await q.query<{ totp_secret: string | null }>('SELECT totp_secret FROM users WHERE id = $1', [userId]);
  return r.rows[0]?.totp_secret ?? null;
}

/** Starts a setup: stores a new pending secret; returns it and the otpauth:// URL for a QR code. */
export async function startTotpSetup(q: Queryable, userId: string, username: string): Promise<{ secret: string; otpauthUrl: string }> {
  const secret = authenticator.generateSecret();
  await q.query('UPDATE users SET totp_pending = $2, updated_at = now() WHERE id = $1', [userId, secret]);
  return { secret, otpauthUrl: authenticator.keyuri(username, TOTP_ISSUER, secret) };
}

/** Activates the pending secret when `code` matches it; false otherwise. */
export async function enableTotp(q: Queryable, userId: string, code: string): Promise<boolean> {
  const r = await q.query<{ totp_pending: string | null }>('SELECT totp_pending FROM users WHERE id = $1', [userId]);
  const pending = r.rows[0]?.totp_pending;
  if (!pending || !(await checkTotp(pending, code))) return false;
  await q.query('UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, updated_at = now() WHERE id = $1', [userId]);
  return true;
}

/** Turns two-factor login off when `code` matches the active secret; false otherwise. */
export async function disableTotp(q: Queryable, userId: string, code: string): Promise<boolean> {
  const secret = await activeTotpSecret(q, userId);
  if (!secret || !(await checkTotp(secret, code))) return false;
  await q.query('UPDATE users SET totp_secret = NULL, totp_pending = NULL, updated_at = now() WHERE id = $1', [userId]);
  return true;
}
