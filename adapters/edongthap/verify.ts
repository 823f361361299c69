/**
 * Signature of the citizen-app channel: `X-Signature: sha256=<hex HMAC-SHA256(raw body, EDONGTHAP_SECRET)>`,
 * in both directions. See docs/contract.md (citizen-app channel).
 */
import { hmacSha256Hex, safeEqual } from '../../src/channels/kit';

/** The header value for `body`. */
export function signBody(secret: string, body: Buffer | string): string {
  return `sha256=${hmacSha256Hex(secret, body)}`;
}

/** True when `header` is the signature of `rawBody` (timing-safe, hex case-insensitive). */
export function verifySignature(secret: string, rawBody: Buffer, header: string | undefined): boolean {
  if (!header) return false;
  return safeEqual(header.trim().toLowerCase(), signBody(secret, rawBody));
}
