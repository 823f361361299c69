/** Queues outbound messages: a `queued` row and a delivery job, in the caller's transaction. */
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/database';
import { enqueueJob, type NewJob } from '../jobs/queue';
import { insertOutbound, type MessageRow, type NewOutbound } from '../store/messages';

/** The delivery job kind. */
export const DELIVER_JOB = 'deliver';

/** Jobs of one conversation's deliveries share this key, so messages arrive in order. */
export const deliveryKey = (conversationId: string) => `out:${conversationId}`;

/** An outbound message to queue (its id is chosen when it is queued). */
export interface QueuedMessage extends Omit<NewOutbound, 'id' | 'purpose'> {
  purpose: 'receipt' | 'ticket_receipt' | 'answer' | 'reply' | 'notice' | 'csat';
}

/** Stores the message as queued with its delivery job (retried for `giveUpAfterMs`), in one statement. */
export async function queueMessage(q: Queryable, m: QueuedMessage, delivery: { giveUpAfterMs: number }): Promise<MessageRow> {
  const message = { ...m, id: randomUUID() };
  return insertOutbound(q, message, [singleDeliveryJob(message, delivery)]);
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

/** The delivery job of one stored message, retried for `giveUpAfterMs`. */
function singleDeliveryJob(m: { id: string; conversationId: string; channel: string }, delivery: { giveUpAfterMs: number }): NewJob {
  return {
    kind: DELIVER_JOB,
    orderingKey: deliveryKey(m.conversationId),
    payload: { messageId: m.id, channel: m.channel },
    giveUpAfterMs: delivery.giveUpAfterMs,
  };
}

/** Enqueues the delivery of a stored outbound message (an operator's re-send of a failed one). */
export async function enqueueDelivery(
  q: Queryable,
  m: { id: string; conversationId: string; channel: string },
  delivery: { giveUpAfterMs: number },
): Promise<void> {
  const job = singleDeliveryJob(m, delivery);
  await enqueueJob(q, job.kind, job.orderingKey, job.payload, { giveUpAfterMs: job.giveUpAfterMs });
}
