/**
 * `npm run log:verify`: checks every hash chain of the processing log in the configured database
 * (DATABASE_URL, or the embedded PGlite under DATA_DIR; stop the gateway first for PGlite).
 * Prints a summary and each broken chain; exits 1 when any chain is broken, 2 on a usage or
 * configuration error.
 */
import 'dotenv/config';
import { ConfigError, loadConfig } from '../src/config';
import { openDatabase } from '../src/db/database';
import { migrate } from '../src/db/migrate';
import { verifyAllChains } from '../src/store/event-chain';

async function main(): Promise<number> {
  const config = loadConfig();
  const db = await openDatabase(config.DATABASE_URL, config.DATA_DIR);
  try {
    await migrate(db);
    const report = await verifyAllChains(db);
    console.log(`processing log: ${report.events} events in ${report.chains} chains, ${report.broken.length} broken`);
    for (const b of report.broken) console.log(`  BROKEN ${b.chain}: first bad event ${b.firstBadEventId} (${b.badEvents} bad)`);
    return report.ok ? 0 : 1;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof ConfigError ? err.message : err);
    process.exit(2);
  },
);
