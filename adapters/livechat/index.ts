/** The web live-chat channel: our own embeddable widget over socket.io (protocol: ./protocol.ts). */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { ChannelApiError, SOCKET_MAX_FRAME_BYTES, type ChannelAdapter, type LiveNotice } from '../../src/channels/kit';
import { parseFrame } from './parse';
import { outboundToWire } from './send';
import { LivechatServer, type PerAddressLimits } from './server';
import { DEFAULT_ALLOWED_MIME_TYPES, MAX_ATTACHMENTS_PER_MESSAGE } from './validate';
import { DEFAULT_SESSION_MAX_AGE_MS, isVisitorId } from './verify';

export { identityHash } from './verify';

/** Configuration of the live-chat channel. */
export interface LivechatConfig {
  /** Signs anonymous session tokens (SESSION_SECRET). Unset: one is generated once and kept in the adapter's state, so sessions survive restarts. */
  sessionSecret?: string;
  /** Shared with host sites for verified identities (`hash = HMAC-SHA256(identitySecret, userId)`); unset = anonymous only. */
  identitySecret?: string;
  /** How browsers reach the gateway; relative attachment URLs are resolved against it. */
  publicBaseUrl: string;
  /** Largest accepted upload (default: 5 MB; at most what fits in one socket.io frame, about 6 MB). */
  maxAttachmentBytes?: number;
  /** Accepted upload types (default: JPEG, PNG, GIF, WEBP images and PDF). */
  allowedMimeTypes?: string[];
  /** How long an anonymous session token stays valid; renewed on every connection (default: 180 days). */
  sessionMaxAgeMs?: number;
  /** Limits per client address on this node (defaults: 30 connections a minute, 20 new visitors an hour, 60 frames a minute). */
  perAddress?: Partial<PerAddressLimits>;
}

const MAX_TEXT = 4000;
const DEFAULT_PER_ADDRESS: PerAddressLimits = { connectionsPerMinute: 30, newVisitorsPerHour: 20, framesPerMinute: 60 };
/** State key of the generated session secret. */
const SECRET_KEY = 'session-secret';
/** Largest file that fits one frame: base64 is 4/3 of the bytes, plus room for the text and JSON. */
export const MAX_UPLOAD_BYTES = Math.floor(((SOCKET_MAX_FRAME_BYTES - 256 * 1024) * 3) / 4);

/** Creates the live-chat adapter; `start` mounts namespace `/livechat` on the gateway's socket.io server. */
export function createLivechatAdapter(cfg: LivechatConfig): ChannelAdapter {
  const publicBaseUrl = cfg.publicBaseUrl;
  let server: LivechatServer | null = null;

  const push = (visitorId: string, notice: LiveNotice): void => {
    if (!server) return;
    if (notice.type === 'typing') {
      server.emitToVisitor(visitorId, 'typing', { on: notice.on, ...(notice.authorName ? { authorName: notice.authorName } : {}) });
    } else if (notice.type === 'status') {
      server.emitToVisitor(visitorId, 'status', { messageId: notice.messageId, status: notice.status });
    } else if (notice.type === 'seen') {
      // Every node relays `seen` from the bus: each one reaches only its own tabs.
      server.emitToVisitorHere(visitorId, 'seen', { messageId: notice.messageId, seenAt: notice.seenAt });
    } else {
      server.emitToVisitor(visitorId, 'operator', { name: notice.name });
    }
  };

  return {
    channel: 'livechat',
    capabilities: {
      maxTextLength: MAX_TEXT,
      quickReplies: { max: 10, maxTitleLength: 40 },
      attachments: true,
      replyWindowMs: null,
      longForm: false,
    },
    parse: (body) => parseFrame(body),
    async send(message) {
      if (!server) {
        throw new ChannelApiError({ channel: 'livechat', message: 'live chat is not started', retryable: true });
      }
      if (!isVisitorId(message.externalUserId)) {
        throw new ChannelApiError({
          channel: 'livechat',
          message: `not a live-chat visitor: ${message.externalUserId}`,
          code: 'unknown_visitor',
          retryable: false,
        });
      }
      // A visitor with no open tab still gets it: the message is in the history they load on return.
      server.emitToVisitor(message.externalUserId, 'message', outboundToWire(message, publicBaseUrl));
      return { providerMessageId: message.id };
    },
    async typing(externalUserId, on) {
      push(externalUserId, { type: 'typing', on });
    },
    notify: push,
    async testConnection() {
      return server
        ? { ok: true, detail: `socket.io namespace /livechat attached, ${server.connectionCount()} open connection(s)` }
        : { ok: false, detail: 'live chat not started' };
    },
    async start(runtime) {
      if (server) return;
      // Tokens signed with a secret made up at each start would log every visitor out on restart.
      const sessionSecret =
        cfg.sessionSecret ||
        (await runtime.state.update<string>(SECRET_KEY, async (current) => current || randomBytes(32).toString('base64url')));
      const wanted = cfg.maxAttachmentBytes ?? 5 * 1024 * 1024;
      if (wanted > MAX_UPLOAD_BYTES) {
        runtime.log.warn(
          { channel: 'livechat', wanted, max: MAX_UPLOAD_BYTES },
          'live-chat upload limit lowered to what fits one socket.io frame',
        );
      }
      server = new LivechatServer(runtime, {
        sessionSecret,
        identitySecret: cfg.identitySecret || undefined,
        publicBaseUrl,
        sessionMaxAgeMs: cfg.sessionMaxAgeMs ?? DEFAULT_SESSION_MAX_AGE_MS,
        limits: {
          maxTextLength: MAX_TEXT,
          maxAttachmentBytes: Math.min(wanted, MAX_UPLOAD_BYTES),
          allowedMimeTypes: (cfg.allowedMimeTypes ?? DEFAULT_ALLOWED_MIME_TYPES).map((t) => t.toLowerCase()),
          maxAttachments: MAX_ATTACHMENTS_PER_MESSAGE,
        },
        rateLimit: 30,
        rateWindowMs: 30_000,
        perAddress: { ...DEFAULT_PER_ADDRESS, ...cfg.perAddress },
      });
      runtime.log.info({ channel: 'livechat' }, 'live chat listening on socket.io namespace /livechat');
    },
    async stop() {
      const s = server;
      server = null;
      await s?.stop();
    },
  };
}

/**
 * Path of the widget script the core serves at `GET /widget.js`. It is plain JavaScript kept
 * beside the sources, so the compiled `dist/` copy of this file looks back into the source tree.
 */
export function widgetScriptPath(): string {
  const candidates = [
    path.join(__dirname, 'widget', 'widget.js'),
    path.resolve(__dirname, '..', '..', '..', 'adapters', 'livechat', 'widget', 'widget.js'),
  ];
  return candidates.find((p) => existsSync(p)) ?? candidates[0];
}
