/**
 * Durable intake: a raw inbound item and its processing job are stored in ONE statement,
 * before the provider gets its 2xx. The unique (channel, dedupe key) drops replays.
 */
import type { Queryable } from '../db/database';

/** The inbound job kind. */
export const INBOUND_JOB = 'inbound';

/** A raw item to store. */
export interface RawInbound {
  channel: string;
  dedupeKey: string;
  orderingKey: string;
  contentType: string;
  body: Buffer;
}

/** Stores the item and enqueues its processing; false when it was a replay. */
export async function storeInbound(q: Queryable, item: RawInbound): Promise<boolean> {
  const r = await q.query(
    `WITH e AS (
       INSERT INTO inbound_events (channel, dedupe_key, content_type, body) VALUES ($1, $2, $3, $4)
       ON CONFLICT (channel, dedupe_key) DO NOTHING RETURNING id)
     INSERT INTO jobs (kind, ordering_key, payload)
     SELECT '${INBOUND_JOB}', $5, jsonb_build_object('eventId', e.id::text) FROM e RETURNING id`,
    [item.channel, item.dedupeKey, item.contentType, item.body, `in:${item.channel}:${item.orderingKey}`],
  );
  return r.rowCount > 0;
}
