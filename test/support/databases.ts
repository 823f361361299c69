/**
 * The databases the storage and pipeline suites run on: PGlite and a PostgreSQL server, always.
 * The server is the one TEST_DATABASE_URL names; Jest's global setup starts a throw-away one when
 * it names none. Each call of `freshDatabaseUrl` creates an empty database on the server (as `createDatabase`
 * does for the dashboard benchmark).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { openDatabase, type Database, type OpenOptions } from '../../src/db/database';
import { migrate } from '../../src/db/migrate';
import { projectPath } from '../../src/paths';

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

/**
 * Where migrated PGlite images are kept between test files and Jest workers, one per set of
 * migrations and PGlite version (an image from other migrations is never opened).
 */
const IMAGE_DIR = join(tmpdir(), 'cong1022-test-pglite');

/** The image of this file's migrated PGlite, once read or made. */
let migratedImage: Promise<Blob> | undefined;

function imageKey(): string {
  const hash = createHash('sha256');
  const dir = projectPath('src/db/migrations');
  for (const f of readdirSync(dir).sort()) hash.update(f).update(readFileSync(join(dir, f)));
  hash.update(JSON.parse(readFileSync(projectPath('node_modules/@electric-sql/pglite/package.json'), 'utf8')).version as string);
  return hash.digest('hex').slice(0, 16);
}

async function makeMigratedImage(): Promise<Blob> {
  const file = join(IMAGE_DIR, `${imageKey()}.tar`);
  try {
    return new Blob([readFileSync(file)]);
  } catch {
    // Not made yet (or removed meanwhile): made here.
  }
  const db = await openDatabase('memory://', '');
  try {
    await migrate(db);
    const image = await db.image!();
    mkdirSync(IMAGE_DIR, { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, Buffer.from(await image.arrayBuffer()));
    renameSync(partial, file);
    // Images of other migrations are of no further use.
    for (const f of readdirSync(IMAGE_DIR))
      if (f.endsWith('.tar') && join(IMAGE_DIR, f) !== file) rmSync(join(IMAGE_DIR, f), { force: true });
    return image;
  } finally {
    await db.close();
  }
}

/**
 * Opens the database at `url`, as the gateway would; a new PGlite (in memory, or on disk in a data
 * folder that holds none yet) starts already migrated, from an image made once (opening one from
 * scratch runs initdb: seconds per database, the suites' main cost). Suites about migrations
 * themselves open an empty one with `openDatabase`.
 */
export async function openTestDatabase(url: string, dataDir: string, opts: OpenOptions = {}): Promise<Database> {
  if (/^postgres(ql)?:\/\//.test(url)) return openDatabase(url, dataDir, opts);
  migratedImage ??= makeMigratedImage();
  return openDatabase(url, dataDir, { ...opts, pgliteImage: await migratedImage });
}

/** A fresh, migrated database of the kind (for suites that work on the store without a gateway). */
export async function migratedDatabase(kind: DbKind): Promise<Database> {
  const db = await openTestDatabase(await freshDatabaseUrl(kind), '/tmp/unused');
  await migrate(db);
  return db;
}

/** Counts, from now on, the statements `db` runs whose text contains `marker` (a test's view of how writes were grouped). */
export function countStatements(db: Database, marker: string): { readonly count: number } {
  const query = db.query.bind(db);
  const counter = { count: 0 };
  db.query = ((sql: string, params?: unknown[]) => {
    if (sql.includes(marker)) counter.count++;
    return query(sql, params);
  }) as Database['query'];
  return counter;
}
