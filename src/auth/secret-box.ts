/**
 * Encryption at rest for small secrets (TOTP seeds): AES-256-GCM with a key from the environment
 * (`SECRETS_KEY`, 32 bytes as 64 hex digits or base64). Without it, a random key is generated once
 * and kept in `<DATA_DIR>/secrets.key` (mode 0600) — enough for one node in development; every node
 * of a cluster needs the same key, so production sets the variable. The key stays out of the
 * database, so a dump or backup alone does not reveal the seeds.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** How every encrypted value starts. */
export const SEALED_PREFIX = 'enc1:';

/** Parses a 32-byte key written as 64 hex digits or base64; null when it is neither. */
export function parseSecretsKey(text: string): Buffer | null {
  const t = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : Buffer.from(t, 'base64');
  return key.length === 32 ? key : null;
}

/** The key from `SECRETS_KEY`, or the one kept under the data folder (created when missing). */
export function loadSecretsKey(
  configured: string | undefined,
  dataDir: string,
): { key: Buffer; source: 'environment' | 'file' | 'created' } {
  if (configured) {
    const key = parseSecretsKey(configured);
    if (!key) throw new Error('SECRETS_KEY must be 32 bytes: 64 hex digits or base64');
    return { key, source: 'environment' };
  }
  const file = join(resolve(dataDir), 'secrets.key');
  if (existsSync(file)) {
    const key = parseSecretsKey(readFileSync(file, 'utf8'));
    if (!key) throw new Error(`${file} does not hold a 32-byte key`);
    return { key, source: 'file' };
  }
  const key = randomBytes(32);
  mkdirSync(resolve(dataDir), { recursive: true });
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
  return { key, source: 'created' };
}

/** Whether a stored value is already encrypted. */
export const isSealed = (stored: string) => stored.startsWith(SEALED_PREFIX);

/** Encrypts `plain`: `enc1:<iv>:<tag>:<ciphertext>` (base64url). */
export function seal(key: Buffer, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return [SEALED_PREFIX.slice(0, -1), iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join(
    ':',
  );
}

/** Decrypts a sealed value (a value stored before encryption is returned as is); throws when the key does not match. */
export function unseal(key: Buffer, stored: string): string {
  if (!isSealed(stored)) return stored;
  const [, iv, tag, body] = stored.split(':');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}
