/**
 * `npm run export:knowledge`: writes the live knowledge base (procedures, service answers, fields and
 * agencies as edited in the console) from the configured database back to a knowledge directory, so
 * the reviewed files can follow the live copy (git diff, review, commit).
 *
 *   npm run export:knowledge [-- --out DIR]
 *
 * DIR defaults to KNOWLEDGE_DIR (default `knowledge`). The database is the one the gateway uses
 * (DATABASE_URL, or the embedded PGlite under DATA_DIR; read from the environment and `.env`).
 * Embedded PGlite admits one process at a time: stop the gateway before exporting from it.
 * Nothing is written when the live copy would not load from files (each problem is listed).
 */
import 'dotenv/config';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, loadConfig } from '../src/config';
import { openDatabase } from '../src/db/database';
import { exportKnowledge, hasKnowledgeTables } from '../src/knowledge/export-db';
import { KnowledgeError } from '../src/knowledge/read-files';

const USAGE = 'usage: npm run export:knowledge [-- --out DIR]';

/** A bad command line; `detail` is null for --help. */
class UsageError extends Error {
  constructor(readonly detail: string | null) {
    super(detail ?? USAGE);
  }
}

/** The output directory from `--out DIR` or `--out=DIR`, or null when not given. */
function outArg(argv: string[]): string | null {
  let out: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') throw new UsageError(null);
    if (a === '--out' || a.startsWith('--out=')) {
      const v = a === '--out' ? argv[++i] : a.slice('--out='.length);
      if (!v || v.startsWith('--')) throw new UsageError('--out needs a directory');
      out = v;
      continue;
    }
    throw new UsageError(`unknown argument "${a}"`);
  }
  return out;
}

async function main(): Promise<number> {
  let out: string | null;
  try {
    out = outArg(process.argv.slice(2));
  } catch (err) {
    const detail = (err as UsageError).detail;
    if (!detail) {
      console.log(USAGE);
      return 0;
    }
    console.error(`${detail}\n${USAGE}`);
    return 2;
  }
  const config = loadConfig();
  const dir = resolve(out ?? config.KNOWLEDGE_DIR);
  if (!config.DATABASE_URL && !existsSync(resolve(config.DATA_DIR, 'pglite'))) {
    console.error(`No embedded database under DATA_DIR (${resolve(config.DATA_DIR)}): start the gateway once, or set DATABASE_URL.`);
    return 1;
  }
  const db = await openDatabase(config.DATABASE_URL, config.DATA_DIR);
  try {
    if (!(await hasKnowledgeTables(db))) {
      console.error('The database has no knowledge tables yet: start the gateway once so that it migrates and seeds it.');
      return 1;
    }
    const counts = await exportKnowledge(db, dir);
    console.log(
      `Exported to ${dir}: ${counts.procedures} procedures, ${counts.services} service answers, ${counts.fields} fields, ${counts.agencies} agencies.`,
    );
    return 0;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof ConfigError || err instanceof KnowledgeError) console.error(err.message);
    else console.error(err);
    process.exit(1);
  },
);
