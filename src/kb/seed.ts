/**
 * First-start seeding: the knowledge base, fields, agencies and training phrases are copied from
 * files into the database once; from then on the database is the live copy (edited by admins).
 */
import type { Database } from '../db/database';
import type { KnowledgeSeed } from '../knowledge/schema';
import type { TrainingData } from '../nlu/types';

/** Counts of what was seeded (zero where the table already had data). */
export interface SeedResult {
  procedures: number;
  services: number;
  fields: number;
  agencies: number;
  examples: number;
}

async function isEmpty(db: Database, table: string): Promise<boolean> {
  const r = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
  return r.rows[0].n === 0;
}

/** Seeds every empty table from the files. */
export async function seedKnowledge(db: Database, seed: KnowledgeSeed, training: TrainingData): Promise<SeedResult> {
  const result: SeedResult = { procedures: 0, services: 0, fields: 0, agencies: 0, examples: 0 };
  await db.transaction(async (tx) => {
    if (await isEmpty(db, 'fields')) {
      for (const f of seed.fields) await tx.query('INSERT INTO fields (code, name, sort) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [f.code, f.name, f.sort_order]);
      result.fields = seed.fields.length;
    }
    if (await isEmpty(db, 'agencies')) {
      for (const a of seed.agencies) {
        await tx.query(
          `INSERT INTO agencies (code, name, kind, parent_code, phone, email, fields, aliases, notes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
          [a.code, a.name, a.kind, a.parent, a.phone, a.email, a.fields, a.aliases, a.notes],
        );
      }
      result.agencies = seed.agencies.length;
    }
    if (await isEmpty(db, 'kb_procedures')) {
      for (const p of seed.procedures) {
        await tx.query('INSERT INTO kb_procedures (intent, field, title, data) VALUES ($1, $2, $3, $4::jsonb)', [p.intent, p.field, p.title, JSON.stringify(p)]);
        await tx.query(`INSERT INTO kb_versions (item_kind, item_id, version, data) VALUES ('procedure', $1, 1, $2::jsonb)`, [p.intent, JSON.stringify(p)]);
      }
      result.procedures = seed.procedures.length;
    }
    if (await isEmpty(db, 'kb_services')) {
      for (const s of seed.services) await tx.query('INSERT INTO kb_services (id, intent, data) VALUES ($1, $2, $3::jsonb)', [s.id, s.intent, JSON.stringify(s)]);
      result.services = seed.services.length;
    }
    if (await isEmpty(db, 'training_examples')) {
      for (const i of training.intents) {
        for (const text of i.examples) {
          await tx.query(`INSERT INTO training_examples (intent, text) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [i.name, text]);
          result.examples++;
        }
      }
    }
  });
  return result;
}

/** The live training data: phrases from the database, synonyms and regexes from the bot's file. */
export async function liveTrainingData(db: Database, fromFile: TrainingData): Promise<TrainingData> {
  const r = await db.query<{ intent: string; text: string }>('SELECT intent, text FROM training_examples ORDER BY intent, id');
  const byIntent = new Map<string, string[]>();
  for (const row of r.rows) byIntent.set(row.intent, [...(byIntent.get(row.intent) ?? []), row.text]);
  return { intents: [...byIntent].map(([name, examples]) => ({ name, examples })), synonyms: fromFile.synonyms, regexes: fromFile.regexes };
}
