/**
 * What staff and agency focal points write on a thread: a reply to the citizen, or an internal note.
 * The ticket page, the inbox and approved agency answers all come here, so a reply is checked and
 * recorded the same way whichever screen sent it.
 */
import type { Attachment } from '../channels/kit/contract';
import type { AppContext } from '../context';
import type { Queryable } from '../db/database';
import { HttpError } from '../errors';
import { windowProblem } from '../pipeline/dispatcher';
import { queueMessage } from '../pipeline/outbound';
import { setConversationState, type Conversation } from '../store/conversations';
import { logEvent } from '../store/events';
import { isUuid } from '../store/inbox';
import { getTicketById, markFirstResponse, openTicketOfConversation, ticketEvent, updateTicket, type Ticket } from '../store/tickets';
import type { User } from '../store/users';
import { actorOf, announceHandler, conversationOr404 } from './conversation-actions';

/** Where a message is written: a conversation (with its open ticket, if any) or a ticket (with its conversation, if any). */
export type Thread = { conversationId: string } | { ticket: Ticket };

/** Options of a reply. */
export interface ReplyOptions {
  /** Stored files to send, by id (from `POST /api/attachments`). */
  attachmentIds?: string[];
  /** The final answer: the ticket becomes `answered`. */
  final?: boolean;
  /** Runs in the reply's transaction once the message is queued; a throw there sends nothing. */
  inTransaction?: (tx: Queryable, messageId: string) => Promise<void>;
}

const kindOf = (mime: string): Attachment['kind'] =>
  mime.startsWith('image/') ? 'image' : mime.startsWith('audio/') ? 'audio' : mime.startsWith('video/') ? 'video' : 'file';

/** Stored attachments by id, as outbound message attachments (400 when one is unknown). */
async function attachmentsByIds(ctx: AppContext, ids: string[]): Promise<Attachment[]> {
  if (ids.length === 0) return [];
  if (!ids.every(isUuid)) throw new HttpError(400, 'Mã tệp đính kèm không hợp lệ');
  const r = await ctx.db.query<{ id: string; storage_key: string; name: string; mime_type: string; size: number }>(
    'SELECT id, storage_key, name, mime_type, size FROM attachments WHERE id = ANY($1::uuid[])',
    [ids],
  );
  const byId = new Map(r.rows.map((a) => [a.id, a]));
  return ids.map((id) => {
    const a = byId.get(id);
    if (!a) throw new HttpError(400, `Không tìm thấy tệp đính kèm ${id}`);
    return { kind: kindOf(a.mime_type), name: a.name, mimeType: a.mime_type, size: a.size, storageKey: a.storage_key, attachmentId: a.id };
  });
}

/** The conversation of a thread: 404 when there is no such conversation, null for a ticket without one (a phone call). */
async function conversationOfThread(ctx: AppContext, thread: Thread): Promise<Conversation | null> {
  if (!('ticket' in thread)) return conversationOr404(ctx, thread.conversationId);
  return thread.ticket.conversationId ? conversationOr404(ctx, thread.ticket.conversationId) : null;
}

/** The ticket of a thread: the ticket itself, or the conversation's open ticket. */
async function ticketOfThread(q: Queryable, thread: Thread, conv: Conversation | null): Promise<Ticket | null> {
  if ('ticket' in thread) return thread.ticket;
  return conv ? openTicketOfConversation(q, conv.id) : null;
}

/**
 * A reply to the citizen on the thread's channel. What the dispatcher would refuse later (a channel
 * that is not enabled, a closed reply window, files the channel cannot carry) is refused now, so the
 * sender learns it at once. The reply marks the ticket responded (`final`: answered); a conversation
 * the bot held, or that waited, is taken over by the sender.
 */
export async function replyToCitizen(
  ctx: AppContext,
  user: User,
  thread: Thread,
  text: string,
  options: ReplyOptions = {},
): Promise<{ messageId: string }> {
  const conv = await conversationOfThread(ctx, thread);
  if (!conv) throw new HttpError(409, 'Phiếu này không gắn với cuộc hội thoại nào (ví dụ: phiếu từ cuộc gọi); hãy gọi lại cho công dân');
  if (conv.state === 'closed') throw new HttpError(409, 'Cuộc hội thoại đã đóng; không thể gửi thêm tin nhắn');
  const adapter = ctx.channels.get(conv.channel as never);
  if (!adapter) throw new HttpError(409, `Kênh ${conv.channel} chưa được cấu hình; không gửi được tin nhắn`);
  const attachments = await attachmentsByIds(ctx, options.attachmentIds ?? []);
  if (attachments.length > 0 && !adapter.capabilities.attachments)
    throw new HttpError(400, `Kênh ${conv.channel} không gửi được tệp đính kèm`);
  const closed = windowProblem(adapter.capabilities, 'operator', conv.lastInboundAt);
  if (closed)
    throw new HttpError(409, 'Đã quá thời hạn trả lời của kênh: công dân cần nhắn lại trước khi tổng đài viên có thể trả lời', {
      reason: closed,
    });
  const final = options.final ?? false;
  const takesOver = conv.state === 'bot' || conv.state === 'waiting';
  const { messageId, ticketId } = await ctx.db.transaction(async (tx) => {
    const ticket = await ticketOfThread(tx, thread, conv);
    const m = await queueMessage(
      tx,
      {
        conversationId: conv.id,
        channel: conv.channel,
        authorKind: 'operator',
        authorUserId: user.id,
        authorName: user.displayName,
        purpose: 'reply',
        text,
        attachments,
        ticketId: ticket?.id ?? null,
      },
      ctx.delivery,
    );
    if (takesOver) {
      await setConversationState(tx, conv.id, 'operator', user.id);
      await logEvent(tx, {
        type: 'taken_over',
        actor: actorOf(user),
        conversationId: conv.id,
        ticketId: ticket?.id ?? null,
        data: { by: 'reply' },
      });
    }
    if (ticket) {
      await markFirstResponse(tx, ticket.id);
      const status = final ? 'answered' : ticket.status === 'new' || ticket.status === 'assigned' ? 'in_progress' : undefined;
      // Staff who answer an unassigned ticket take it on; a focal point never becomes the assignee (an operator's role).
      const assigneeId = !ticket.assignee && user.role !== 'agency' ? user.id : undefined;
      if (status || assigneeId) await updateTicket(tx, ticket.id, { status, assigneeId });
    }
    await logEvent(tx, {
      type: 'replied',
      actor: actorOf(user),
      conversationId: conv.id,
      ticketId: ticket?.id ?? null,
      data: { messageId: m.id, final, attachments: attachments.map((a) => a.name) },
    });
    await options.inTransaction?.(tx, m.id);
    return { messageId: m.id, ticketId: ticket?.id ?? null };
  });
  if (takesOver) announceHandler(ctx, conv, 'operator', 'taken_over', user.displayName);
  ctx.bus.emit('message', { conversationId: conv.id, messageId, direction: 'out', status: 'queued', channel: conv.channel });
  if (ticketId) ctx.bus.emit('ticket', ticketEvent((await getTicketById(ctx.db, ticketId))!, 'replied'));
  ctx.wake();
  return { messageId };
}

/** An internal note on the thread (its conversation and ticket both show it), never sent to the citizen. */
export async function addNote(ctx: AppContext, user: User, thread: Thread, text: string): Promise<void> {
  const conv = await conversationOfThread(ctx, thread);
  const ticket = await ticketOfThread(ctx.db, thread, conv);
  await logEvent(ctx.db, {
    type: 'note',
    actor: actorOf(user),
    conversationId: conv?.id ?? null,
    ticketId: ticket?.id ?? null,
    data: { text },
  });
  if (conv) ctx.bus.emit('conversation', { conversationId: conv.id, state: conv.state, channel: conv.channel, reason: 'note' });
  if (ticket) ctx.bus.emit('ticket', ticketEvent(ticket, 'note'));
}
