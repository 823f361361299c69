/** The `AdapterRuntime` the core hands to adapters with a long-running side (IMAP, live chat). */
import type { Server } from 'node:http';
import type { AdapterRuntime, ChannelName, HistoryItem } from './kit/contract';
import { socketServerFor } from '../realtime/io';
import type { AppContext } from '../context';
import { storeInbound } from '../pipeline/intake';
import { readAttachment } from '../store/attachments';
import { kvGet, kvSet, kvUpdate } from '../store/kv';

/** Builds the runtime of one channel. */
export function createAdapterRuntime(ctx: AppContext, channel: ChannelName, httpServer?: Server): AdapterRuntime {
  const prefix = `adapter:${channel}:`;
  const log = ctx.log.child({ channel });
  return {
    async ingest(item) {
      const stored = await storeInbound(ctx.db, { channel, ...item });
      if (stored) ctx.wake();
      return stored;
    },
    state: {
      get: (key) => kvGet(ctx.db, prefix + key),
      set: (key, value) => kvSet(ctx.db, prefix + key, value),
      update: (key, fn) => kvUpdate(ctx.db, prefix + key, fn),
    },
    log: {
      info: (obj, msg) => log.info(obj, msg),
      warn: (obj, msg) => log.warn(obj, msg),
      error: (obj, msg) => log.error(obj, msg),
    },
    async history(externalUserId, limit) {
      const r = await ctx.db.query<{
        id: string;
        direction: 'in' | 'out';
        author_kind: HistoryItem['author'];
        author_name: string | null;
        text: string;
        attachments: HistoryItem['attachments'];
        quick_replies: HistoryItem['quickReplies'];
        external_id: string | null;
        status: string;
        created_at: Date;
      }>(
        `SELECT * FROM (
           SELECT m.id, m.direction, m.author_kind, m.author_name, m.text, m.attachments, m.quick_replies, m.external_id, m.status, m.created_at
           FROM messages m JOIN conversations c ON c.id = m.conversation_id
           WHERE c.channel = $1 AND c.external_user_id = $2 AND m.status <> 'failed'
           ORDER BY m.created_at DESC LIMIT $3) x ORDER BY created_at`,
        [channel, externalUserId, limit],
      );
      return r.rows.map((m) => ({
        id: m.id,
        direction: m.direction,
        author: m.author_kind,
        authorName: m.author_name ?? undefined,
        text: m.text,
        attachments: m.attachments,
        quickReplies: m.quick_replies,
        externalMessageId: m.external_id,
        status: m.status,
        createdAt: m.created_at.getTime(),
      }));
    },
    readAttachment: (id) => readAttachment(ctx.db, ctx.blobs, id),
    ...(httpServer ? { socketNamespace: (name: string) => socketServerFor(httpServer).of(name) } : {}),
    citizenTyping(externalUserId, on) {
      // Only a conversation that exists and is open: typing before the first message shows nothing.
      ctx.db
        .query<{ id: string }>(`SELECT id FROM conversations WHERE channel = $1 AND external_user_id = $2 AND state <> 'closed' LIMIT 1`, [
          channel,
          externalUserId,
        ])
        .then((r) => {
          if (r.rows[0]) ctx.bus.emit('typing', { conversationId: r.rows[0].id, channel, on });
        })
        .catch((err) => log.warn({ err }, 'typing relay failed'));
    },
  };
}
