/**
 * Agency answers: in `direct` mode a focal point's reply goes to the citizen like an operator's; in
 * `approval` mode it is stored as a proposal that staff approve (optionally edited) or reject.
 */
import { getUser, type User } from '../store/users';
import type { AppContext } from '../context';
import type { Queryable } from '../db/database';
import { HttpError } from '../errors';
import { getProposalForUpdate, insertProposal, reviewProposal, type Proposal } from '../store/proposals';
import { logEvent } from '../store/events';
import { isUuid } from '../store/inbox';
import { getTicketById, ticketEvent, type Ticket } from '../store/tickets';
import { actorOf } from './conversation-actions';
import { replyToCitizen } from './operator-messages';

/** The proposal while it waits for review, locked for the transaction; 404 or 409 otherwise. */
async function pendingProposal(q: Queryable, id: string): Promise<Proposal> {
  const p = isUuid(id) ? await getProposalForUpdate(q, id) : null;
  if (!p) throw new HttpError(404, 'Không tìm thấy đề xuất trả lời');
  if (p.status !== 'pending') throw new HttpError(409, 'Đề xuất này đã được xử lý');
  return p;
}

/** Pushes the ticket as it is now to open consoles; returns it. */
async function announceTicket(ctx: AppContext, ticketId: string, reason: string): Promise<Ticket> {
  const t = (await getTicketById(ctx.db, ticketId))!;
  ctx.bus.emit('ticket', ticketEvent(t, reason));
  return t;
}

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
  ctx.bus.emit('ticket', ticketEvent(ticket, 'agency_answer_proposed'));
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
  const p = await pendingProposal(ctx.db, id);
  const ticket = (await getTicketById(ctx.db, p.ticketId))!;
  const author = (await getUser(ctx.db, p.authorId)) ?? reviewer;
  const text = editedText ?? p.text;
  // Claimed in the transaction that sends (or records) the answer, so that two reviewers cannot send it
  // twice and a reply that cannot go out leaves the proposal pending.
  const claim = async (tx: Queryable, messageId: string | null) => {
    await pendingProposal(tx, id);
    await reviewProposal(tx, id, { status: 'approved', reviewerId: reviewer.id, sentText: text, messageId });
  };
  let messageId: string | null = null;
  if (ticket.conversationId) {
    ({ messageId } = await replyToCitizen(ctx, author, { ticket }, text, { final: p.final, inTransaction: claim }));
  } else {
    await ctx.db.transaction(async (tx) => {
      await claim(tx, null);
      await tx.query(
        `UPDATE tickets SET resolution = $2, status = CASE WHEN $3 THEN 'answered' ELSE status END,
        answered_at = CASE WHEN $3 THEN COALESCE(answered_at, now()) ELSE answered_at END, updated_at = now() WHERE id = $1`,
        [ticket.id, text, p.final],
      );
    });
  }
  await logEvent(ctx.db, {
    type: 'agency_answer_approved',
    actor: actorOf(reviewer),
    ticketId: ticket.id,
    conversationId: ticket.conversationId,
    data: { proposalId: id, author: p.author, edited: editedText !== undefined && editedText !== p.text, text, messageId },
  });
  const t = await announceTicket(ctx, ticket.id, 'agency_answer_approved');
  return { messageId, ticketCode: t.code };
}

/** Rejects a proposal with a reason (shown to the focal point in the ticket's log). */
export async function rejectProposal(ctx: AppContext, reviewer: User, id: string, reason: string): Promise<void> {
  const p = await ctx.db.transaction(async (tx) => {
    const p = await pendingProposal(tx, id);
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
  await announceTicket(ctx, p.ticketId, 'agency_answer_rejected');
}
