/**
 * What operators do to conversations and tickets: take over, release, reply, note, close.
 * Each runs in one transaction and writes the processing log.
 */
import { message } from '../bot/definition';
import type { User } from '../store/users';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { queueMessage } from '../pipeline/outbound';
import { getConversation, setBotContext, setConversationState, type Conversation } from '../store/conversations';
import { logEvent, type Actor } from '../store/events';
import { getTicketByCode, markFirstResponse, updateTicket, type Ticket } from '../store/tickets';

/** The log actor of a console user. */
export function actorOf(user: User): Actor {
  const kind = user.role === 'agency' ? 'agency' : user.role === 'admin' ? 'admin' : user.role === 'supervisor' ? 'supervisor' : 'operator';
  return { kind, userId: user.id, name: user.displayName };
}

/** A ticket the user may see, or 404 (an agency sees only what was forwarded to it). */
export async function ticketForUser(ctx: AppContext, user: User, code: string): Promise<Ticket> {
  const t = await getTicketByCode(ctx.db, code);
  if (!t || (user.role === 'agency' && t.agency?.id !== user.agencyId)) throw new HttpError(404, `Không tìm thấy phiếu ${code}`);
  return t;
}

async function conversationOf(ctx: AppContext, id: string): Promise<Conversation> {
  const conv = await getConversation(ctx.db, id);
  if (!conv) throw new HttpError(404, 'Không tìm thấy cuộc hội thoại');
  return conv;
}

/** An operator takes the conversation over: the bot goes silent until release or close. */
export async function takeOver(ctx: AppContext, user: User, conversationId: string): Promise<void> {
  const conv = await conversationOf(ctx, conversationId);
  if (conv.state === 'closed') throw new HttpError(409, 'Cuộc hội thoại đã đóng');
  if (conv.state === 'operator' && conv.assigneeId && conv.assigneeId !== user.id) {
    throw new HttpError(409, 'Cuộc hội thoại đang do tổng đài viên khác xử lý');
  }
  await ctx.db.transaction(async (tx) => {
    await setConversationState(tx, conv.id, 'operator', user.id);
    await tx.query(
      `UPDATE tickets SET assignee_id = COALESCE(assignee_id, $2), status = CASE WHEN status = 'new' THEN 'assigned' ELSE status END, updated_at = now()
       WHERE conversation_id = $1 AND status <> 'closed'`,
      [conv.id, user.id],
    );
    await logEvent(tx, { type: 'taken_over', actor: actorOf(user), conversationId: conv.id, data: {} });
  });
  ctx.channels.get(conv.channel as never)?.notify?.(conv.externalUserId, { type: 'operator', name: user.displayName });
  ctx.bus.emit('conversation', { conversationId: conv.id, state: 'operator', channel: conv.channel, reason: 'taken_over' });
}

/** Gives the conversation back to the bot. */
export async function releaseToBot(ctx: AppContext, user: User, conversationId: string): Promise<void> {
  const conv = await conversationOf(ctx, conversationId);
  if (conv.state === 'closed') throw new HttpError(409, 'Cuộc hội thoại đã đóng');
  await ctx.db.transaction(async (tx) => {
    await setConversationState(tx, conv.id, 'bot', null);
    await setBotContext(tx, conv.id, {});
    await logEvent(tx, { type: 'released_to_bot', actor: actorOf(user), conversationId: conv.id, data: {} });
    await queueMessage(
      tx,
      {
        conversationId: conv.id,
        channel: conv.channel,
        authorKind: 'system',
        purpose: 'notice',
        text: message(ctx.bot, 'released_to_bot'),
      },
      ctx.delivery.maxAttempts,
    );
  });
  ctx.channels.get(conv.channel as never)?.notify?.(conv.externalUserId, { type: 'operator', name: null });
  ctx.bus.emit('conversation', { conversationId: conv.id, state: 'bot', channel: conv.channel, reason: 'released' });
  ctx.wake();
}

/** An operator's reply to the citizen, on the ticket's channel. `final` marks the ticket answered. */
export async function replyToTicket(
  ctx: AppContext,
  user: User,
  ticket: Ticket,
  text: string,
  final = false,
): Promise<{ messageId: string }> {
  if (!ticket.conversationId)
    throw new HttpError(409, 'Phiếu này không gắn với cuộc hội thoại nào (ví dụ: phiếu từ cuộc gọi); hãy gọi lại cho công dân');
  const conv = await conversationOf(ctx, ticket.conversationId);
  const row = await ctx.db.transaction(async (tx) => {
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
        ticketId: ticket.id,
      },
      ctx.delivery.maxAttempts,
    );
    await markFirstResponse(tx, ticket.id);
    const status = final ? 'answered' : ticket.status === 'new' || ticket.status === 'assigned' ? 'in_progress' : undefined;
    if (status) await updateTicket(tx, ticket.id, { status });
    if (conv.state === 'waiting' || conv.state === 'bot') await setConversationState(tx, conv.id, 'operator', user.id);
    await logEvent(tx, {
      type: 'replied',
      actor: actorOf(user),
      conversationId: conv.id,
      ticketId: ticket.id,
      data: { messageId: m.id, final },
    });
    return m;
  });
  ctx.bus.emit('ticket', {
    ticketId: ticket.id,
    code: ticket.code,
    status: final ? 'answered' : ticket.status,
    priority: ticket.priority,
    agencyId: ticket.agency?.id ?? null,
    reason: 'replied',
  });
  ctx.wake();
  return { messageId: row.id };
}

/** An internal note on a ticket, never sent to the citizen. */
export async function addNote(ctx: AppContext, user: User, ticket: Ticket, text: string): Promise<void> {
  await logEvent(ctx.db, {
    type: 'note',
    actor: actorOf(user),
    ticketId: ticket.id,
    conversationId: ticket.conversationId,
    data: { text },
  });
  ctx.bus.emit('ticket', {
    ticketId: ticket.id,
    code: ticket.code,
    status: ticket.status,
    priority: ticket.priority,
    agencyId: ticket.agency?.id ?? null,
    reason: 'note',
  });
}

/** Closes a ticket (with a resolution) and its conversation; the citizen is thanked and asked for a rating. */
export async function closeTicket(ctx: AppContext, user: User, ticket: Ticket, resolution: string | null): Promise<void> {
  await ctx.db.transaction(async (tx) => {
    await updateTicket(tx, ticket.id, { status: 'closed', resolution });
    await logEvent(tx, {
      type: 'closed',
      actor: actorOf(user),
      ticketId: ticket.id,
      conversationId: ticket.conversationId,
      data: { resolution },
    });
    if (!ticket.conversationId) return;
    const conv = await getConversation(tx, ticket.conversationId);
    if (!conv || conv.state === 'closed') return;
    await setConversationState(tx, conv.id, 'closed');
    await setBotContext(tx, conv.id, { csatTicketId: ticket.id });
    await queueMessage(
      tx,
      {
        conversationId: conv.id,
        channel: conv.channel,
        authorKind: 'system',
        purpose: 'notice',
        text: message(ctx.bot, 'closed'),
        ticketId: ticket.id,
      },
      ctx.delivery.maxAttempts,
    );
    await queueMessage(
      tx,
      {
        conversationId: conv.id,
        channel: conv.channel,
        authorKind: 'system',
        purpose: 'csat',
        text: message(ctx.bot, 'csat_question'),
        ticketId: ticket.id,
        quickReplies: [1, 2, 3, 4, 5].map((n) => ({ title: `${n} ⭐`, payload: String(n) })),
      },
      ctx.delivery.maxAttempts,
    );
  });
  if (ticket.conversationId) {
    const conv = await getConversation(ctx.db, ticket.conversationId);
    if (conv) {
      ctx.channels.get(conv.channel as never)?.notify?.(conv.externalUserId, { type: 'operator', name: null });
      ctx.bus.emit('conversation', { conversationId: conv.id, state: 'closed', channel: conv.channel, reason: 'closed' });
    }
  }
  ctx.bus.emit('ticket', {
    ticketId: ticket.id,
    code: ticket.code,
    status: 'closed',
    priority: ticket.priority,
    agencyId: ticket.agency?.id ?? null,
    reason: 'closed',
  });
  ctx.wake();
}
