/** Password hashing (argon2id), credential checks and the accounts created with a password. */
import argon2 from 'argon2';
import type { Queryable } from '../db/database';
import { countUsers, getLogin, insertUser, type Role, type User } from '../store/users';

/** Hashes a password with argon2id. */
export const hashPassword = (password: string) => argon2.hash(password, { type: argon2.argon2id });

/** Whether `password` matches an argon2 hash (false, never a throw, for a malformed hash). */
export const verifyPassword = (hash: string, password: string): Promise<boolean> => argon2.verify(hash, password).catch(() => false);

/** Creates a user. */
export async function createUser(
  q: Queryable,
  u: { username: string; displayName: string; password: string; role: Role; agencyId?: string | null; mustChangePassword?: boolean },
): Promise<User> {
  const { password, ...rest } = u;
  return insertUser(q, { ...rest, passwordHash: await hashPassword(password) });
}

/** The user with these credentials, or null (same work whether or not the user exists). */
export async function checkCredentials(q: Queryable, username: string, password: string): Promise<User | null> {
  const login = await getLogin(q, username);
  const hash = login?.passwordHash ?? DUMMY_HASH;
  const ok = await verifyPassword(await hash, password);
  return ok && login && login.user.active ? login.user : null;
}

/** The display name of the first admin, made at the first start. */
export const FIRST_ADMIN_NAME = 'Quản trị viên';

/** Creates the first admin when no user exists; returns true if it did. */
export async function ensureFirstAdmin(q: Queryable, username: string, password: string): Promise<boolean> {
  if ((await countUsers(q)) > 0) return false;
  await createUser(q, { username, displayName: FIRST_ADMIN_NAME, password, role: 'admin', mustChangePassword: true });
  return true;
}

// Verifying against a fixed hash when the user does not exist keeps timing uniform.
const DUMMY_HASH: Promise<string> = hashPassword('not-a-real-password');
DUMMY_HASH.catch(() => undefined);
