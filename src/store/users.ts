/**
 * Console users: the signed-in view (`User`) and the users page's view (`StaffUser`). Password
 * hashing and checks are in `src/auth/passwords.ts`; this module only stores the hashes.
 */
import type { Queryable } from '../db/database';
import { camelRow, updateRow } from './rows';

/** Roles, from most to least powerful. */
export const ROLES = ['admin', 'supervisor', 'operator', 'agency'] as const;
/** A role. */
export type Role = (typeof ROLES)[number];

/** A signed-in user. */
export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  agencyId: string | null;
  mustChangePassword: boolean;
  active: boolean;
}

const COLUMNS = 'id, username, display_name, role, agency_id, must_change_password, active';

const toUser = (r: Record<string, unknown>) => camelRow<User>(r, COLUMNS);

/** Inserts a user whose password is already hashed. */
export async function insertUser(
  q: Queryable,
  u: { username: string; displayName: string; passwordHash: string; role: Role; agencyId?: string | null; mustChangePassword?: boolean },
): Promise<User> {
  const r = await q.query(
    `INSERT INTO users (username, display_name, password_hash, role, agency_id, must_change_password)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
    [u.username, u.displayName, u.passwordHash, u.role, u.agencyId ?? null, u.mustChangePassword ?? false],
  );
  return toUser(r.rows[0]);
}

/** A user by username with its password hash (active or not), or null. */
export async function getLogin(q: Queryable, username: string): Promise<{ user: User; passwordHash: string } | null> {
  const r = await q.query<Record<string, unknown> & { password_hash: string }>(
    `SELECT ${COLUMNS}, password_hash FROM users WHERE username = $1`,
    [username],
  );
  const row = r.rows[0];
  return row ? { user: toUser(row), passwordHash: row.password_hash } : null;
}

/** A user by id. */
export async function getUser(q: Queryable, id: string): Promise<User | null> {
  const r = await q.query(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
  return r.rows[0] ? toUser(r.rows[0]) : null;
}

/** Number of users, active or not. */
export async function countUsers(q: Queryable): Promise<number> {
  const r = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  return r.rows[0].n;
}

/** A user as the users page shows it. */
export interface StaffUser extends User {
  agency: { code: string; name: string } | null;
  totpEnabled: boolean;
  lastLoginAt: Date | null;
  createdAt: Date;
  /** Conversations an operator holds at once before automatic assignment skips them. */
  maxChats: number;
  /** Field codes the operator handles (empty: any field). */
  skills: string[];
}

const SELECT = `
  SELECT u.id, u.username, u.display_name, u.role, u.agency_id, u.must_change_password, u.active, u.created_at,
         u.totp_secret IS NOT NULL AS totp_enabled, u.max_chats, u.skills, a.code AS agency_code, a.name AS agency_name,
         (SELECT max(created_at) FROM auth_tokens WHERE user_id = u.id) AS last_login_at
  FROM users u LEFT JOIN agencies a ON a.id = u.agency_id`;

function toStaff(r: Record<string, unknown>): StaffUser {
  return {
    ...toUser(r),
    agency: r.agency_code ? { code: r.agency_code as string, name: r.agency_name as string } : null,
    totpEnabled: r.totp_enabled as boolean,
    lastLoginAt: (r.last_login_at as Date) ?? null,
    createdAt: r.created_at as Date,
    maxChats: r.max_chats as number,
    skills: r.skills as string[],
  };
}

/** Every user, active first, by role and name. */
export async function listStaff(q: Queryable): Promise<StaffUser[]> {
  const r = await q.query(
    `${SELECT} ORDER BY u.active DESC, array_position(ARRAY['admin','supervisor','operator','agency'], u.role), u.display_name`,
  );
  return r.rows.map(toStaff);
}

/** One user. */
export async function getStaff(q: Queryable, id: string): Promise<StaffUser | null> {
  const r = await q.query(`${SELECT} WHERE u.id = $1`, [id]);
  return r.rows[0] ? toStaff(r.rows[0]) : null;
}

/** Applies a change to a user. */
export async function updateStaff(
  q: Queryable,
  id: string,
  p: { displayName?: string; role?: Role; agencyId?: string | null; active?: boolean },
): Promise<void> {
  await updateRow(q, 'users', id, { display_name: p.displayName, role: p.role, agency_id: p.agencyId, active: p.active });
}

/** Sets a new password hash; `mustChange` forces a change at the next login. */
export async function setPasswordHash(q: Queryable, id: string, hash: string, mustChange: boolean): Promise<void> {
  await q.query('UPDATE users SET password_hash = $2, must_change_password = $3, updated_at = now() WHERE id = $1', [id, hash, mustChange]);
}

/** The stored password hash of a user. */
export async function passwordHashOf(q: Queryable, id: string): Promise<string | null> {
  const r = await q.query<{ password_hash: string }>('SELECT password_hash FROM users WHERE id = $1', [id]);
  return r.rows[0]?.password_hash ?? null;
}

/** Number of active admins other than `exceptId` (so the last admin cannot lock everyone out). */
export async function otherActiveAdmins(q: Queryable, exceptId: string): Promise<number> {
  const r = await q.query<{ n: number }>(`SELECT count(*)::int AS n FROM users WHERE role = 'admin' AND active AND id <> $1`, [exceptId]);
  return r.rows[0].n;
}

/** Revokes a user's tokens except one (the session that changed its own password stays signed in). */
export async function revokeOtherTokens(q: Queryable, userId: string, keepTokenHash: string | null): Promise<void> {
  await q.query('UPDATE auth_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL AND token_hash IS DISTINCT FROM $2', [
    userId,
    keepTokenHash,
  ]);
}
