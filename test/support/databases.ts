/**
 * The databases the storage and pipeline suites run on: PGlite and a PostgreSQL server, always.
 * The server is the one TEST_DATABASE_URL names; Jest's global setup starts a throw-away one when
 * it names none. Each call of `freshDatabaseUrl` creates an empty database on the server (as `createDatabase`
 * does for the dashboard benchmark); `migratedDatabaseUrl` one with every migration applied, copied from
 * a template (test gateways start on those: the migrations are what the suites about them test).
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
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

/** A URL for a database of the kind with every migration applied (on PostgreSQL a copy of a template migrated once). */
export async function migratedDatabaseUrl(kind: DbKind): Promise<string> {
  if (kind === 'pglite') return 'memory://';
  const server = process.env.TEST_DATABASE_URL!;
  migratedTemplate ??= makeMigratedTemplate(server);
  return (await createDatabase(server, 't', await migratedTemplate)).url;
}

/** Runs `work` on a fresh connection to `databaseUrl`, closed afterwards. */
export async function withClient<T>(databaseUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** The name of this process's migrated template database, once found or made. */
let migratedTemplate: Promise<string> | undefined;

/**
 * A database migrated once per server and set of migrations, that tests' databases are copied from
 * (`CREATE DATABASE … TEMPLATE`: a file copy, where running the migrations again costs a second or
 * more on a busy machine). Made under an advisory lock, so that Jest workers starting together make one.
 */
function makeMigratedTemplate(serverUrl: string): Promise<string> {
  return publishTemplate(serverUrl, `tmpl_${imageKey()}`, undefined, async (db) => void (await migrate(db)));
}

/**
 * The template database `name` on the server, found or made (empty, or a copy of `from`) and filled
 * by `fill` under an advisory lock, then published whole under its name: a template half made is
 * never seen, and Jest workers starting together make one.
 */
async function publishTemplate(
  serverUrl: string,
  name: string,
  from: string | undefined,
  fill: (db: Database) => Promise<void>,
): Promise<string> {
  return withClient(serverUrl, async (client) => {
    await client.query('SELECT pg_advisory_lock(hashtext($1))', [name]);
    try {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (found.rowCount) return name;
      const building = `${name}_b${process.pid}`;
      await client.query(`DROP DATABASE IF EXISTS ${building}`);
      await client.query(`CREATE DATABASE ${building}${from ? ` TEMPLATE ${from}` : ''}`);
      const url = new URL(serverUrl);
      url.pathname = `/${building}`;
      const db = await openDatabase(url.toString(), '');
      try {
        await fill(db);
      } finally {
        await db.close();
      }
      await client.query(`ALTER DATABASE ${building} RENAME TO ${name}`);
      return name;
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtext($1))', [name]);
    }
  });
}

/** Creates a database `<prefix>_<random hex>` on the PostgreSQL server at `serverUrl` (empty, or a copy of `template`): its URL, and how to drop it. */
export async function createDatabase(
  serverUrl: string,
  prefix: string,
  template?: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}${template ? ` TEMPLATE ${template}` : ''}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

/**
 * Where migrated PGlite images are kept between test files and Jest workers, one per set of
 * migrations and PGlite version (an image from other migrations is never opened).
 */
const IMAGE_DIR = join(tmpdir(), 'cong1022-test-pglite');

/** The image of this file's migrated PGlite, once read or made. */
let migratedImage: Promise<Uint8Array> | undefined;

function imageKey(): string {
  const hash = createHash('sha256');
  const dir = projectPath('src/db/migrations');
  for (const f of readdirSync(dir).sort()) hash.update(f).update(readFileSync(join(dir, f)));
  hash.update(JSON.parse(readFileSync(projectPath('node_modules/@electric-sql/pglite/package.json'), 'utf8')).version as string);
  return hash.digest('hex').slice(0, 16);
}

function makeMigratedImage(): Promise<Uint8Array> {
  return publishImage(
    `${imageKey()}.tar`,
    () => openDatabase('memory://', ''),
    async (db) => void (await migrate(db)),
    // Images of other migrations (migrated, or snapshots of them) are of no further use.
    (files) => files.filter((f) => !f.includes(imageKey())),
  );
}

/**
 * The PGlite image `name` in `IMAGE_DIR`, read, or made by `fill` on the database `open` gives and
 * written whole (under another name first); then the files `stale` picks among the folder's
 * images are removed.
 */
async function publishImage(
  name: string,
  open: () => Promise<Database>,
  fill: (db: Database) => Promise<void>,
  stale: (files: string[]) => string[],
): Promise<Uint8Array> {
  const file = join(IMAGE_DIR, name);
  try {
    const image = readFileSync(file);
    touchFile(file);
    return image;
  } catch {
    // Not made yet (or removed meanwhile): made here.
  }
  const db = await open();
  try {
    // Old WAL segments are removed at a checkpoint instead of kept for reuse, and the checkpoint
    // before the image removes them all but the current one: each is 16 MB that every database
    // opened from the image would read and copy (three of them made a snapshot image twice as big).
    await db.query('SET wal_recycle = off');
    await fill(db);
    await db.query('CHECKPOINT');
    const image = await db.image!();
    mkdirSync(IMAGE_DIR, { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, image);
    renameSync(partial, file);
    for (const f of stale(readdirSync(IMAGE_DIR).filter((f) => f.endsWith('.tar')))) rmSync(join(IMAGE_DIR, f), { force: true });
    return image;
  } finally {
    await db.close();
  }
}

/**
 * Opens the database at `url`, as the gateway would; a new PGlite (in memory, or on disk in a data
 * folder that holds none yet) starts already migrated, from an image made once (opening one from
 * scratch runs initdb: seconds per database, the suites' main cost), with a small buffer pool.
 * Suites about migrations themselves open an empty one with `openDatabase`.
 */
export async function openTestDatabase(url: string, dataDir: string, opts: OpenOptions = {}): Promise<Database> {
  if (/^postgres(ql)?:\/\//.test(url)) return openDatabase(url, dataDir, opts);
  // A database of its own image (a snapshot's) does not need the migrated one read.
  const pgliteImage = opts.pgliteImage ?? (await (migratedImage ??= makeMigratedImage()));
  // A test's database holds little: a small buffer pool, which PGlite clears at every start.
  return openDatabase(url, dataDir, { pgliteSharedBuffers: TEST_SHARED_BUFFERS, ...opts, pgliteImage });
}

/** The buffer pool of the suites' PGlite databases (PGlite's default, 128MB, costs about twice the CPU at each start). */
const TEST_SHARED_BUFFERS = '16MB';

/** A new database made from a snapshot: its URL, and on PGlite the image to open it from (`OpenOptions.pgliteImage`). */
export interface SnapshotCopy {
  url: string;
  image?: Uint8Array;
}

/** This process's snapshots, by kind and key, once read or made. */
const snapshots = new Map<string, Promise<string | Uint8Array>>();

/**
 * A new database of the kind holding what `fill` writes into a migrated one, made from a snapshot
 * taken once per `key` (which must name everything `fill` writes) and shared by the test files and
 * Jest workers of a run: on PostgreSQL a template database (copied by `CREATE DATABASE … TEMPLATE`),
 * on PGlite an image file beside the migrated one. For what every test gateway would otherwise write
 * into its new database at each start (seconds of CPU on PGlite).
 */
export async function snapshotCopy(kind: DbKind, key: string, fill: (db: Database) => Promise<void>): Promise<SnapshotCopy> {
  const name = `snap_${imageKey()}_${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
  const kept = `${kind}:${name}`;
  let made = snapshots.get(kept);
  if (!made) {
    made = kind === 'pglite' ? makeSnapshotImage(name, fill) : makeSnapshotTemplate(process.env.TEST_DATABASE_URL!, name, fill);
    snapshots.set(kept, made);
    // A failed attempt is not kept: the next caller tries again.
    made.catch(() => snapshots.delete(kept));
  }
  const snapshot = await made;
  if (typeof snapshot !== 'string') return { url: 'memory://', image: snapshot };
  return { url: (await createDatabase(process.env.TEST_DATABASE_URL!, 't', snapshot)).url };
}

/** The template database `name`, found or made from the migrated one and `fill`. */
async function makeSnapshotTemplate(serverUrl: string, name: string, fill: (db: Database) => Promise<void>): Promise<string> {
  migratedTemplate ??= makeMigratedTemplate(serverUrl);
  return publishTemplate(serverUrl, name, await migratedTemplate, fill);
}

/** How many snapshot images are kept, the last made or used (a run makes a few: one per set of test models). */
const KEPT_SNAPSHOT_IMAGES = 6;

/** The PGlite image `name`, read or made from the migrated one and `fill`; only the last made or used snapshot images are kept. */
function makeSnapshotImage(name: string, fill: (db: Database) => Promise<void>): Promise<Uint8Array> {
  return publishImage(
    `${name}.tar`,
    () => openTestDatabase('memory://', ''),
    fill,
    (files) =>
      files
        .filter((f) => f.startsWith('snap_'))
        .sort((a, b) => mtimeOf(join(IMAGE_DIR, b)) - mtimeOf(join(IMAGE_DIR, a)))
        .slice(KEPT_SNAPSHOT_IMAGES),
  );
}

function mtimeOf(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

/** Marks a file as used now (another worker may have removed it meanwhile). */
export function touchFile(file: string): void {
  try {
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    // Removed meanwhile.
  }
}

/** A fresh, migrated database of the kind (for suites that work on the store without a gateway). */
export async function migratedDatabase(kind: DbKind): Promise<Database> {
  return openTestDatabase(await migratedDatabaseUrl(kind), '/tmp/unused');
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
