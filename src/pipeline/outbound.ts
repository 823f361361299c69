/** Queues outbound messages: a `queued` row and a delivery job, in the caller's transaction. */
import type { Attachment, QuickReply } from '../channels/kit/contract';
import type { Queryable } from '../db/database';
import { enqueueJob } from '../jobs/queue';
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

/** Stores the message as queued and enqueues its delivery. */
export async function queueMessage(q: Queryable, m: QueuedMessage, maxAttempts: number): Promise<MessageRow> {
  const row = await insertOutbound(q, m);
  await enqueueJob(q, DELIVER_JOB, deliveryKey(m.conversationId), { messageId: row.id }, { maxAttempts });
  return row;
}
