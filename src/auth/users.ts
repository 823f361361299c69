/** Console users, roles and password hashing (argon2id). */
import argon2 from 'argon2';
import type { Queryable } from '../db/database';

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

function toUser(r: Record<string, unknown>): User {
  return {
    id: r.id as string,
    username: r.username as string,
    displayName: r.display_name as string,
    role: r.role as Role,
    agencyId: (r.agency_id as string) ?? null,
    mustChangePassword: r.must_change_password as boolean,
    active: r.active as boolean,
  };
}

/** Hashes a password with argon2id. */
export const hashPassword = (password: string) => argon2.hash(password, { type: argon2.argon2id });

/** Creates a user. */
export async function createUser(
  q: Queryable,
  u: { username: string; displayName: string; password: string; role: Role; agencyId?: string | null; mustChangePassword?: boolean },
): Promise<User> {
  const r = await q.query(
    `INSERT INTO users (username, display_name, password_hash, role, agency_id, must_change_password)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
    [u.username, u.displayName, await hashPassword(u.password), u.role, u.agencyId ?? null, u.mustChangePassword ?? false],
  );
  return toUser(r.rows[0]);
}

/** The user with these credentials, or null (same work whether or not the user exists). */
export async function checkCredentials(q: Queryable, username: string, password: string): Promise<User | null> {
  const r = await q.query<Record<string, unknown> & { password_hash: string }>(`SELECT ${COLUMNS}, password_hash FROM users WHERE username = $1`, [username]);
  const row = r.rows[0];
  const hash = row?.password_hash ?? DUMMY_HASH;
  const ok = await argon2.verify(await hash, password).catch(() => false);
  return ok && row && row.active ? toUser(row) : null;
}

/** A user by id. */
export async function getUser(q: Queryable, id: string): Promise<User | null> {
  const r = await q.query(`SELECT ${COLUMNS} FROM users WHERE id = $1`, [id]);
  return r.rows[0] ? toUser(r.rows[0]) : null;
}

/** Creates the first admin when no user exists; returns true if it did. */
export async function ensureFirstAdmin(q: Queryable, username: string, password: string): Promise<boolean> {
  const r = await q.query<{ n: number }>('SELECT count(*)::int AS n FROM users');
  if (r.rows[0].n > 0) return false;
  await createUser(q, { username, displayName: 'Quản trị viên', password, role: 'admin', mustChangePassword: true });
  return true;
}

// Verifying against a fixed hash when the user does not exist keeps timing uniform.
const DUMMY_HASH: Promise<string> = hashPassword('not-a-real-password');
DUMMY_HASH.catch(() => undefined);
