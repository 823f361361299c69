/**
 * Reads the knowledge base seed from its directory:
 * `procedures/<intent>.yml`, `services.yml`, `fields.csv`, `agencies.csv`.
 * Every problem is reported with the file and the field, all at once, so an editor can fix a batch in one go.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import type { z } from 'zod';
import { ValidationError } from '../errors';
import { CsvError, parseCsv, type CsvRecord } from './csv';
import { Agency, Field, Procedure, ServicesFile, type KnowledgeSeed, type ServiceAnswer } from './schema';

/** File names inside the knowledge directory. */
export const KNOWLEDGE_FILES = {
  procedures: 'procedures',
  services: 'services.yml',
  fields: 'fields.csv',
  agencies: 'agencies.csv',
} as const;

/** Columns of `fields.csv`, in order. */
export const FIELD_COLUMNS = ['code', 'name', 'sort_order'] as const;
/** Columns of `agencies.csv`, in order. */
export const AGENCY_COLUMNS = ['code', 'name', 'kind', 'parent', 'phone', 'email', 'fields', 'aliases', 'notes'] as const;

/** Separator of list cells in the CSV files (fields, aliases). */
export const LIST_SEPARATOR = ';';

/** The knowledge files are invalid; `problems` lists each one as "file: field: message". */
export class KnowledgeError extends ValidationError {
  constructor(readonly problems: string[]) {
    super(`Invalid knowledge base (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n- ${problems.join('\n- ')}`, problems);
    this.name = 'KnowledgeError';
  }
}

type Problems = string[];

function zodProblems(file: string, error: z.ZodError, prefix = ''): string[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((p) => p !== '').join('.');
    return `${file}: field "${path || '(root)'}": ${issue.message}`;
  });
}

function readText(dir: string, name: string, problems: Problems): string | null {
  const path = join(dir, name);
  if (!existsSync(path)) {
    problems.push(`${name}: file not found in ${dir}`);
    return null;
  }
  return readFileSync(path, 'utf8');
}

function parseYaml(file: string, source: string, problems: Problems): unknown {
  try {
    return YAML.parse(source, { prettyErrors: true, uniqueKeys: true });
  } catch (err) {
    problems.push(`${file}: YAML syntax: ${(err as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

function readProcedures(dir: string, problems: Problems): Procedure[] {
  const folder = join(dir, KNOWLEDGE_FILES.procedures);
  if (!existsSync(folder)) {
    problems.push(`${KNOWLEDGE_FILES.procedures}/: folder not found in ${dir}`);
    return [];
  }
  const files = readdirSync(folder)
    .filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'))
    .sort();
  const out: Procedure[] = [];
  for (const f of files) {
    const file = `${KNOWLEDGE_FILES.procedures}/${f}`;
    const data = parseYaml(file, readFileSync(join(folder, f), 'utf8'), problems);
    if (data === undefined) continue;
    const parsed = Procedure.safeParse(data);
    if (!parsed.success) {
      problems.push(...zodProblems(file, parsed.error));
      continue;
    }
    const expected = f.replace(/\.ya?ml$/, '');
    if (parsed.data.intent !== expected) {
      problems.push(`${file}: field "intent": is "${parsed.data.intent}" but the file name says "${expected}"`);
      continue;
    }
    out.push(parsed.data);
  }
  return out;
}

function readServices(dir: string, problems: Problems): ServiceAnswer[] {
  const source = readText(dir, KNOWLEDGE_FILES.services, problems);
  if (source === null) return [];
  const data = parseYaml(KNOWLEDGE_FILES.services, source, problems);
  if (data === undefined) return [];
  const parsed = ServicesFile.safeParse(data);
  if (!parsed.success) {
    problems.push(...zodProblems(KNOWLEDGE_FILES.services, parsed.error));
    return [];
  }
  return parsed.data.answers;
}

function readCsv(dir: string, name: string, columns: readonly string[], problems: Problems): CsvRecord[] {
  const source = readText(dir, name, problems);
  if (source === null) return [];
  try {
    const { columns: found, records } = parseCsv(source, columns);
    const extra = found.filter((c) => !columns.includes(c));
    if (extra.length > 0) problems.push(`${name}: unknown column(s) ${extra.map((c) => `"${c}"`).join(', ')}`);
    return records;
  } catch (err) {
    if (err instanceof CsvError) {
      problems.push(`${name}: ${err.message}`);
      return [];
    }
    throw err;
  }
}

const nullable = (s: string) => (s.trim() === '' ? null : s.trim());
const splitList = (s: string) =>
  s
    .split(LIST_SEPARATOR)
    .map((x) => x.trim())
    .filter((x) => x !== '');

/** An agency row of `agencies.csv` (cells by column name) as the input of the Agency schema. */
export function agencyFromCsvValues(v: Record<string, string>): Record<string, unknown> {
  return {
    code: v.code.trim(),
    name: v.name,
    kind: v.kind.trim(),
    parent: nullable(v.parent),
    phone: nullable(v.phone),
    email: nullable(v.email),
    fields: splitList(v.fields),
    aliases: splitList(v.aliases),
    notes: nullable(v.notes),
  };
}

function readFields(dir: string, problems: Problems): Field[] {
  const out: Field[] = [];
  for (const r of readCsv(dir, KNOWLEDGE_FILES.fields, FIELD_COLUMNS, problems)) {
    const raw = r.values.sort_order.trim();
    const row = { code: r.values.code, name: r.values.name, sort_order: /^-?\d+$/.test(raw) ? Number(raw) : raw };
    const parsed = Field.safeParse(row);
    if (parsed.success) out.push(parsed.data);
    else problems.push(...zodProblems(`${KNOWLEDGE_FILES.fields}:${r.line}`, parsed.error));
  }
  return out;
}

function readAgencies(dir: string, problems: Problems): Agency[] {
  const out: Agency[] = [];
  for (const r of readCsv(dir, KNOWLEDGE_FILES.agencies, AGENCY_COLUMNS, problems)) {
    const v = r.values;
    const row = agencyFromCsvValues(v);
    const parsed = Agency.safeParse(row);
    if (parsed.success) out.push(parsed.data);
    else problems.push(...zodProblems(`${KNOWLEDGE_FILES.agencies}:${r.line}`, parsed.error));
  }
  return out;
}

function duplicates(values: string[]): string[] {
  const seen = new Set<string>();
  const dup = new Set<string>();
  for (const v of values) (seen.has(v) ? dup : seen).add(v);
  return [...dup];
}

/** Cross-file checks: unique keys, and every field or agency code referenced exists. Returns the problems. */
export function checkReferences(seed: KnowledgeSeed): string[] {
  const problems: string[] = [];
  const P = KNOWLEDGE_FILES;
  for (const d of duplicates(seed.procedures.map((p) => p.intent))) problems.push(`${P.procedures}/: intent "${d}" appears twice`);
  for (const d of duplicates(seed.services.map((s) => s.id))) problems.push(`${P.services}: id "${d}" appears twice`);
  for (const d of duplicates(seed.fields.map((f) => f.code))) problems.push(`${P.fields}: code "${d}" appears twice`);
  for (const d of duplicates(seed.agencies.map((a) => a.code))) problems.push(`${P.agencies}: code "${d}" appears twice`);

  const fields = new Set(seed.fields.map((f) => f.code));
  const agencies = new Set(seed.agencies.map((a) => a.code));
  for (const p of seed.procedures) {
    const file = `${P.procedures}/${p.intent}.yml`;
    if (!fields.has(p.field)) problems.push(`${file}: field "field": unknown field code "${p.field}" (see ${P.fields})`);
    p.agency_codes.forEach((c, i) => {
      if (!agencies.has(c)) problems.push(`${file}: field "agency_codes.${i}": unknown agency code "${c}" (see ${P.agencies})`);
    });
  }
  seed.services.forEach((s, i) => {
    if (s.field !== null && !fields.has(s.field)) problems.push(`${P.services}: field "answers.${i}.field": unknown field code "${s.field}" (see ${P.fields})`);
  });
  for (const a of seed.agencies) {
    if (a.parent !== null && !agencies.has(a.parent)) problems.push(`${P.agencies}: agency "${a.code}": column "parent": unknown agency code "${a.parent}"`);
    for (const f of a.fields) if (!fields.has(f)) problems.push(`${P.agencies}: agency "${a.code}": column "fields": unknown field code "${f}"`);
  }
  return problems;
}

/** Reads and validates the whole knowledge directory; throws a `KnowledgeError` listing every problem. */
export function readKnowledge(dir: string): KnowledgeSeed {
  const problems: Problems = [];
  const seed: KnowledgeSeed = {
    procedures: readProcedures(dir, problems),
    services: readServices(dir, problems),
    fields: readFields(dir, problems),
    agencies: readAgencies(dir, problems),
  };
  if (problems.length === 0) problems.push(...checkReferences(seed));
  if (problems.length > 0) throw new KnowledgeError(problems);
  return seed;
}
