/** Suggests the responsible agency when a citizen's text names a commune, ward or agency. */
import type { Queryable } from '../db/database';
import { foldDiacritics } from '../nlu/fold';

/** The agency whose name or alias appears in the text (longest match wins), or null. */
export async function suggestAgency(q: Queryable, text: string): Promise<{ id: string; code: string } | null> {
  const folded = ` ${foldDiacritics(text)} `;
  const r = await q.query<{ id: string; code: string; name: string; aliases: string[] }>(
    `SELECT id, code, name, aliases FROM agencies WHERE active AND kind = 'commune'`,
  );
  let best: { id: string; code: string; len: number } | null = null;
  for (const a of r.rows) {
    for (const alias of [a.name, ...a.aliases]) {
      const f = foldDiacritics(alias);
      if (f.length >= 4 && folded.includes(` ${f} `) && (!best || f.length > best.len)) best = { id: a.id, code: a.code, len: f.length };
    }
  }
  return best && { id: best.id, code: best.code };
}
