/**
 * The databases the storage and pipeline suites run on: PGlite and a PostgreSQL server, always.
 * The server is the one TEST_DATABASE_URL names; Jest's global setup starts a throw-away one when
 * it names none. Each call of `freshDatabaseUrl` creates an empty database on the server (as `createDatabase`
 * does for the dashboard benchmark).
 */
import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { openDatabase, type Database } from '../../src/db/database';
import { migrate } from '../../src/db/migrate';

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
  return (await createDatabase(process.env.TEST_DATABASE_URL!, 't')).url;
}

/** Creates an empty database `<prefix>_<random hex>` on the PostgreSQL server at `serverUrl`: its URL, and how to drop it. */
export async function createDatabase(serverUrl: string, prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const onServer = async (sql: string): Promise<void> => {
    const client = new Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await onServer(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => onServer(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** A fresh, migrated database of the kind (for suites that work on the store without a gateway). */
export async function migratedDatabase(kind: DbKind): Promise<Database> {
  const db = await openDatabase(await freshDatabaseUrl(kind), '/tmp/unused');
  await migrate(db);
  return db;
}
