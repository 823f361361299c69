/**
 * The personal-data access log (Nghị định 13/2023/NĐ-CP): who viewed, exported or searched citizens'
 * data, when, from where. Written by the API's audit middleware (`http/access-audit.ts`), read by admins.
 */
import type { Queryable } from '../db/database';
import { camelRow } from './rows';

/** What was done with the data. */
export type AccessAction = 'view' | 'export' | 'search';

/** One access, as recorded. */
export interface AccessRecord {
  userId: string | null;
  username: string;
  action: AccessAction;
  /** `ticket`, `conversation`, `contact`, `attachment`, `tickets` (a list or export)… */
  subjectKind: string;
  subjectId: string | null;
  detail: Record<string, unknown>;
  ip: string | null;
}

/** One access as read back. */
export interface AccessRow extends AccessRecord {
  id: number;
  createdAt: Date;
}

/** Records one access. */
export async function recordAccess(q: Queryable, a: AccessRecord): Promise<void> {
  await q.query(
    `INSERT INTO personal_data_access (user_id, username, action, subject_kind, subject_id, detail, ip)
     VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7)`,
    [a.userId, a.username, a.action, a.subjectKind, a.subjectId, JSON.stringify(a.detail), a.ip],
  );
}

/** Filters of the list (all optional). */
export interface AccessFilter {
  userId?: string;
  action?: AccessAction;
  subjectKind?: string;
  subjectId?: string;
  from?: Date;
  to?: Date;
  /** Keyset paging: rows older than this id. */
  before?: number;
  limit: number;
}

/** The columns read back besides `id`. */
const COLUMNS = 'user_id, username, action, subject_kind, subject_id, detail, ip, created_at';

/** Accesses, newest first. */
export async function listAccess(q: Queryable, f: AccessFilter): Promise<AccessRow[]> {
  const r = await q.query<Record<string, unknown>>(
    `SELECT id::text AS id, ${COLUMNS} FROM personal_data_access
      WHERE ($1::uuid IS NULL OR user_id = $1::uuid) AND ($2::text IS NULL OR action = $2)
        AND ($3::text IS NULL OR subject_kind = $3) AND ($4::text IS NULL OR subject_id = $4)
        AND ($5::timestamptz IS NULL OR created_at >= $5) AND ($6::timestamptz IS NULL OR created_at < $6)
        AND ($7::bigint IS NULL OR id < $7)
      ORDER BY id DESC LIMIT $8`,
    [
      f.userId ?? null,
      f.action ?? null,
      f.subjectKind ?? null,
      f.subjectId ?? null,
      f.from?.toISOString() ?? null,
      f.to?.toISOString() ?? null,
      f.before ?? null,
      f.limit,
    ],
  );
  return r.rows.map((row) => ({ ...camelRow<AccessRecord & { createdAt: Date }>(row, COLUMNS), id: Number(row.id) }));
}
