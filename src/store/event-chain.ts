/**
 * Verification of the processing log's hash chains (migration 011). The database links each event
 * to the previous one of its chain when it is inserted (a ticket's events; a conversation's events
 * outside any ticket; the rest); here every hash is recomputed with the same SQL function and every
 * link compared with the previous event's hash, so an edited, inserted or removed event shows.
 */
import type { Queryable } from '../db/database';

/** A chain with events that do not verify. */
export interface BrokenChain {
  /** `t:<ticket id>`, `c:<conversation id>` or `g`. */
  chain: string;
  /** The first event whose hash or link is wrong. */
  firstBadEventId: number;
  badEvents: number;
}

/** What a verification found. */
export interface ChainReport {
  ok: boolean;
  events: number;
  chains: number;
  broken: BrokenChain[];
}

// One row per event: whether its own hash, its link to the previous event of its chain and its
// position (one more than the previous one's) hold.
const CHECKED = `
  SELECT chain, id,
         (hash IS DISTINCT FROM recomputed OR prev_hash IS DISTINCT FROM lag(hash) OVER w
          OR chain_seq IS DISTINCT FROM coalesce(lag(chain_seq) OVER w, 0) + 1) AS bad
    FROM (SELECT ev.id, ev.chain_seq, ev.hash, ev.prev_hash, event_hash(ev.prev_hash, ev) AS recomputed,
                 event_chain_key(ev.ticket_id, ev.conversation_id) AS chain
            FROM events ev %WHERE%) e
  WINDOW w AS (PARTITION BY chain ORDER BY chain_seq)`;

async function verify(q: Queryable, where: string, params: unknown[]): Promise<ChainReport> {
  const r = await q.query<{ chain: string; events: number; bad: number; first_bad: string | null }>(
    `SELECT chain, count(*)::int AS events, count(*) FILTER (WHERE bad)::int AS bad, min(id) FILTER (WHERE bad)::text AS first_bad
       FROM (${CHECKED.replace('%WHERE%', where)}) c GROUP BY chain`,
    params,
  );
  const broken = r.rows
    .filter((row) => row.bad > 0)
    .map((row) => ({ chain: row.chain, firstBadEventId: Number(row.first_bad), badEvents: row.bad }))
    .sort((a, b) => a.firstBadEventId - b.firstBadEventId);
  return { ok: broken.length === 0, events: r.rows.reduce((n, row) => n + row.events, 0), chains: r.rows.length, broken };
}

/** Verifies every chain of the processing log. */
export function verifyAllChains(q: Queryable): Promise<ChainReport> {
  return verify(q, '', []);
}

/** Verifies a ticket's processing log: its own chain and its conversation's events outside tickets. */
export function verifyTicketChain(q: Queryable, ticketId: string, conversationId: string | null): Promise<ChainReport> {
  return verify(q, 'WHERE ev.ticket_id = $1::uuid OR ($2::uuid IS NOT NULL AND ev.conversation_id = $2::uuid AND ev.ticket_id IS NULL)', [
    ticketId,
    conversationId,
  ]);
}
