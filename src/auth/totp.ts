/**
 * Two-factor login with TOTP (RFC 6238, 6 digits, 30 s — what authenticator apps expect), via otplib.
 * A secret is first stored as pending and becomes active only after the user proves with a code
 * that the authenticator app holds it. Secrets are encrypted at rest (`secret-box.ts`); each code is
 * accepted once: the time step of the last accepted code is kept, and a code of that step or an
 * earlier one is refused (RFC 6238 §5.2). https://github.com/yeojz/otplib/tree/v12.0.1#authenticator
 */
import { authenticator } from 'otplib';
import type { Queryable } from '../db/database';
import { isSealed, seal, SEALED_PREFIX, unseal } from './secret-box';

/** Issuer shown in authenticator apps. */
export const TOTP_ISSUER = 'Tổng đài 1022';

const STEP_SECONDS = 30;

/** The time step `code` is valid for (one step of clock drift either way), or null when it is not valid now. */
function totpStep(secret: string, code: string, now = Date.now()): number | null {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  try {
    const delta = authenticator.clone({ window: 1, epoch: now }).checkDelta(token, secret);
    return delta === null ? null : Math.floor(now / 1000 / STEP_SECONDS) + delta;
  } catch {
    return null;
  }
}

/** The user's active TOTP secret (decrypted), or null when two-factor login is off. */
export async function activeTotpSecret(q: Queryable, key: Buffer, userId: string): Promise<string | null> {
  const r = await q.query<{ totp_secret: string | null }>('SELECT totp_secret FROM users WHERE id = $1', [userId]);
  const stored = r.rows[0]?.totp_secret;
  return stored ? unseal(key, stored) : null;
}

/**
 * Checks a code against the user's active secret and consumes its time step: true once per step,
 * false for a wrong code or a replay (also when two requests race with the same code).
 */
export async function useTotp(q: Queryable, key: Buffer, userId: string, code: string): Promise<boolean> {
  const secret = await activeTotpSecret(q, key, userId);
  const step = secret ? totpStep(secret, code) : null;
  if (step === null) return false;
  const r = await q.query(
    'UPDATE users SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING id',
    [userId, step],
  );
  return r.rowCount > 0;
}

/** Starts a setup: stores a new pending secret; returns it and the otpauth:// URL for a QR code. */
export async function startTotpSetup(
  q: Queryable,
  key: Buffer,
  userId: string,
  username: string,
): Promise<{ secret: string; otpauthUrl: string }> {
  const secret = authenticator.generateSecret();
  await q.query('UPDATE users SET totp_pending = $2, updated_at = now() WHERE id = $1', [userId, seal(key, secret)]);
  return { secret, otpauthUrl: authenticator.keyuri(username, TOTP_ISSUER, secret) };
}

/** Activates the pending secret when `code` matches it; false otherwise. The code's step counts as used. */
export async function enableTotp(q: Queryable, key: Buffer, userId: string, code: string): Promise<boolean> {
  const r = await q.query<{ totp_pending: string | null }>('SELECT totp_pending FROM users WHERE id = $1', [userId]);
  const pending = r.rows[0]?.totp_pending;
  const step = pending ? totpStep(unseal(key, pending), code) : null;
  if (step === null) return false;
  await q.query('UPDATE users SET totp_secret = totp_pending, totp_pending = NULL, totp_last_step = $2, updated_at = now() WHERE id = $1', [
    userId,
    step,
  ]);
  return true;
}

/** Turns two-factor login off when `code` matches the active secret (and was not used before); false otherwise. */
export async function disableTotp(q: Queryable, key: Buffer, userId: string, code: string): Promise<boolean> {
  if (!(await useTotp(q, key, userId, code))) return false;
  await q.query('UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = NULL, updated_at = now() WHERE id = $1', [
    userId,
  ]);
  return true;
}

/** Encrypts secrets stored before encryption at rest (run at start); returns how many users had some. */
export async function sealStoredTotpSecrets(q: Queryable, key: Buffer): Promise<number> {
  const r = await q.query<{ id: string; totp_secret: string | null; totp_pending: string | null }>(
    `SELECT id, totp_secret, totp_pending FROM users WHERE totp_secret NOT LIKE $1 OR totp_pending NOT LIKE $1`,
    [`${SEALED_PREFIX}%`],
  );
  const sealed = (v: string | null) => (v !== null && !isSealed(v) ? seal(key, v) : v);
  for (const row of r.rows) {
    await q.query('UPDATE users SET totp_secret = $2, totp_pending = $3 WHERE id = $1', [
      row.id,
      sealed(row.totp_secret),
      sealed(row.totp_pending),
    ]);
  }
  return r.rows.length;
}
