/**
 * The writes of one processed message — its processing-log events and the replies to queue —
 * collected while the bot's decision is carried out, then written with the message in one
 * statement (`recordInbounds`); and what others are told of it, once that is committed.
 */
import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../store/events';
import type { NewOutbound } from '../store/messages';
import type { QueuedMessage } from './outbound';

/** Events and replies waiting to be written with the message. */
export class ProcessingBatch {
  /** Processing-log events, in order. */
  readonly events: NewEvent[] = [];
  /** Replies to queue, in sending order. */
  readonly replies: NewOutbound[] = [];
  /** Notices for the floor and the console (bus events, alerts), given once the writes are committed. */
  readonly notices: (() => void)[] = [];

  /** `ticketId`: the ticket the citizen's message belongs to (the conversation's open ticket). */
  constructor(public ticketId: string | null) {}

  /** Appends an event to the processing log. */
  log(event: NewEvent): void {
    this.events.push(event);
  }

  /** Tells others of something this message changed, once its writes are committed (never for a rolled-back attempt). */
  notify(notice: () => void): void {
    this.notices.push(notice);
  }

  /** Queues a reply (delivered after the ones queued before it); returns its message id. */
  queue(message: QueuedMessage): string {
    const id = randomUUID();
    this.replies.push({ ...message, id });
    return id;
  }

  /** A ticket was opened from this message: the message and the replies queued without a ticket belong to it. */
  linkTicket(ticketId: string): void {
    this.ticketId ??= ticketId;
    for (const r of this.replies) r.ticketId ??= ticketId;
  }
}
