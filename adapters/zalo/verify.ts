/**
 * Zalo OA webhook signature.
 * Docs: https://developers.zalo.me/docs/official-account/webhook/tong-quan (JS-rendered; the
 * formula below is reconstructed from Zalo's Java SDK `MacUtils` and production integrations,
 * see the Zalo section of docs/channels.md).
 *
 * `X-ZEvent-Signature: mac=<hex>` where hex = SHA-256(app_id + raw body + timestamp + OA secret key):
 * a plain hash of the concatenation, not an HMAC, with `app_id` and `timestamp` read from the
 * JSON body itself. The raw bytes are hashed as received; re-serializing the JSON would not match.
 */
import { safeEqual, sha256Hex, parseJsonKeepingBigInts } from '../../src/channels/kit';

/** Expected `mac` for a raw webhook body, or null when the body has no `app_id`/`timestamp`. */
export function expectedMac(rawBody: Buffer, oaSecretKey: string): string | null {
  let body: unknown;
  try {
    body = parseJsonKeepingBigInts(rawBody.toString('utf8'));
  } catch {
    return null;
  }
  if (!body || typeof body !== 'object') return null;
  const { app_id: appId, timestamp } = body as Record<string, unknown>;
  if (!isScalar(appId) || !isScalar(timestamp)) return null;
  const data = Buffer.concat([
    Buffer.from(String(appId), 'utf8'),
    rawBody,
    Buffer.from(String(timestamp), 'utf8'),
    Buffer.from(oaSecretKey, 'utf8'),
  ]);
  return sha256Hex(data);
}

/** True when `signatureHeader` (`mac=<hex>`, prefix optional, any case) matches the raw body; constant time. */
export function verifyZaloSignature(rawBody: Buffer, signatureHeader: string | undefined, oaSecretKey: string): boolean {
  if (!signatureHeader || !oaSecretKey) return false;
  const expected = expectedMac(rawBody, oaSecretKey);
  if (!expected) return false;
  const given = signatureHeader.trim().replace(/^mac=/i, '').toLowerCase();
  return safeEqual(given, expected.toLowerCase());
}

function isScalar(v: unknown): v is string | number {
  return (typeof v === 'string' && v.length > 0) || (typeof v === 'number' && Number.isFinite(v));
}
