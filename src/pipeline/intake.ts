/**
 * Durable intake: a raw inbound item and its processing job are stored in ONE statement,
 * before the provider gets its 2xx. The unique (channel, dedupe key) drops replays. Items arriving
 * while others are being stored are stored together (group commit, `inboundIntake`).
 */
import type { Database, Queryable } from '../db/database';
import { GroupWrite } from '../db/group-write';
import { insertInboundEvent, insertInboundEvents, type NewInboundEvent } from '../store/inbound-events';

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

function toNewEvent(item: RawInbound): NewInboundEvent {
  return { ...item, jobKind: INBOUND_JOB, orderingKey: `in:${item.channel}:${item.orderingKey}` };
}

/** Stores the item and enqueues its processing; false when it was a replay. */
export function storeInbound(q: Queryable, item: RawInbound): Promise<boolean> {
  return insertInboundEvent(q, toNewEvent(item));
}

/**
 * `storeInbound` for a gateway's intake (webhooks, mail, live chat), grouped: an item arriving
 * while others are being stored goes with the next group, in one statement and one commit, so a
 * flood of webhooks costs a few commits, not one each; alone, an item is stored at once. Each
 * caller still gets its answer only once its item is committed. An item the database refuses
 * fails alone.
 */
export function inboundIntake(db: Database): (item: RawInbound) => Promise<boolean> {
  const group = new GroupWrite((items: readonly RawInbound[]) => insertInboundEvents(db, items.map(toNewEvent)), {
    maxItems: 64,
    // Bodies are up to a megabyte or so each: a group stays a few megabytes.
    size: (item) => item.body.length,
    maxSize: 4 * 1024 * 1024,
  });
  return (item) => group.submit(item);
}
