/**
 * Live-chat credentials: signed anonymous session tokens and Chatwoot-style identity
 * verification
 * (https://github.com/chatwoot/chatwoot/blob/develop/app/controllers/api/v1/widget/contacts_controller.rb).
 *
 * A session token is `v1.<visitorId>.<issuedAt base36>.<base64url HMAC-SHA256>`: compact,
 * stateless, and only the server can mint one, so a visitor id cannot be guessed into.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { hmacSha256Hex, safeEqual } from '../../src/channels/kit';

/** Anonymous visitor ids: `v_` and a random UUID. */
const VISITOR_ID = /^v_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Host-site user ids we accept (they become part of `u_<userId>`, a room name and a database key). */
const USER_ID = /^[A-Za-z0-9_.@+-]{1,128}$/;
/** Clock skew tolerated for `issuedAt` in the future. */
const MAX_SKEW_MS = 5 * 60_000;

/** How long an anonymous session token is accepted (default: 180 days, as Chatwoot's widget token). */
export const DEFAULT_SESSION_MAX_AGE_MS = 180 * 24 * 3600_000;

/** True for ids this channel issues: anonymous `v_<uuid>` and verified `u_<userId>`. */
export function isVisitorId(id: string): boolean {
  return VISITOR_ID.test(id) || (id.startsWith('u_') && USER_ID.test(id.slice(2)));
}

/** A new random anonymous visitor id. */
export function newVisitorId(): string {
  return `v_${randomUUID()}`;
}

function sign(secret: string, visitorId: string, issuedAt36: string): string {
  return createHmac('sha256', secret).update(`v1.${visitorId}.${issuedAt36}`).digest('base64url');
}

/** Mints a session token for an anonymous visitor. */
export function issueSessionToken(secret: string, visitorId: string, now = Date.now()): string {
  const iat = now.toString(36);
  return `v1.${visitorId}.${iat}.${sign(secret, visitorId, iat)}`;
}

/** Returns the visitor id of a valid, unexpired token; null when missing, malformed, forged or expired. */
export function verifySessionToken(secret: string, token: unknown, now = Date.now(), maxAgeMs = DEFAULT_SESSION_MAX_AGE_MS): string | null {
  if (typeof token !== 'string' || token.length > 200) return null;
  const parts = token.split('.');
  if (parts.length !== 4 || parts[0] !== 'v1') return null;
  const [, visitorId, iat36, sig] = parts;
  if (!VISITOR_ID.test(visitorId) || !/^[0-9a-z]{1,12}$/.test(iat36)) return null;
  if (!safeEqual(sig, sign(secret, visitorId, iat36))) return null;
  const issuedAt = parseInt(iat36, 36);
  if (issuedAt > now + MAX_SKEW_MS || now - issuedAt > maxAgeMs) return null;
  return visitorId;
}

/** The hash a host site's backend must compute for `userId` (hex HMAC-SHA256 with the identity secret). */
export function identityHash(identitySecret: string, userId: string): string {
  return hmacSha256Hex(identitySecret, userId);
}

/** Result of checking a handshake identity. */
export type IdentityCheck =
  { ok: true; visitorId: string; name?: string } | { ok: false; code: 'identity_invalid' | 'identity_unavailable' };

/** Checks `{ userId, hash, name? }` from the handshake, timing-safe. */
export function verifyIdentity(identitySecret: string | undefined, identity: unknown): IdentityCheck {
  if (!identitySecret) return { ok: false, code: 'identity_unavailable' };
  const o = identity as { userId?: unknown; hash?: unknown; name?: unknown } | null;
  if (!o || typeof o !== 'object') return { ok: false, code: 'identity_invalid' };
  const userId = typeof o.userId === 'number' ? String(o.userId) : o.userId;
  if (typeof userId !== 'string' || !USER_ID.test(userId) || typeof o.hash !== 'string') {
    return { ok: false, code: 'identity_invalid' };
  }
  if (!safeEqual(o.hash.toLowerCase(), identityHash(identitySecret, userId))) return { ok: false, code: 'identity_invalid' };
  const name = typeof o.name === 'string' ? o.name.trim().slice(0, 100) : '';
  return { ok: true, visitorId: `u_${userId}`, name: name || undefined };
}
