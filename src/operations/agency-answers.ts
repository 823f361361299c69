/**
 * Agency answers: in `direct` mode a focal point's reply goes to the citizen like an operator's; in
 * `approval` mode it is stored as a proposal that staff approve (optionally edited) or reject.
 */
import { getUser, type User } from '../store/users';
import type { AppContext } from '../context';
import { HttpError } from '../errors';
import { getProposalForUpdate, insertProposal, reviewProposal } from '../store/proposals';
import { logEvent } from '../store/events';
import { isUuid } from '../store/inbox';
import { getTicketById, type Ticket } from '../store/tickets';
import { actorOf, replyToTicket } from './conversation-actions';

/** Stores an agency's answer for approval; logged as `agency_answer_proposed`. */
export async function proposeAgencyAnswer(
  ctx: AppContext,
  user: User,
  ticket: Ticket,
  text: string,
  final: boolean,
): Promise<{ pending: true; proposalId: string }> {
  if (ticket.status === 'closed') throw new HttpError(409, `Phiếu ${ticket.code} đã đóng`);
  const proposalId = await ctx.db.transaction(async (tx) => {
    const id = await insertProposal(tx, { ticketId: ticket.id, authorId: user.id, text, final });
    await logEvent(tx, {
      type: 'agency_answer_proposed',
      actor: actorOf(user),
      ticketId: ticket.id,
      conversationId: ticket.conversationId,
      data: { proposalId: id, text, final },
    });
    return id;
  });
  ctx.bus.emit('ticket', {
    ticketId: ticket.id,
    code: ticket.code,
    status: ticket.status,
    priority: ticket.priority,
    agencyId: ticket.agency?.id ?? null,
    reason: 'agency_answer_proposed',
  });
  return { pending: true, proposalId };
}

/**
 * Approves a proposal: the (possibly edited) text goes to the citizen as the focal point's answer;
 * the approval is logged with the reviewer. Without a conversation (a phone ticket) the answer is
 * recorded on the ticket as its resolution instead.
 */
export async function approveProposal(
  ctx: AppContext,
  reviewer: User,
  id: string,
  editedText?: string,
): Promise<{ messageId: string | null; ticketCode: string }> {
  if (!isUuid(id)) throw new HttpError(404, 'Không tìm thấy đề xuất trả lời');
  const p = await ctx.db.transaction(async (tx) => {
    const p = await getProposalForUpdate(tx, id);
    if (!p) throw new HttpError(404, 'Không tìm thấy đề xuất trả lời');
    if (p.status !== 'pending') throw new HttpError(409, 'Đề xuất này đã được xử lý');
    // Claimed here so that two reviewers cannot send it twice; the message id is added below.
    await reviewProposal(tx, id, { status: 'approved', reviewerId: reviewer.id, sentText: editedText ?? p.text });
    return p;
  });
  const ticket = (await getTicketById(ctx.db, p.ticketId))!;
  const author = (await getUser(ctx.db, p.authorId)) ?? reviewer;
  const text = editedText ?? p.text;
  let messageId: string | null = null;
  if (ticket.conversationId) {
    messageId = (await replyToTicket(ctx, author, ticket, text, p.final)).messageId;
    await ctx.db.query('UPDATE agency_proposals SET message_id = $2 WHERE id = $1', [id, messageId]);
  } else {
    await ctx.db.query(
      `UPDATE tickets SET resolution = $2, status = CASE WHEN $3 THEN 'answered' ELSE status END,
      answered_at = CASE WHEN $3 THEN COALESCE(answered_at, now()) ELSE answered_at END, updated_at = now() WHERE id = $1`,
      [ticket.id, text, p.final],
    );
  }
  await logEvent(ctx.db, {
    type: 'agency_answer_approved',
    actor: actorOf(reviewer),
    ticketId: ticket.id,
    conversationId: ticket.conversationId,
    data: { proposalId: id, author: p.author, edited: editedText !== undefined && editedText !== p.text, text, messageId },
  });
  const t = (await getTicketById(ctx.db, ticket.id))!;
  ctx.bus.emit('ticket', {
    ticketId: t.id,
    code: t.code,
    status: t.status,
    priority: t.priority,
    agencyId: t.agency?.id ?? null,
    reason: 'agency_answer_approved',
  });
  return { messageId, ticketCode: t.code };
}

/** Rejects a proposal with a reason (shown to the focal point in the ticket's log). */
export async function rejectProposal(ctx: AppContext, reviewer: User, id: string, reason: string): Promise<void> {
  if (!isUuid(id)) throw new HttpError(404, 'Không tìm thấy đề xuất trả lời');
  const p = await ctx.db.transaction(async (tx) => {
    const p = await getProposalForUpdate(tx, id);
    if (!p) throw new HttpError(404, 'Không tìm thấy đề xuất trả lời');
    if (p.status !== 'pending') throw new HttpError(409, 'Đề xuất này đã được xử lý');
    await reviewProposal(tx, id, { status: 'rejected', reviewerId: reviewer.id, reason });
    const t = await tx.query<{ conversation_id: string | null }>('SELECT conversation_id FROM tickets WHERE id = $1', [p.ticketId]);
    await logEvent(tx, {
      type: 'agency_answer_rejected',
      actor: actorOf(reviewer),
      ticketId: p.ticketId,
      conversationId: t.rows[0]?.conversation_id ?? null,
      data: { proposalId: id, author: p.author, reason },
    });
    return p;
  });
  const t = (await getTicketById(ctx.db, p.ticketId))!;
  ctx.bus.emit('ticket', {
    ticketId: t.id,
    code: t.code,
    status: t.status,
    priority: t.priority,
    agencyId: t.agency?.id ?? null,
    reason: 'agency_answer_rejected',
  });
}
