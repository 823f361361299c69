/** Agency answers waiting for approval (setting `agencyReplyMode = approval`). */
import type { Queryable } from '../db/database';

/** A proposal as the console lists it. */
export interface Proposal {
  id: string;
  ticketId: string;
  ticketCode: string;
  ticketTitle: string;
  text: string;
  final: boolean;
  status: 'pending' | 'approved' | 'rejected';
  agency: { code: string; name: string } | null;
  author: string | null;
  authorId: string;
  reason: string | null;
  createdAt: Date;
}

const SELECT = `
  SELECT p.id, p.ticket_id, t.code AS ticket_code, t.title AS ticket_title, p.text, p.final, p.status, p.reason, p.author_id, p.created_at,
         u.display_name AS author_name, a.code AS agency_code, a.name AS agency_name
  FROM agency_proposals p
  JOIN tickets t ON t.id = p.ticket_id
  LEFT JOIN users u ON u.id = p.author_id
  LEFT JOIN agencies a ON a.id = u.agency_id`;

function toProposal(r: Record<string, unknown>): Proposal {
  return {
    id: r.id as string,
    ticketId: r.ticket_id as string,
    ticketCode: r.ticket_code as string,
    ticketTitle: r.ticket_title as string,
    text: r.text as string,
    final: r.final as boolean,
    status: r.status as Proposal['status'],
    agency: r.agency_code ? { code: r.agency_code as string, name: r.agency_name as string } : null,
    author: (r.author_name as string) ?? null,
    authorId: r.author_id as string,
    reason: (r.reason as string) ?? null,
    createdAt: r.created_at as Date,
  };
}

/** Stores a pending proposal; returns its id. */
export async function insertProposal(
  q: Queryable,
  p: { ticketId: string; authorId: string; text: string; final: boolean },
): Promise<string> {
  const r = await q.query<{ id: string }>(
    'INSERT INTO agency_proposals (ticket_id, author_id, text, final) VALUES ($1, $2, $3, $4) RETURNING id',
    [p.ticketId, p.authorId, p.text, p.final],
  );
  return r.rows[0].id;
}

/** Pending proposals, oldest first (optionally of one ticket). */
export async function listPendingProposals(q: Queryable, ticketId?: string): Promise<Proposal[]> {
  const r = await q.query(
    `${SELECT} WHERE p.status = 'pending' ${ticketId ? 'AND p.ticket_id = $1' : ''} ORDER BY p.created_at LIMIT 500`,
    ticketId ? [ticketId] : [],
  );
  return r.rows.map(toProposal);
}

/** A proposal by id, locked for the transaction. */
export async function getProposalForUpdate(q: Queryable, id: string): Promise<Proposal | null> {
  const lock = await q.query('SELECT id FROM agency_proposals WHERE id = $1 FOR UPDATE', [id]);
  if (lock.rows.length === 0) return null;
  const r = await q.query(`${SELECT} WHERE p.id = $1`, [id]);
  return r.rows[0] ? toProposal(r.rows[0]) : null;
}

/** Records the review of a proposal. */
export async function reviewProposal(
  q: Queryable,
  id: string,
  r: { status: 'approved' | 'rejected'; reviewerId: string; reason?: string | null; sentText?: string | null; messageId?: string | null },
): Promise<void> {
  await q.query(
    `UPDATE agency_proposals SET status = $2, reviewer_id = $3, reviewed_at = now(), reason = $4, sent_text = $5, message_id = $6 WHERE id = $1`,
    [id, r.status, r.reviewerId, r.reason ?? null, r.sentText ?? null, r.messageId ?? null],
  );
}
