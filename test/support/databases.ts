/**
 * The databases the storage and pipeline suites run on: PGlite always, and a PostgreSQL server
 * when TEST_DATABASE_URL names one (CI starts one; `.ci/start-postgres.sh` does it locally).
 * Each call of `freshDatabaseUrl` creates an empty database on the server.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** A database kind under test. */
export type DbKind = 'pglite' | 'postgres';

/** The kinds to test: both in CI (where a missing server is an error), PGlite alone otherwise. */
export function databaseKinds(): DbKind[] {
  if (process.env.TEST_DATABASE_URL) return ['pglite', 'postgres'];
  if (process.env.CI) throw new Error('CI must set TEST_DATABASE_URL: the suites run on PostgreSQL too');
  return ['pglite'];
}

/** A URL for an empty database of the kind. */
export async function freshDatabaseUrl(kind: DbKind): Promise<string> {
  if (kind === 'pglite') return 'memory://';
  const admin = process.env.TEST_DATABASE_URL!;
  const name = `t_${randomBytes(6).toString('hex')}`;
  const client = new Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}
