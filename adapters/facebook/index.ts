/**
 * Facebook Messenger (Page) channel: handshake, signature, parsing, Send API replies with the
 * 24 h / HUMAN_AGENT rules, typing indicator and profiles. The only public surface of
 * `adapters/facebook/`.
 */
import {
  ChannelApiError,
  type AdapterRuntime,
  type ChannelAdapter,
  type ChannelCapabilities,
  type ConnectionCheck,
  type WebhookHandler,
  webhookHandler,
} from '../../src/channels/kit';
import { GraphClient } from './client';
import { facebookOrderingKey, facebookProblemOf, parseFacebookWebhook, readFacebookBody } from './parse';
import {
  HUMAN_AGENT_WINDOW_MS,
  MAX_QUICK_REPLIES,
  MAX_QUICK_REPLY_TITLE,
  MAX_TEXT_LENGTH,
  RESPONSE_WINDOW_MS,
  sendFacebookMessage,
} from './send';
import type { FacebookConfig } from './types';
import { facebookHandshake, verifyFacebookSignature } from './verify';

/** Configuration of `createFacebookAdapter`. */
export type { FacebookConfig } from './types';

/** Creates the Messenger adapter. */
export function createFacebookAdapter(cfg: FacebookConfig): ChannelAdapter {
  const client = new GraphClient({
    pageAccessToken: cfg.pageAccessToken,
    graphBase: cfg.graphBase ?? 'https://graph.facebook.com',
    graphVersion: cfg.graphVersion ?? 'v21.0',
    timeoutMs: cfg.timeoutMs,
  });
  const parseOpts = { appId: cfg.appId };
  let runtime: AdapterRuntime | null = null;

  const capabilities: ChannelCapabilities = {
    maxTextLength: MAX_TEXT_LENGTH,
    quickReplies: { max: MAX_QUICK_REPLIES, maxTitleLength: MAX_QUICK_REPLY_TITLE },
    attachments: true,
    replyWindowMs: RESPONSE_WINDOW_MS,
    // HUMAN_AGENT tag: humans only, up to 7 days (needs the permission from App Review).
    operatorReplyWindowMs: HUMAN_AGENT_WINDOW_MS,
    longForm: false,
  };

  const webhook: WebhookHandler = webhookHandler({
    handshake: (req) => facebookHandshake(req, cfg.verifyToken),
    verify: (req) => verifyFacebookSignature(req.rawBody, req.headers['x-hub-signature-256'], cfg.appSecret),
    check: facebookProblemOf,
    // One POST may batch many events: the core hashes the body, messages are deduped by mid later.
    dedupeKey: () => null,
    orderingKey: (body) => {
      const parsed = readFacebookBody(body);
      return (parsed && facebookOrderingKey(parsed)) || 'facebook:unknown';
    },
  });

  return {
    channel: 'facebook',
    capabilities,
    webhook,

    parse: (body) => parseFacebookWebhook(body, parseOpts),

    send: (message) =>
      sendFacebookMessage(
        {
          client,
          readAttachment: runtime ? (id) => runtime!.readAttachment(id) : undefined,
          warn: (obj, msg) => runtime?.log.warn(obj, msg),
        },
        message,
      ),

    async typing(externalUserId, on) {
      try {
        await client.sendMessage({ recipient: { id: externalUserId }, sender_action: on ? 'typing_on' : 'typing_off' });
      } catch {
        // Cosmetic: a failed typing indicator (closed window, rate limit) must not disturb the reply.
      }
    },

    async profile(externalUserId) {
      try {
        const p = await client.getUserProfile(externalUserId);
        const name = p.name || [p.last_name, p.first_name].filter(Boolean).join(' ');
        return name ? { displayName: name } : null;
      } catch (err) {
        // Profile access needs a permission the Page may not have: that is "no profile", not a failure.
        if (err instanceof ChannelApiError && err.retryable) throw err;
        return null;
      }
    },

    async testConnection(): Promise<ConnectionCheck> {
      try {
        const me = await client.getMe();
        return { ok: true, detail: `Facebook Page ${me.name ?? '?'} (${me.id ?? '?'})` };
      } catch (err) {
        return { ok: false, detail: err instanceof Error ? err.message : String(err) };
      }
    },

    async start(rt) {
      runtime = rt;
    },

    async stop() {
      runtime = null;
    },
  };
}
