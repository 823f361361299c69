/**
 * Messenger webhook handshake and payload signature.
 * Docs: https://developers.facebook.com/docs/messenger-platform/webhooks
 * ("Verification Requests" and "Validating Payloads").
 *
 * The signature is HMAC-SHA256 of the raw body with the app secret. Meta signs the payload as
 * sent, with non-ASCII characters escaped (`\u1ea1`): Vietnamese text makes any re-serialized
 * JSON differ, so only the received bytes may be hashed.
 */
import { hmacSha256Hex, safeEqual, type WebhookRequest } from '../../src/channels/kit';

/** True when `X-Hub-Signature-256: sha256=<hex>` matches the raw body; constant time. */
export function verifyFacebookSignature(rawBody: Buffer, header: string | undefined, appSecret: string): boolean {
  if (!header || !appSecret) return false;
  const match = /^sha256=([0-9a-f]+)$/i.exec(header.trim());
  if (!match) return false;
  return safeEqual(match[1]!.toLowerCase(), hmacSha256Hex(appSecret, rawBody));
}

/**
 * The GET subscription handshake: 200 with `hub.challenge` when mode is `subscribe` and the
 * token matches, 403 otherwise; null when the request carries no `hub.*` parameter at all.
 */
export function facebookHandshake(req: WebhookRequest, verifyToken: string): { status: number; body: string } | null {
  if (req.method.toUpperCase() !== 'GET') return null;
  const mode = req.query['hub.mode'];
  const token = req.query['hub.verify_token'];
  const challenge = req.query['hub.challenge'];
  if (mode === undefined && token === undefined && challenge === undefined) return null;
  if (mode === 'subscribe' && token !== undefined && verifyToken && safeEqual(token, verifyToken)) {
    return { status: 200, body: challenge ?? '' };
  }
  return { status: 403, body: 'Forbidden' };
}
