/** Queues outbound messages: a `queued` row and a delivery job, in the caller's transaction. */
import type { Attachment, QuickReply } from '../channels/kit/contract';
import type { Queryable } from '../db/database';
import { enqueueJob, type NewJob } from '../jobs/queue';
import { insertOutbound, type MessageRow } from '../store/messages';

/** The delivery job kind. */
export const DELIVER_JOB = 'deliver';

/** Jobs of one conversation's deliveries share this key, so messages arrive in order. */
export const deliveryKey = (conversationId: string) => `out:${conversationId}`;

/** An outbound message to queue. */
export interface QueuedMessage {
  conversationId: string;
  channel: string;
  authorKind: 'bot' | 'operator' | 'system';
  authorUserId?: string | null;
  authorName?: string | null;
  purpose: 'receipt' | 'ticket_receipt' | 'answer' | 'reply' | 'notice' | 'csat';
  text: string;
  quickReplies?: QuickReply[];
  attachments?: Attachment[];
  ticketId?: string | null;
  meta?: Record<string, unknown>;
}

/** Stores the message as queued and enqueues its delivery, retried for `giveUpAfterMs`. */
export async function queueMessage(q: Queryable, m: QueuedMessage, delivery: { giveUpAfterMs: number }): Promise<MessageRow> {
  const row = await insertOutbound(q, m);
  await enqueueDelivery(q, row, delivery);
  return row;
}

/** The one delivery job of replies queued together (sent in this order), retried for `giveUpAfterMs`. */
export function deliveryJob(conversationId: string, channel: string, messageIds: string[], delivery: { giveUpAfterMs: number }): NewJob {
  return {
    kind: DELIVER_JOB,
    orderingKey: deliveryKey(conversationId),
    payload: { messageIds, channel },
    giveUpAfterMs: delivery.giveUpAfterMs,
  };
}

/** Enqueues the delivery of a stored outbound message (first send, or an operator's re-send of a failed one). */
export async function enqueueDelivery(
  q: Queryable,
  m: { id: string; conversationId: string; channel: string },
  delivery: { giveUpAfterMs: number },
): Promise<void> {
  await enqueueJob(
    q,
    DELIVER_JOB,
    deliveryKey(m.conversationId),
    { messageId: m.id, channel: m.channel },
    { giveUpAfterMs: delivery.giveUpAfterMs },
  );
}
