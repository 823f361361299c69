/**
 * The databases the storage and pipeline suites run on: PGlite and a PostgreSQL server, always.
 * The server is the one TEST_DATABASE_URL names; Jest's global setup starts a throw-away one when
 * it names none. Each call of `freshDatabaseUrl` creates an empty database on the server.
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** A database kind under test. */
export type DbKind = 'pglite' | 'postgres';

/** The kinds to test: both, everywhere. */
export function databaseKinds(): DbKind[] {
  if (!process.env.TEST_DATABASE_URL)
    throw new Error('TEST_DATABASE_URL is not set: run the suites with `npm test` or `npm run jest`, whose global setup starts PostgreSQL');
  return ['pglite', 'postgres'];
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
