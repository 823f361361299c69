/** Shared test support for the Zalo adapter: fixtures, signing, constants. */
import { createHash } from 'node:crypto';
import type { ZaloConfig } from '../../../adapters/zalo';
import type { WebhookRequest } from '../../../src/channels/kit/contract';
import { fixtureReader, jsonWebhook } from '../fixtures';

/** Ids and secrets used across the Zalo fixtures and fakes (all ids are 19-digit strings). */
export const APP_ID = '1839120465573816298';
export const OA_ID = '2974318543902785381';
export const USER_ID = '8420553117316492130';
export const OA_SECRET_KEY = 'Xq3LbV9tZ2mN8pR4sW6y';
export const APP_SECRET = 'appSecret-7Hk2Jd9Lq';

/** The test OA app's adapter configuration, with its first token pair (at-0, rt-0) and Zalo's own addresses. */
export const ZALO_CONFIG: ZaloConfig = {
  appId: APP_ID,
  appSecret: APP_SECRET,
  oaSecretKey: OA_SECRET_KEY,
  accessToken: 'at-0',
  refreshToken: 'rt-0',
};

/** Raw bytes of a fixture under test/fixtures/zalo/. */
export const fixture = fixtureReader('zalo', '.json');

/** `mac=` signature as Zalo computes it: SHA-256(app_id + body + timestamp + OA secret key). */
export function zaloMac(raw: Buffer, appId: string, timestamp: string, secret = OA_SECRET_KEY): string {
  return (
    'mac=' +
    createHash('sha256')
      .update(Buffer.concat([Buffer.from(appId), raw, Buffer.from(timestamp), Buffer.from(secret)]))
      .digest('hex')
  );
}

/** A webhook request for a fixture, signed correctly (app_id and timestamp taken from the JSON). */
export function signedRequest(raw: Buffer, signature?: string): WebhookRequest {
  const body = JSON.parse(raw.toString('utf8')) as { app_id: string; timestamp: string };
  return jsonWebhook(raw, { 'x-zevent-signature': signature ?? zaloMac(raw, String(body.app_id), String(body.timestamp)) });
}
