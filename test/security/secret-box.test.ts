/** Encryption at rest of TOTP seeds (src/auth/secret-box.ts): where the key comes from, and what a wrong key or an edited value does. */
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isSealed, loadSecretsKey, parseSecretsKey, seal, unseal } from '../../src/auth/secret-box';
import { tempDirs } from '../support/temp-dirs';

const tempDir = tempDirs('cong1022-secrets-');

test('SECRETS_KEY from the environment wins; otherwise a key is created once under the data folder, private, and reused', () => {
  const dir = tempDir();
  const hex = randomBytes(32).toString('hex');
  expect(loadSecretsKey(hex, dir)).toEqual({ key: Buffer.from(hex, 'hex'), source: 'environment' });
  const b64 = randomBytes(32).toString('base64');
  expect(loadSecretsKey(b64, dir).key.equals(Buffer.from(b64, 'base64'))).toBe(true);
  for (const bad of ['abc', randomBytes(16).toString('hex'), randomBytes(31).toString('base64')])
    expect(() => loadSecretsKey(bad, dir)).toThrow(/SECRETS_KEY must be 32 bytes/);

  const created = loadSecretsKey(undefined, dir);
  expect(created.source).toBe('created');
  const file = join(dir, 'secrets.key');
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(parseSecretsKey(readFileSync(file, 'utf8'))?.equals(created.key)).toBe(true);
  const again = loadSecretsKey(undefined, dir);
  expect(again.source).toBe('file');
  expect(again.key.equals(created.key)).toBe(true);
});

test('a sealed seed opens only with its key, and an edited one is refused', () => {
  const key = randomBytes(32);
  const sealed = seal(key, 'JBSWY3DPEHPK3PXP');
  expect(isSealed(sealed)).toBe(true);
  expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
  expect(seal(key, 'JBSWY3DPEHPK3PXP')).not.toBe(sealed); // a fresh IV each time
  expect(unseal(key, sealed)).toBe('JBSWY3DPEHPK3PXP');
  expect(() => unseal(randomBytes(32), sealed)).toThrow();
  const [prefix, iv, tag, body] = sealed.split(':');
  const flipped = Buffer.from(body, 'base64url');
  flipped[0] ^= 1;
  expect(() => unseal(key, [prefix, iv, tag, flipped.toString('base64url')].join(':'))).toThrow();
  // A seed stored before encryption at rest is read as it is (and sealed at the next start).
  expect(unseal(key, 'JBSWY3DPEHPK3PXP')).toBe('JBSWY3DPEHPK3PXP');
});
