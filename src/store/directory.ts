/** The agency directory and the ticket field list, as administrators edit them. */
import type { Queryable } from '../db/database';
import type { Agency as AgencySeed } from '../knowledge/schema';

/** An agency as the API shows it (the columns of `knowledge/agencies.csv`, plus id and active). */
export interface AgencyRow extends AgencySeed {
  id: string;
  active: boolean;
}

/** A field as the API shows it. */
export interface FieldRow {
  code: string;
  name: string;
  sortOrder: number;
}

const AGENCY_COLUMNS = 'id, code, name, kind, parent_code, phone, email, fields, aliases, notes, active';

function toAgency(r: Record<string, unknown>): AgencyRow {
  return {
    id: r.id as string,
    code: r.code as string,
    name: r.name as string,
    kind: r.kind as AgencyRow['kind'],
    parent: (r.parent_code as string) ?? null,
    phone: (r.phone as string) ?? null,
    email: (r.email as string) ?? null,
    fields: (r.fields as string[]) ?? [],
    aliases: (r.aliases as string[]) ?? [],
    notes: (r.notes as string) ?? null,
    active: r.active as boolean,
  };
}

/** Agencies, optionally filtered by a search text (code, name, alias) and kind. */
export async function listAgencies(q: Queryable, f: { q?: string; kind?: string }): Promise<AgencyRow[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  if (f.kind) {
    params.push(f.kind);
    where.push(`kind = $${params.length}`);
  }
  if (f.q) {
    params.push(`%${f.q.replace(/[%_\\]/g, (m) => `\\${m}`)}%`);
    where.push(`(code ILIKE $${params.length} OR name ILIKE $${params.length} OR array_to_string(aliases, ' ') ILIKE $${params.length})`);
  }
  const r = await q.query(
    `SELECT ${AGENCY_COLUMNS} FROM agencies ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY active DESC, kind, name`,
    params,
  );
  return r.rows.map(toAgency);
}

/** One agency by code. */
export async function getAgency(q: Queryable, code: string): Promise<AgencyRow | null> {
  const r = await q.query(`SELECT ${AGENCY_COLUMNS} FROM agencies WHERE code = $1`, [code]);
  return r.rows[0] ? toAgency(r.rows[0]) : null;
}

/** Inserts or updates an agency by code; returns whether it was created. */
export async function upsertAgency(q: Queryable, a: AgencySeed & { active?: boolean }): Promise<{ created: boolean }> {
  const r = await q.query<{ created: boolean }>(
    `INSERT INTO agencies (code, name, kind, parent_code, phone, email, fields, aliases, notes, active)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, COALESCE($10, true))
     ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, kind = EXCLUDED.kind, parent_code = EXCLUDED.parent_code,
       phone = EXCLUDED.phone, email = EXCLUDED.email, fields = EXCLUDED.fields, aliases = EXCLUDED.aliases, notes = EXCLUDED.notes,
       active = COALESCE($10, agencies.active), updated_at = now()
     RETURNING (xmax = 0) AS created`,
    [a.code, a.name, a.kind, a.parent, a.phone, a.email, a.fields, a.aliases, a.notes, a.active ?? null],
  );
  return { created: r.rows[0].created };
}

/** Codes of existing agencies among `codes`. */
export async function existingAgencyCodes(q: Queryable, codes: string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const r = await q.query<{ code: string }>('SELECT code FROM agencies WHERE code = ANY($1::text[])', [codes]);
  return new Set(r.rows.map((x) => x.code));
}

/** Every field, in display order. */
export async function listFields(q: Queryable): Promise<FieldRow[]> {
  const r = await q.query<{ code: string; name: string; sort: number }>('SELECT code, name, sort FROM fields ORDER BY sort, name');
  return r.rows.map((f) => ({ code: f.code, name: f.name, sortOrder: f.sort }));
}

/** Inserts or updates a field by code; returns whether it was created. */
export async function upsertField(q: Queryable, f: { code: string; name: string; sortOrder: number }): Promise<{ created: boolean }> {
  const r = await q.query<{ created: boolean }>(
    `INSERT INTO fields (code, name, sort) VALUES ($1, $2, $3)
     ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, sort = EXCLUDED.sort RETURNING (xmax = 0) AS created`,
    [f.code, f.name, f.sortOrder],
  );
  return { created: r.rows[0].created };
}

/** Codes of existing fields. */
export async function fieldCodes(q: Queryable): Promise<Set<string>> {
  const r = await q.query<{ code: string }>('SELECT code FROM fields');
  return new Set(r.rows.map((x) => x.code));
}
