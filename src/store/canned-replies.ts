/** Canned replies: ready-made operator answers with a shortcut. */
import type { Queryable } from '../db/database';

/** A canned reply. */
export interface CannedReply {
  id: string;
  shortcut: string;
  title: string;
  text: string;
  updatedAt: Date;
}

const COLUMNS = 'id, shortcut, title, text, updated_at';
const toReply = (r: Record<string, unknown>): CannedReply => ({
  id: r.id as string,
  shortcut: r.shortcut as string,
  title: r.title as string,
  text: r.text as string,
  updatedAt: r.updated_at as Date,
});

/** All canned replies, by shortcut. */
export async function listCannedReplies(q: Queryable): Promise<CannedReply[]> {
  const r = await q.query(`SELECT ${COLUMNS} FROM canned_replies ORDER BY shortcut`);
  return r.rows.map(toReply);
}

/** Creates a canned reply; null when the shortcut is taken. */
export async function createCannedReply(
  q: Queryable,
  c: { shortcut: string; title: string; text: string; userId: string },
): Promise<CannedReply | null> {
  const r = await q.query(
    `INSERT INTO canned_replies (shortcut, title, text, created_by, updated_by) VALUES ($1, $2, $3, $4, $4)
     ON CONFLICT (shortcut) DO NOTHING RETURNING ${COLUMNS}`,
    [c.shortcut, c.title, c.text, c.userId],
  );
  return r.rows[0] ? toReply(r.rows[0]) : null;
}

/** Changes a canned reply; null when it does not exist. Throws on a duplicate shortcut (unique violation). */
export async function updateCannedReply(
  q: Queryable,
  id: string,
  p: { shortcut?: string; title?: string; text?: string; userId: string },
): Promise<CannedReply | null> {
  const r = await q.query(
    `UPDATE canned_replies SET shortcut = COALESCE($2, shortcut), title = COALESCE($3, title), text = COALESCE($4, text),
       updated_by = $5, updated_at = now()
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [id, p.shortcut ?? null, p.title ?? null, p.text ?? null, p.userId],
  );
  return r.rows[0] ? toReply(r.rows[0]) : null;
}

/** Deletes a canned reply; false when it did not exist. */
export async function deleteCannedReply(q: Queryable, id: string): Promise<boolean> {
  const r = await q.query('DELETE FROM canned_replies WHERE id = $1', [id]);
  return r.rowCount > 0;
}
