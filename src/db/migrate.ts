/** Numbered SQL migrations from `migrations/`, applied once each, in order, at start. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectPath } from '../paths';
import type { Database } from './database';
import { withStartLock } from './locks';

const DIR = projectPath('src', 'db', 'migrations');

/** Applies the migrations not applied yet; returns their names. */
export async function migrate(db: Database): Promise<string[]> {
  // CREATE TABLE IF NOT EXISTS is not race-safe either (two sessions can both create the row type).
  await withStartLock(db, (tx) =>
    tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`),
  );
  const done = new Set((await db.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name));
  const files = readdirSync(DIR)
    .filter((f) => /^\d{3}_.+\.sql$/.test(f))
    .sort();
  const applied: string[] = [];
  for (const file of files) {
    if (done.has(file)) continue;
    const sql = readFileSync(join(DIR, file), 'utf8');
    // Under the start-up lock, so two processes starting together on one server do not race.
    await withStartLock(db, async (tx) => {
      const again = await tx.query('SELECT 1 FROM schema_migrations WHERE name = $1', [file]);
      if (again.rowCount > 0) return;
      for (const statement of splitSql(sql)) await tx.query(statement);
      await tx.query('INSERT INTO schema_migrations (name) VALUES ($1)', [file]);
      applied.push(file);
    });
  }
  return applied;
}

/** Splits a migration into statements: each ends with `;` at a line end; `$$` bodies are kept whole. */
function splitSql(sql: string): string[] {
  const out: string[] = [];
  let current = '';
  let inDollar = false;
  for (const line of sql.split('\n')) {
    if (/^\s*--/.test(line) && !inDollar) continue;
    current += line + '\n';
    const dollars = line.match(/\$\$/g)?.length ?? 0;
    if (dollars % 2 === 1) inDollar = !inDollar;
    if (!inDollar && /;\s*$/.test(line)) {
      out.push(current.trim());
      current = '';
    }
  }
  if (current.trim()) out.push(current.trim());
  return out;
}
