/** Shared test support for the Messenger adapter: fixtures, signing, constants. */
import { createHmac } from 'node:crypto';
import type { FacebookConfig } from '../../../adapters/facebook';
import type { WebhookRequest } from '../../../src/channels/kit/contract';
import { fixtureReader, jsonWebhook } from '../fixtures';

/** Credentials and ids used across the Messenger fixtures and fakes. */
export const APP_SECRET = 'fb-app-secret-3c9d0e1f';
export const VERIFY_TOKEN = 'cong1022-verify-Zy81';
export const PAGE_TOKEN = 'EAAGm0PX4ZCpsBAKfakePageToken';
export const APP_ID = '1517776481860111';
export const PAGE_ID = '104857623518279';
export const PSID = '7348526109934187';
export const PSID2 = '25791364580127743';
export const VERSION = 'v21.0';

/** The Page's credentials as the adapter takes them (no app id, Graph's own address and default version). */
export const FB_CREDENTIALS: FacebookConfig = { appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, pageAccessToken: PAGE_TOKEN };

/** Raw bytes of a fixture under test/fixtures/facebook/. */
export const fixture = fixtureReader('facebook', '.json');

/** `sha256=` + HMAC-SHA256 of the raw bytes with the app secret. */
export function hubSignature(raw: Buffer, secret = APP_SECRET): string {
  return 'sha256=' + createHmac('sha256', secret).update(raw).digest('hex');
}

/** A POST webhook request for a fixture, signed correctly unless a signature is given. */
export function signedRequest(raw: Buffer, signature?: string): WebhookRequest {
  return jsonWebhook(raw, { 'x-hub-signature-256': signature ?? hubSignature(raw) });
}
