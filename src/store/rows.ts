/** Row helpers shared by the store modules: rows read as API objects, and partial updates. */
import type { Queryable } from '../db/database';

const camel = (column: string) => column.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/**
 * The listed columns of a row under camelCase names (`last_inbound_at` → `lastInboundAt`), for
 * tables whose API shape is the row itself. `columns` is the select list, as the SQL uses it.
 */
export function camelRow<T>(row: Record<string, unknown>, columns: string): T {
  const out: Record<string, unknown> = {};
  for (const column of columns.split(',')) out[camel(column.trim())] = row[column.trim()] ?? null;
  return out as T;
}

/** A select list with every column qualified by `alias` (`id, name` → `c.id, c.name`), for a join. */
export function qualified(columns: string, alias: string): string {
  return columns.replace(/(\w+)/g, `${alias}.$1`);
}

/**
 * Updates row `id` of `table`: every column whose value is not undefined, then the `extra` SQL
 * assignments; `updated_at` is stamped. Column names come from the store modules, never from input.
 */
export async function updateRow(
  q: Queryable,
  table: string,
  id: string,
  columns: Record<string, unknown>,
  extra: string[] = [],
): Promise<void> {
  const params: unknown[] = [id];
  const sets = ['updated_at = now()'];
  for (const [column, value] of Object.entries(columns)) {
    if (value === undefined) continue;
    params.push(value);
    sets.push(`${column} = $${params.length}`);
  }
  await q.query(`UPDATE ${table} SET ${[...sets, ...extra].join(', ')} WHERE id = $1`, params);
}
