/**
 * `npm run db:schema`: migrates an empty in-memory database and writes its schema dump to
 * `src/db/schema-dump.txt`, the file test/db/migrations.test.ts compares every migrated database with.
 * Run it after adding a migration and commit the dump with it. A released migration is never edited:
 * a change goes into a new numbered file.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { openDatabase } from '../src/db/database';
import { migrate } from '../src/db/migrate';
import { dumpSchema, SCHEMA_DUMP_PATH } from '../src/db/schema-dump';

async function main(): Promise<void> {
  const db = await openDatabase('memory://', '');
  try {
    const applied = await migrate(db);
    const dump = await dumpSchema(db);
    let before = '';
    try {
      before = readFileSync(SCHEMA_DUMP_PATH, 'utf8');
    } catch {
      // first dump
    }
    const where = relative(process.cwd(), SCHEMA_DUMP_PATH);
    if (before === dump) {
      console.log(`${where} is up to date (${applied.length} migrations).`);
      return;
    }
    writeFileSync(SCHEMA_DUMP_PATH, dump);
    console.log(`${where} written (${applied.length} migrations); review the diff and commit it with the migration.`);
  } finally {
    await db.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
