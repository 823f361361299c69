/**
 * Migrations as graphile-worker tests them: an empty database migrates, a second run is a no-op, and
 * the result equals the committed schema dump (src/db/schema-dump.txt) on PGlite and on PostgreSQL.
 * Released migrations are pinned by checksum: a change goes into a new numbered file, never an edit.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openDatabase, type Database } from '../../src/db/database';
import { migrate } from '../../src/db/migrate';
import { dumpSchema, SCHEMA_DUMP_PATH } from '../../src/db/schema-dump';
import { projectPath } from '../../src/paths';
import { databaseKinds, freshDatabaseUrl } from '../support/databases';

const MIGRATIONS_DIR = projectPath('src', 'db', 'migrations');
const RELEASED_LIST = join(MIGRATIONS_DIR, 'released.sha256');
const MIGRATION_FILE = /^\d{3}_.+\.sql$/;
const migrationFiles = readdirSync(MIGRATIONS_DIR)
  .filter((f) => MIGRATION_FILE.test(f))
  .sort();

const REMEDY =
  'Released migrations are never edited: put the change in a new numbered migration in src/db/migrations, ' +
  'then run `npm run db:schema` and commit src/db/schema-dump.txt with it.';

/** Null when the dumps agree; otherwise what to do and the lines that differ. */
function dumpDifference(actual: string, committed: string): string | null {
  if (actual === committed) return null;
  const a = new Set(actual.split('\n'));
  const c = new Set(committed.split('\n'));
  const onlyDb = [...a].filter((l) => !c.has(l)).map((l) => `+ ${l}`);
  const onlyFile = [...c].filter((l) => !a.has(l)).map((l) => `- ${l}`);
  return [`The migrated schema differs from src/db/schema-dump.txt. ${REMEDY}`, ...onlyFile, ...onlyDb].join('\n');
}

/** SHA-256 of a migration with LF line endings (a checkout's line endings are not an edit). */
function checksum(file: string): string {
  return createHash('sha256')
    .update(readFileSync(join(MIGRATIONS_DIR, file), 'utf8').replace(/\r\n/g, '\n'))
    .digest('hex');
}

/** The committed list of released migrations: name → checksum. */
function releasedMigrations(): Map<string, string> {
  const list = new Map<string, string>();
  for (const line of readFileSync(RELEASED_LIST, 'utf8').split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [hash, name] = line.trim().split(/\s+/);
    list.set(name, hash);
  }
  return list;
}

describe.each(databaseKinds())('migrations on %s', (kind) => {
  let db: Database;
  beforeAll(async () => {
    db = await openDatabase(await freshDatabaseUrl(kind), '');
  });
  afterAll(() => db?.close());

  test('an empty database gets every migration, in order; a second run applies nothing and changes nothing', async () => {
    expect(migrationFiles.length).toBeGreaterThan(0);
    expect(await migrate(db)).toEqual(migrationFiles);
    const first = await dumpSchema(db);
    expect(await migrate(db)).toEqual([]);
    expect(await dumpSchema(db)).toBe(first);
    const recorded = await db.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY name');
    expect(recorded.rows.map((r) => r.name)).toEqual(migrationFiles);
  });

  test('the migrated schema equals the committed dump', async () => {
    await migrate(db);
    expect(dumpDifference(await dumpSchema(db), readFileSync(SCHEMA_DUMP_PATH, 'utf8'))).toBeNull();
  });
});

describe('released migrations', () => {
  const released = releasedMigrations();

  test('every released migration is still there, byte for byte', () => {
    expect(released.size).toBeGreaterThanOrEqual(4);
    const changed = [...released]
      .filter(([name, hash]) => !migrationFiles.includes(name) || checksum(name) !== hash)
      .map(([name]) => `${name} was edited, renamed or removed. ${REMEDY}`);
    expect(changed).toEqual([]);
  });

  test('new migrations are numbered after the last released one (databases in service apply them in order)', () => {
    const number = (file: string) => Number(file.slice(0, 3));
    const lastReleased = Math.max(...[...released.keys()].map(number));
    const misplaced = migrationFiles.filter((f) => !released.has(f) && number(f) <= lastReleased);
    expect(misplaced).toEqual([]);
  });
});
