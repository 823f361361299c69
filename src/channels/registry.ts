/**
 * The only place that imports the adapters: builds the enabled channels from configuration.
 * A channel whose credentials are absent is disabled (its webhook answers 404).
 */
import { createEdongthapAdapter } from '../../adapters/edongthap';
import { createEmailAdapter } from '../../adapters/email';
import { createFacebookAdapter } from '../../adapters/facebook';
import { createLivechatAdapter } from '../../adapters/livechat';
import { createZaloAdapter } from '../../adapters/zalo';
import type { Config } from '../config';
import type { ChannelAdapter, ChannelName } from './kit/contract';
import { missingSettings } from './requirements';

/** The enabled adapters by channel name. */
export type ChannelRegistry = Map<ChannelName, ChannelAdapter>;

/** Builds the enabled adapters; `extra` adds or replaces adapters (tests, embedders). */
export function createChannelRegistry(config: Config, extra: ChannelAdapter[] = []): { registry: ChannelRegistry; disabled: string[] } {
  const registry: ChannelRegistry = new Map();
  const disabled: string[] = [];
  const enable = (name: ChannelName, make: () => ChannelAdapter) => {
    if (missingSettings(config, name).length === 0) registry.set(name, make());
    else disabled.push(name);
  };
  enable('edongthap', () => createEdongthapAdapter({ secret: config.EDONGTHAP_SECRET!, callbackUrl: config.EDONGTHAP_CALLBACK_URL! }));
  enable('zalo', () =>
    createZaloAdapter({
      appId: config.ZALO_APP_ID!,
      appSecret: config.ZALO_APP_SECRET!,
      oaSecretKey: config.ZALO_OA_SECRET_KEY!,
      accessToken: config.ZALO_ACCESS_TOKEN!,
      refreshToken: config.ZALO_REFRESH_TOKEN!,
      apiBase: config.ZALO_API_BASE,
      oauthBase: config.ZALO_OAUTH_BASE,
      replyWindowMs: config.ZALO_REPLY_WINDOW_HOURS * 3_600_000,
      oaId: config.ZALO_OA_ID,
    }),
  );
  enable('facebook', () =>
    createFacebookAdapter({
      appSecret: config.FB_APP_SECRET!,
      verifyToken: config.FB_VERIFY_TOKEN!,
      pageAccessToken: config.FB_PAGE_ACCESS_TOKEN!,
      graphBase: config.FB_GRAPH_BASE,
      graphVersion: config.FB_GRAPH_VERSION,
      appId: config.FB_APP_ID,
    }),
  );
  enable('email', () =>
    createEmailAdapter({
      imap: {
        host: config.IMAP_HOST!,
        port: config.IMAP_PORT,
        secure: config.IMAP_SECURE,
        user: config.IMAP_USER!,
        password: config.IMAP_PASSWORD!,
        mailbox: config.IMAP_MAILBOX,
        pollIntervalMs: config.IMAP_POLL_SECONDS * 1000,
      },
      smtp: {
        host: config.SMTP_HOST!,
        port: config.SMTP_PORT,
        secure: config.SMTP_SECURE,
        user: config.SMTP_USER,
        password: config.SMTP_PASSWORD,
      },
      // loadConfig made sure one of them is an address.
      from: config.MAIL_FROM ?? config.IMAP_USER!,
      receiptLimitPerHour: config.MAIL_RECEIPTS_PER_HOUR,
      maxAttachmentBytes: config.ATTACHMENT_MAX_BYTES,
    }),
  );
  // No credentials needed; without SESSION_SECRET the adapter generates one and keeps it in the database.
  enable('livechat', () =>
    createLivechatAdapter({
      sessionSecret: config.SESSION_SECRET,
      identitySecret: config.LIVECHAT_IDENTITY_SECRET,
      publicBaseUrl: config.PUBLIC_BASE_URL ?? `http://localhost:${config.PORT}`,
      maxAttachmentBytes: Math.round(config.LIVECHAT_MAX_FILE_MB * 1024 * 1024),
      perAddress: {
        connectionsPerMinute: config.LIVECHAT_CONNECTIONS_PER_MINUTE,
        newVisitorsPerHour: config.LIVECHAT_CONVERSATIONS_PER_HOUR,
        framesPerMinute: config.LIVECHAT_MESSAGES_PER_MINUTE,
      },
    }),
  );
  for (const a of extra) registry.set(a.channel, a);
  return { registry, disabled: disabled.filter((d) => !registry.has(d as ChannelName)) };
}
