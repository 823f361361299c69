/**
 * Rows sent to PostgreSQL as one JSON parameter (`jsonb_to_recordset($1::jsonb)`, the multi-row
 * statements of the pipeline). A JavaScript string may hold a lone UTF-16 surrogate (a provider's
 * malformed "\ud800"): as a text parameter the driver's UTF-8 encoding turns it into U+FFFD, but
 * `JSON.stringify` writes it as the escape "\ud800", which PostgreSQL's JSON parser refuses. Every
 * string is made well-formed first, so a row stores the same text either way.
 *
 * The planner takes such an input for 100 rows, and a queue's tables for as small as they were at
 * their last statistics: joined by primary key, it then reads the whole table for a group of a
 * few dozen (a hash join over a sequential scan; 7,600 messages read to mark 61 sent). The
 * statements that update or remove rows of the input by primary key therefore also name them as
 * `id = ANY(ARRAY(SELECT id FROM input))`, which the planner reads as a lookup of about ten keys
 * by the primary key's index. Only where the key is the primary key: on other columns a small
 * table read whole with that test costs the input's length per row; lookups by other keys are made
 * one per row instead (a subquery with LIMIT 1 on a unique index: `openThreads`).
 */

/** `value` as a JSON parameter, each string well-formed (lone surrogates replaced by U+FFFD). */
export function jsonParam(value: unknown): string {
  const json = JSON.stringify(value);
  // A surrogate pair is written as it is, a lone one as an escape: without "\ud" (nearly always) it is done.
  return json.includes('\\ud') ? JSON.stringify(value, (_key, v: unknown) => (typeof v === 'string' ? wellFormed(v) : v)) : json;
}

/** `String.prototype.toWellFormed` (ES2024; Node 20 has it, this project's `lib` does not yet). */
const wellFormed = (s: string): string => (s as string & { toWellFormed(): string }).toWellFormed();
