/**
 * What operators do to conversations and tickets: take over, release, close (replies and notes are
 * in `operator-messages.ts`). Each runs in one transaction and writes the processing log.
 */
import { message } from '../bot/definition';
import type { User } from '../store/users';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import type { Queryable } from '../db/database';
import { queueMessage, type QueuedMessage } from '../pipeline/outbound';
import { getAgency } from '../store/directory';
import { getConversation, setBotContext, setConversationState, type Conversation, type ConversationState } from '../store/conversations';
import { logEvent, type Actor } from '../store/events';
import { takeConversation } from '../store/floor';
import { isUuid } from '../store/inbox';
import { getTicketByCode, ticketEvent, updateTicket, type Ticket } from '../store/tickets';

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

/** The id of the agency a change names by code: undefined (no change) stays so, null or '' clears it, an unknown code is a 400. */
export async function agencyIdOfCode(ctx: AppContext, code: string | null | undefined): Promise<string | null | undefined> {
  if (code === undefined) return undefined;
  if (code === null || code === '') return null;
  const a = await getAgency(ctx.db, code);
  if (!a) throw new HttpError(400, `Không có cơ quan mã ${code}`);
  return a.id;
}

/** A conversation by id, or 404. */
export async function conversationOr404(ctx: AppContext, id: string): Promise<Conversation> {
  const conv = isUuid(id) ? await getConversation(ctx.db, id) : null;
  if (!conv) throw new HttpError(404, 'Không tìm thấy cuộc hội thoại');
  return conv;
}

/**
 * Tells the citizen's channel who handles the conversation now (`operatorName`; null: no one, e.g. the
 * bot again) where it can show it, and pushes the conversation's new state to open consoles.
 */
export function announceHandler(
  ctx: AppContext,
  conv: Conversation,
  state: ConversationState,
  reason: string,
  operatorName: string | null,
): void {
  ctx.channels.get(conv.channel as never)?.notify?.(conv.externalUserId, { type: 'operator', name: operatorName });
  ctx.bus.emit('conversation', { conversationId: conv.id, state, channel: conv.channel, reason });
}

/** Queues a system message (a notice, the rating question) to the conversation's citizen. */
export function queueSystemMessage(
  ctx: AppContext,
  tx: Queryable,
  conv: Conversation,
  m: Pick<QueuedMessage, 'purpose' | 'text' | 'ticketId' | 'quickReplies'>,
): Promise<unknown> {
  return queueMessage(tx, { conversationId: conv.id, channel: conv.channel, authorKind: 'system', ...m }, ctx.delivery);
}

/**
 * An operator takes the conversation over: the bot goes silent until release or close. The state is
 * checked and written by one conditional UPDATE, so of two operators taking over at once exactly one wins.
 */
export async function takeOver(ctx: AppContext, user: User, conversationId: string): Promise<void> {
  const conv = await conversationOr404(ctx, conversationId);
  const won = await ctx.db.transaction(async (tx) => {
    if (!(await takeConversation(tx, conv.id, user.id))) return false;
    await logEvent(tx, { type: 'taken_over', actor: actorOf(user), conversationId: conv.id, data: {} });
    return true;
  });
  if (!won) {
    const now = await conversationOr404(ctx, conversationId);
    if (now.state === 'closed') throw new HttpError(409, 'Cuộc hội thoại đã đóng');
    throw new HttpError(409, 'Cuộc hội thoại đang do tổng đài viên khác xử lý');
  }
  announceHandler(ctx, conv, 'operator', 'taken_over', user.displayName);
}

/** Gives the conversation back to the bot. */
export async function releaseToBot(ctx: AppContext, user: User, conversationId: string): Promise<void> {
  const conv = await conversationOr404(ctx, conversationId);
  if (conv.state === 'closed') throw new HttpError(409, 'Cuộc hội thoại đã đóng');
  await ctx.db.transaction(async (tx) => {
    await setConversationState(tx, conv.id, 'bot', null);
    await setBotContext(tx, conv.id, {});
    await logEvent(tx, { type: 'released_to_bot', actor: actorOf(user), conversationId: conv.id, data: {} });
    await queueSystemMessage(ctx, tx, conv, { purpose: 'notice', text: message(ctx.bot, 'released_to_bot') });
  });
  announceHandler(ctx, conv, 'bot', 'released', null);
  ctx.wake();
}

/** Closes a ticket (with a resolution) and its conversation; the citizen is thanked and asked for a rating. */
export async function closeTicket(ctx: AppContext, user: User, ticket: Ticket, resolution: string | null): Promise<void> {
  const conv = await ctx.db.transaction(async (tx) => {
    await updateTicket(tx, ticket.id, { status: 'closed', resolution });
    await logEvent(tx, {
      type: 'closed',
      actor: actorOf(user),
      ticketId: ticket.id,
      conversationId: ticket.conversationId,
      data: { resolution },
    });
    const conv = ticket.conversationId ? await getConversation(tx, ticket.conversationId) : null;
    if (!conv || conv.state === 'closed') return conv;
    await setConversationState(tx, conv.id, 'closed');
    await setBotContext(tx, conv.id, { csatTicketId: ticket.id });
    await queueSystemMessage(ctx, tx, conv, { purpose: 'notice', text: message(ctx.bot, 'closed'), ticketId: ticket.id });
    await queueSystemMessage(ctx, tx, conv, {
      purpose: 'csat',
      text: message(ctx.bot, 'csat_question'),
      ticketId: ticket.id,
      quickReplies: [1, 2, 3, 4, 5].map((n) => ({ title: `${n} ⭐`, payload: String(n) })),
    });
    return conv;
  });
  if (conv) announceHandler(ctx, conv, 'closed', 'closed', null);
  ctx.bus.emit('ticket', ticketEvent({ ...ticket, status: 'closed' }, 'closed'));
  ctx.wake();
}
