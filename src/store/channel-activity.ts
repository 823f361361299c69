/**
 * What each channel did lately, for the admins' channel page: the last event received, the last
 * message delivered, the last delivery that failed for good (with its error), and what waits in the
 * outbound queue. Each figure is one short index walk from the newest row, so the page stays quick
 * with millions of messages.
 */
import type { Queryable } from '../db/database';

/** A channel's recent activity. */
export interface ChannelActivity {
  channel: string;
  /** When the newest inbound event (webhook, mail, live-chat frame) was stored. */
  lastInboundAt: Date | null;
  /** When the newest outbound message was handed to the provider. */
  lastSentAt: Date | null;
  /** The newest outbound message that failed for good and was not re-sent since. */
  lastFailure: { messageId: string; at: Date; error: string | null } | null;
  /** Outbound messages waiting for (or in) delivery. */
  queued: number;
  /** The last provider error of a waiting message (a delivery being retried), if any. */
  retryError: string | null;
  /** Outbound messages that failed for good. */
  failed: number;
}

/** Recent activity of the given channels, in the given order. */
export async function channelActivity(q: Queryable, channels: readonly string[]): Promise<ChannelActivity[]> {
  const r = await q.query<{
    channel: string;
    last_in: Date | null;
    last_sent: Date | null;
    failed_id: string | null;
    failed_at: Date | null;
    failed_error: string | null;
    queued: string;
    retry_error: string | null;
    failed: string;
  }>(
    `SELECT c.channel,
       (SELECT i.received_at FROM inbound_events i WHERE i.channel = c.channel ORDER BY i.id DESC LIMIT 1) AS last_in,
       (SELECT m.sent_at FROM messages m WHERE m.direction = 'out' AND m.channel = c.channel AND m.sent_at IS NOT NULL
          ORDER BY m.sent_at DESC LIMIT 1) AS last_sent,
       f.id AS failed_id, f.error AS failed_error,
       COALESCE((SELECT e.created_at FROM events e WHERE e.conversation_id = f.conversation_id AND e.type = 'delivery_failed'
                   AND e.data->>'messageId' = f.id::text ORDER BY e.id DESC LIMIT 1), f.created_at) AS failed_at,
       (SELECT count(*) FROM messages m WHERE m.status IN ('queued', 'sending') AND m.direction = 'out' AND m.channel = c.channel) AS queued,
       (SELECT m.error FROM messages m WHERE m.status IN ('queued', 'sending') AND m.direction = 'out' AND m.channel = c.channel
          AND m.error IS NOT NULL ORDER BY m.created_at DESC LIMIT 1) AS retry_error,
       (SELECT count(*) FROM messages m WHERE m.status = 'failed' AND m.direction = 'out' AND m.channel = c.channel) AS failed
     FROM unnest($1::text[]) WITH ORDINALITY AS c(channel, n)
     LEFT JOIN LATERAL (
       SELECT m.id, m.error, m.conversation_id, m.created_at FROM messages m
       WHERE m.status = 'failed' AND m.direction = 'out' AND m.channel = c.channel ORDER BY m.created_at DESC LIMIT 1) f ON true
     ORDER BY c.n`,
    [[...channels]],
  );
  const time = (v: Date | string | null) => (v == null ? null : new Date(v));
  return r.rows.map((row) => ({
    channel: row.channel,
    lastInboundAt: time(row.last_in),
    lastSentAt: time(row.last_sent),
    lastFailure: row.failed_id ? { messageId: row.failed_id, at: time(row.failed_at)!, error: row.failed_error } : null,
    queued: Number(row.queued),
    retryError: row.retry_error,
    failed: Number(row.failed),
  }));
}
