/**
 * Seeding at start: the knowledge base, fields and agencies are copied from files into the database
 * once; from then on the database is the live copy (edited by admins). Training phrases too, and a
 * later release's new phrases are added to a database already seeded (`training_seeds`).
 */
import { createHash } from 'node:crypto';
import type { Database, Queryable } from '../db/database';
import { kvGet, kvSet } from '../store/kv';
import { withStartLock } from '../db/locks';
import type { KnowledgeSeed } from './schema';
import type { TrainingData } from '../nlu/types';

/** Counts of what was seeded (zero where the table already had data). */
export interface SeedResult {
  procedures: number;
  services: number;
  fields: number;
  agencies: number;
  examples: number;
}

// Takes the transaction: on PGlite a query on `db` inside `db.transaction` waits for the transaction to end (deadlock).
async function isEmpty(q: Queryable, table: string): Promise<boolean> {
  const r = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return r.rows[0].n === 0;
}

/** Inserts `rows` with one statement: `sql` reads them from `jsonb_to_recordset($1)`. */
async function insertAll(q: Queryable, sql: string, rows: unknown[]): Promise<number> {
  if (rows.length === 0) return 0;
  await q.query(sql, [JSON.stringify(rows)]);
  return rows.length;
}

/**
 * Seeds every empty table from the files (one statement per table: fast on PGlite too), under the
 * start-up lock: of several nodes started together on an empty database, one seeds and the others see it done.
 */
export async function seedKnowledge(db: Database, seed: KnowledgeSeed, training: TrainingData): Promise<SeedResult> {
  const result: SeedResult = { procedures: 0, services: 0, fields: 0, agencies: 0, examples: 0 };
  await withStartLock(db, async (tx) => {
    if (await isEmpty(tx, 'fields')) {
      result.fields = await insertAll(
        tx,
        `INSERT INTO fields (code, name, sort)
         SELECT code, name, sort_order FROM jsonb_to_recordset($1::jsonb) AS r(code text, name text, sort_order int)
         ON CONFLICT DO NOTHING`,
        seed.fields,
      );
    }
    if (await isEmpty(tx, 'agencies')) {
      result.agencies = await insertAll(
        tx,
        `INSERT INTO agencies (code, name, kind, parent_code, phone, email, fields, aliases, notes)
         SELECT code, name, kind, parent, phone, email,
                ARRAY(SELECT jsonb_array_elements_text(fields)), ARRAY(SELECT jsonb_array_elements_text(aliases)), notes
         FROM jsonb_to_recordset($1::jsonb)
           AS r(code text, name text, kind text, parent text, phone text, email text, fields jsonb, aliases jsonb, notes text)
         ON CONFLICT DO NOTHING`,
        seed.agencies,
      );
    }
    if (await isEmpty(tx, 'kb_procedures')) {
      const rows = seed.procedures.map((p) => ({ intent: p.intent, field: p.field, title: p.title, data: p }));
      result.procedures = await insertAll(
        tx,
        `INSERT INTO kb_procedures (intent, field, title, data)
         SELECT intent, field, title, data FROM jsonb_to_recordset($1::jsonb) AS r(intent text, field text, title text, data jsonb)`,
        rows,
      );
      await insertAll(
        tx,
        `INSERT INTO kb_versions (item_kind, item_id, version, data)
         SELECT 'procedure', intent, 1, data FROM jsonb_to_recordset($1::jsonb) AS r(intent text, data jsonb)`,
        rows,
      );
    }
    if (await isEmpty(tx, 'kb_services')) {
      result.services = await insertAll(
        tx,
        `INSERT INTO kb_services (id, intent, data)
         SELECT id, intent, data FROM jsonb_to_recordset($1::jsonb) AS r(id text, intent text, data jsonb)`,
        seed.services.map((s) => ({ id: s.id, intent: s.intent, data: s })),
      );
    }
    result.examples = await seedTrainingPhrases(tx, training);
  });
  return result;
}

/** The kv_state key of the SHA-256 of the training files' phrases last offered to the database. */
const OFFERED_KEY = 'training:files-offered';

/**
 * Adds the file phrases this database was never offered (all of them on a first start; after an
 * upgrade, those the new release added), and remembers them in training_seeds so that a phrase an
 * admin deleted is not added again. Returns how many phrases were added.
 */
async function seedTrainingPhrases(q: Queryable, training: TrainingData): Promise<number> {
  const rows = training.intents.flatMap((i) => i.examples.map((text) => ({ intent: i.name, text }))).map((r, ord) => ({ ...r, ord }));
  if (rows.length === 0) return 0;
  // The same files as at the last start: nothing to compare (the comparison reads every phrase).
  const param = JSON.stringify(rows);
  const fingerprint = createHash('sha256').update(param).digest('hex');
  if ((await kvGet<string>(q, OFFERED_KEY)) === fingerprint) return 0;
  const r = await q.query<{ n: number }>(
    `WITH offered AS (SELECT intent, text, ord FROM jsonb_to_recordset($1::jsonb) AS r(intent text, text text, ord int)),
     fresh AS (INSERT INTO training_seeds (intent, text) SELECT intent, text FROM offered ON CONFLICT DO NOTHING RETURNING intent, text),
     added AS (
       INSERT INTO training_examples (intent, text)
       SELECT o.intent, o.text FROM offered o JOIN fresh f USING (intent, text) ORDER BY o.ord
       ON CONFLICT DO NOTHING RETURNING 1
     )
     SELECT count(*)::int AS n FROM added`,
    [param],
  );
  await kvSet(q, OFFERED_KEY, fingerprint);
  return r.rows[0].n;
}

/** The live training data: phrases from the database, synonyms and regexes from the bot's file. */
export async function liveTrainingData(db: Database, fromFile: TrainingData): Promise<TrainingData> {
  const r = await db.query<{ intent: string; text: string }>('SELECT intent, text FROM training_examples ORDER BY intent, id');
  const byIntent = new Map<string, string[]>();
  for (const row of r.rows) {
    const examples = byIntent.get(row.intent);
    if (examples) examples.push(row.text);
    else byIntent.set(row.intent, [row.text]);
  }
  return { intents: [...byIntent].map(([name, examples]) => ({ name, examples })), synonyms: fromFile.synonyms, regexes: fromFile.regexes };
}
