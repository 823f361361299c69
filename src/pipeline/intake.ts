/**
 * Durable intake: a raw inbound item and its processing job are stored in ONE statement,
 * before the provider gets its 2xx. The unique (channel, dedupe key) drops replays.
 */
import type { Queryable } from '../db/database';
import { insertInboundEvent } from '../store/inbound-events';

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
export function storeInbound(q: Queryable, item: RawInbound): Promise<boolean> {
  return insertInboundEvent(q, { ...item, jobKind: INBOUND_JOB, orderingKey: `in:${item.channel}:${item.orderingKey}` });
}
