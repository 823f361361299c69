/** Zalo and Messenger webhooks as the providers send them (signed, Meta's escaped JSON), for pipeline tests. */
import { createHash, createHmac } from 'node:crypto';
import request from 'supertest';
import type { ZaloConfig } from '../../adapters/zalo';
import type { Gateway } from '../../src/gateway';

/** Credentials of a Zalo OA under test: what signs its webhooks. */
export type ZaloSecrets = Pick<ZaloConfig, 'appId' | 'oaSecretKey'>;

/** POSTs a Zalo event to `/webhooks/zalo`, signed `mac=SHA-256(app id + body + timestamp + OA secret key)`. */
export function postZalo(app: Gateway['app'], secrets: ZaloSecrets, event: Record<string, unknown>): request.Test {
  const raw = JSON.stringify(event);
  const mac = createHash('sha256').update(`${secrets.appId}${raw}${event.timestamp}${secrets.oaSecretKey}`).digest('hex');
  return request(app).post('/webhooks/zalo').set('content-type', 'application/json').set('x-zevent-signature', `mac=${mac}`).send(raw);
}

/** A Zalo `user_send_text` event from `userId` to the OA `oaId`. */
export function zaloTextEvent(appId: string, userId: string, oaId: string, msgId: string, text: string): Record<string, unknown> {
  return {
    app_id: appId,
    user_id_by_app: '5520418379212836472',
    event_name: 'user_send_text',
    timestamp: String(Date.now()),
    sender: { id: userId },
    recipient: { id: oaId },
    message: { msg_id: msgId, text },
  };
}

/** POSTs raw Messenger JSON to `/webhooks/facebook` with its `X-Hub-Signature-256`. */
export function postFacebook(app: Gateway['app'], appSecret: string, raw: string): request.Test {
  const signature = `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`;
  return request(app).post('/webhooks/facebook').set('content-type', 'application/json').set('x-hub-signature-256', signature).send(raw);
}

/** JSON as Meta writes it: non-ASCII escaped as \uXXXX (the signature covers these exact bytes). */
export function metaJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A Messenger text message from `psid` to the Page, as Meta's JSON. */
export function facebookTextMessage(pageId: string, psid: string, mid: string, text: string): string {
  return metaJson({
    object: 'page',
    entry: [
      {
        id: pageId,
        time: Date.now(),
        messaging: [{ sender: { id: psid }, recipient: { id: pageId }, timestamp: Date.now(), message: { mid, text } }],
      },
    ],
  });
}
