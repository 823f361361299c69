/**
 * Ticket codes (phiếu) as citizens see them: `1022-YYYY-NNNNNN-XXXX`, the year, the year's counter and
 * four random characters from an alphabet without look-alikes (no I, L, O, 0, 1). Codes issued before
 * the random part existed have no suffix. Adapters find them in what citizens send (mail subjects).
 */

/** The characters of a code's random part. */
export const TICKET_CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

const CODE = String.raw`1022-\d{4}-\d{6}(?:-[A-HJKMNP-Z2-9]{4})?`;

/** A whole ticket code (any letter case). */
export const TICKET_CODE_RE = new RegExp(`^${CODE}$`, 'i');

// Not global: `exec` keeps no state between calls.
const CODE_IN_TEXT = new RegExp(String.raw`\b${CODE}\b`, 'i');

/** The first ticket code inside a text, upper-cased as codes are stored, or undefined. */
export function ticketCodeIn(text: string): string | undefined {
  return CODE_IN_TEXT.exec(text)?.[0].toUpperCase();
}
