/** The citizen-app (e-DongThap) API channel: signed JSON webhooks in, signed callbacks out. */
import { sha256Hex, webhookHandler, type ChannelAdapter } from '../../src/channels/kit';
import { EdtClient } from './client';
import { parseInboundBody, problemOf } from './parse';
import { sendMessage } from './send';
import { verifySignature } from './verify';

/** Configuration of the channel. */
export interface EdongthapConfig {
  secret: string;
  callbackUrl: string;
}

/** Creates the citizen-app adapter. */
export function createEdongthapAdapter(cfg: EdongthapConfig): ChannelAdapter {
  const client = new EdtClient(cfg.callbackUrl, cfg.secret);
  return {
    channel: 'edongthap',
    capabilities: {
      maxTextLength: 4000,
      quickReplies: { max: 10, maxTitleLength: 40 },
      attachments: false,
      replyWindowMs: null,
      longForm: false,
    },
    webhook: webhookHandler({
      verify: (req) => verifySignature(cfg.secret, req.rawBody, req.headers['x-signature']),
      check: problemOf,
      dedupeKey: (body) => {
        const id = (body as { id?: unknown })?.id;
        return typeof id === 'string' || typeof id === 'number' ? String(id) : null;
      },
      orderingKey: (body) => String((body as { userId?: unknown })?.userId ?? sha256Hex(JSON.stringify(body))),
    }),
    parse: (body) => parseInboundBody(body),
    send: (m) => sendMessage(client, m),
    async testConnection() {
      try {
        const status = await client.ping();
        return { ok: true, detail: `callback reachable (HTTP ${status})` };
      } catch (err) {
        return { ok: false, detail: `callback unreachable: ${err instanceof Error ? err.message : String(err)}` };
      }
    },
  };
}
