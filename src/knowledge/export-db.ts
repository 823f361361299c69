/**
 * Reads the live knowledge base back from the database (the copy admins edit in the console) and
 * exports it to a knowledge directory with `writeKnowledge`, validated exactly like the files are on
 * start, so an export can always be seeded again. Rows come out in a fixed order (the tables have
 * none), so repeated exports of an unchanged database give the same bytes.
 */
import type { z } from 'zod';
import type { Queryable } from '../db/database';
import { checkReferences, KnowledgeError } from './read-files';
import { Agency, type AgencyKind, Field, Procedure, SERVICE_INTENTS, ServiceAnswer, type KnowledgeSeed } from './schema';
import { writeKnowledge } from './write-files';

/** What an export wrote. */
export interface ExportCounts {
  procedures: number;
  services: number;
  fields: number;
  agencies: number;
}

const KIND_ORDER: readonly AgencyKind[] = ['department', 'vertical', 'other', 'commune'];
const rank = <T>(list: readonly T[], value: T) => {
  const i = list.indexOf(value);
  return i === -1 ? list.length : i;
};
const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Agencies in export order: provincial departments, vertical agencies, others, then communes; by code within a kind. */
export function sortAgencies(agencies: Agency[]): Agency[] {
  return [...agencies].sort((a, b) => rank(KIND_ORDER, a.kind) - rank(KIND_ORDER, b.kind) || byCode(a.code, b.code));
}

/** Service answers in export order: by intent as listed in `intents.md`, then by id. */
export function sortServices(services: ServiceAnswer[]): ServiceAnswer[] {
  const intents: readonly string[] = SERVICE_INTENTS;
  return [...services].sort((a, b) => rank(intents, a.intent) - rank(intents, b.intent) || byCode(a.intent, b.intent) || byCode(a.id, b.id));
}

/** Fields in export order: by sort order, then code. */
export function sortFields(fields: Field[]): Field[] {
  return [...fields].sort((a, b) => a.sort_order - b.sort_order || byCode(a.code, b.code));
}

function issues(where: string, error: z.ZodError): string[] {
  return error.issues.map((i) => `${where}: field "${i.path.map(String).join('.') || '(root)'}": ${i.message}`);
}

function asObject(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

async function readProcedures(q: Queryable, problems: string[]): Promise<Procedure[]> {
  const r = await q.query<{ intent: string; data: unknown }>('SELECT intent, data FROM kb_procedures ORDER BY intent');
  const out: Procedure[] = [];
  for (const row of r.rows) {
    const where = `kb_procedures "${row.intent}"`;
    const parsed = Procedure.safeParse({ intent: row.intent, ...asObject(row.data) });
    if (!parsed.success) problems.push(...issues(where, parsed.error));
    else if (parsed.data.intent !== row.intent) problems.push(`${where}: field "intent": is "${parsed.data.intent}" but the row key is "${row.intent}"`);
    else out.push(parsed.data);
  }
  return out;
}

async function readServices(q: Queryable, problems: string[]): Promise<ServiceAnswer[]> {
  const r = await q.query<{ id: string; intent: string; data: unknown }>('SELECT id, intent, data FROM kb_services ORDER BY id');
  const out: ServiceAnswer[] = [];
  for (const row of r.rows) {
    const where = `kb_services "${row.id}"`;
    const parsed = ServiceAnswer.safeParse({ id: row.id, intent: row.intent, ...asObject(row.data) });
    if (!parsed.success) problems.push(...issues(where, parsed.error));
    else if (parsed.data.id !== row.id || parsed.data.intent !== row.intent) {
      problems.push(`${where}: fields "id", "intent": the data says "${parsed.data.id}" / "${parsed.data.intent}" but the row has "${row.id}" / "${row.intent}"`);
    } else out.push(parsed.data);
  }
  return out;
}

async function readFields(q: Queryable, problems: string[]): Promise<Field[]> {
  const r = await q.query<{ code: string; name: string; sort: number }>('SELECT code, name, sort FROM fields ORDER BY sort, code');
  const out: Field[] = [];
  for (const row of r.rows) {
    const parsed = Field.safeParse({ code: row.code, name: row.name, sort_order: row.sort });
    if (parsed.success) out.push(parsed.data);
    else problems.push(...issues(`fields "${row.code}"`, parsed.error));
  }
  return out;
}

/** Only active agencies are exported: a deactivated one stays in the database for old tickets, not in the seed. */
async function readAgencies(q: Queryable, problems: string[]): Promise<Agency[]> {
  const r = await q.query<{
    code: string;
    name: string;
    kind: string;
    parent_code: string | null;
    phone: string | null;
    email: string | null;
    fields: string[] | null;
    aliases: string[] | null;
    notes: string | null;
  }>('SELECT code, name, kind, parent_code, phone, email, fields, aliases, notes FROM agencies WHERE active ORDER BY code');
  const out: Agency[] = [];
  for (const row of r.rows) {
    const blank = (s: string | null) => (s === null || s.trim() === '' ? null : s);
    const parsed = Agency.safeParse({
      code: row.code,
      name: row.name,
      kind: row.kind,
      parent: blank(row.parent_code),
      phone: blank(row.phone),
      email: blank(row.email),
      fields: row.fields ?? [],
      aliases: row.aliases ?? [],
      notes: blank(row.notes),
    });
    if (parsed.success) out.push(parsed.data);
    else problems.push(...issues(`agencies "${row.code}"`, parsed.error));
  }
  return out;
}

/**
 * The live knowledge base as a seed, in export order. Throws a `KnowledgeError` listing every row that
 * would not load from files (invalid values, unknown field or agency codes), so nothing half-valid is exported.
 */
export async function readKnowledgeFromDb(q: Queryable): Promise<KnowledgeSeed> {
  const problems: string[] = [];
  const seed: KnowledgeSeed = {
    procedures: await readProcedures(q, problems),
    services: sortServices(await readServices(q, problems)),
    fields: sortFields(await readFields(q, problems)),
    agencies: sortAgencies(await readAgencies(q, problems)),
  };
  if (problems.length === 0) problems.push(...checkReferences(seed));
  if (problems.length > 0) throw new KnowledgeError(problems);
  return seed;
}

/** Whether the database has the knowledge tables (the gateway has migrated it at least once). */
export async function hasKnowledgeTables(q: Queryable): Promise<boolean> {
  const r = await q.query<{ t: string | null }>(`SELECT to_regclass('kb_procedures')::text AS t`);
  return r.rows[0]?.t != null;
}

/**
 * Exports the live knowledge base into `dir` (see `writeKnowledge`: procedure files of intents no longer
 * in the database are removed). Refuses an empty knowledge base, which would wipe the reviewed files.
 */
export async function exportKnowledge(q: Queryable, dir: string): Promise<ExportCounts> {
  const seed = await readKnowledgeFromDb(q);
  if (seed.procedures.length === 0) {
    throw new Error('The database holds no procedures: nothing was exported (has the gateway seeded it?)');
  }
  writeKnowledge(dir, seed);
  return { procedures: seed.procedures.length, services: seed.services.length, fields: seed.fields.length, agencies: seed.agencies.length };
}
