/**
 * A citizen's ticket status lookup, kept private: the status goes to the contact who owns the ticket
 * (same contact, same channel), or to whoever also gives the last 4 digits of the phone number on it.
 * An unknown code and someone else's code get the same answer (the question for those digits), so a
 * lookup never tells whether a code exists.
 */
import type { Queryable } from '../db/database';
import type { Conversation } from '../store/conversations';
import { getTicketByCode, getTicketById, type Ticket } from '../store/tickets';

/** Failed phone checks allowed per lookup before the bot stops asking. */
export const MAX_PHONE_TRIES = 3;

/**
 * The ticket of `code` when the conversation's contact owns it on this channel, else null. A code
 * without its random part (1022-YYYY-NNNNNN) also finds the owner's own newer ticket of that number.
 */
export async function ownTicketByCode(
  q: Queryable,
  conv: Pick<Conversation, 'contactId' | 'channel'>,
  code: string,
): Promise<Ticket | null> {
  const exact = await getTicketByCode(q, code);
  if (exact) return ownedBy(exact, conv) ? exact : null;
  if (!/^1022-\d{4}-\d{6}$/.test(code)) return null;
  const r = await q.query<{ id: string }>(
    `SELECT id FROM tickets WHERE contact_id = $1 AND channel = $2 AND code LIKE $3 || '-%' LIMIT 1`,
    [conv.contactId, conv.channel, code],
  );
  return r.rows[0] ? getTicketById(q, r.rows[0].id) : null;
}

function ownedBy(t: Ticket, conv: Pick<Conversation, 'contactId' | 'channel'>): boolean {
  return !!t.contact && t.contact.id === conv.contactId && t.channel === conv.channel;
}

/** The ticket of `code` when `digits` are the last 4 digits of the phone on it (the caller's or the contact's), else null. */
export async function ticketByPhoneDigits(q: Queryable, code: string, digits: string): Promise<Ticket | null> {
  if (!/^\d{4}$/.test(digits)) return null;
  const t = await getTicketByCode(q, code);
  if (!t) return null;
  const phones = [t.callerPhone, t.contact?.phone].map((p) => (p ?? '').replace(/\D/g, '')).filter((p) => p.length >= 8);
  return phones.some((p) => p.endsWith(digits)) ? t : null;
}
