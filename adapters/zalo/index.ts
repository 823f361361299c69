/**
 * Zalo Official Account channel: webhook verification, parsing, customer-service replies,
 * token refresh and profiles. The only public surface of `adapters/zalo/`.
 */
import {
  ChannelApiError,
  type AdapterRuntime,
  type ChannelAdapter,
  type ChannelCapabilities,
  type ConnectionCheck,
  type ContactHints,
  type WebhookHandler,
  webhookHandler,
} from '../../src/channels/kit';
import { ZaloClient } from './client';
import { parseZaloWebhook, readZaloEvent, zaloCitizenId, zaloEventKey, zaloProblemOf } from './parse';
import { sendZaloMessage } from './send';
import { ZaloTokenManager } from './tokens';
import type { ZaloConfig } from './types';
import { verifyZaloSignature } from './verify';

/** Configuration of `createZaloAdapter`. */
export type { ZaloConfig } from './types';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Max CS text length: 2000 is commonly cited but UNVERIFIED (docs/channels.md, Zalo). */
const MAX_TEXT_LENGTH = 2000;
const PROFILE_CACHE_MAX = 5000;

/** Creates the Zalo OA adapter. */
export function createZaloAdapter(cfg: ZaloConfig): ChannelAdapter {
  const client = new ZaloClient({
    appId: cfg.appId,
    appSecret: cfg.appSecret,
    apiBase: cfg.apiBase ?? 'https://openapi.zalo.me',
    oauthBase: cfg.oauthBase ?? 'https://oauth.zaloapp.com',
    timeoutMs: cfg.timeoutMs,
  });
  const tokens = new ZaloTokenManager(client, { accessToken: cfg.accessToken, refreshToken: cfg.refreshToken });
  const parseOpts = { oaId: cfg.oaId };
  const profileTtlMs = cfg.profileTtlMs ?? 6 * 60 * 60 * 1000;
  const profiles = new Map<string, { value: ContactHints | null; at: number }>();
  let runtime: AdapterRuntime | null = null;

  const capabilities: ChannelCapabilities = {
    maxTextLength: MAX_TEXT_LENGTH,
    // No quick replies in documented CS messages: the core writes options into the text.
    quickReplies: null,
    attachments: true,
    // Sources conflict (7 days vs a 48 h free quota): configurable, Zalo has the last word (-230).
    replyWindowMs: cfg.replyWindowMs ?? 7 * DAY_MS,
    longForm: false,
  };

  const webhook: WebhookHandler = webhookHandler({
    verify: (req) => verifyZaloSignature(req.rawBody, req.headers['x-zevent-signature'], cfg.oaSecretKey),
    check: zaloProblemOf,
    dedupeKey: (body) => {
      const ev = readZaloEvent(body);
      return ev ? zaloEventKey(ev, parseOpts) : null;
    },
    orderingKey: (body) => {
      const ev = readZaloEvent(body);
      return (ev && zaloCitizenId(ev, parseOpts)) || 'zalo:unknown';
    },
  });

  return {
    channel: 'zalo',
    capabilities,
    webhook,

    parse: (body) => parseZaloWebhook(body, parseOpts),

    send: (message) =>
      sendZaloMessage(
        {
          client,
          tokens,
          maxTextLength: MAX_TEXT_LENGTH,
          readAttachment: runtime ? (id) => runtime!.readAttachment(id) : undefined,
        },
        message,
      ),

    async profile(externalUserId) {
      const cached = profiles.get(externalUserId);
      if (cached && Date.now() - cached.at < profileTtlMs) return cached.value;
      let value: ContactHints | null;
      try {
        const detail = await tokens.withToken((t) => client.getUserDetail(t, externalUserId));
        const name = detail.display_name || detail.user_alias;
        value = name ? { displayName: name } : null;
      } catch (err) {
        // Transient failures are the caller's to retry; a refusal (not a follower, …) means "no profile".
        if (err instanceof ChannelApiError && err.retryable) throw err;
        value = null;
      }
      if (profiles.size >= PROFILE_CACHE_MAX) profiles.delete(profiles.keys().next().value!);
      profiles.set(externalUserId, { value, at: Date.now() });
      return value;
    },

    async testConnection(): Promise<ConnectionCheck> {
      try {
        const oa = await tokens.withToken((t) => client.getOaInfo(t));
        return { ok: true, detail: `Zalo OA ${oa.name ?? '?'} (${oa.oa_id ?? oa.oaid ?? '?'})` };
      } catch (err) {
        return { ok: false, detail: err instanceof Error ? err.message : String(err) };
      }
    },

    async start(rt) {
      runtime = rt;
      await tokens.attach(rt.state, rt.log);
    },

    async stop() {
      runtime = null;
    },
  };
}
