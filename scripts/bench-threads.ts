/**
 * `npm run bench:threads`: whether finding a citizen's thread costs more as the hotline's history
 * grows. Calls `openThreads` (identities, replay check, open conversation: the first statement of
 * every inbound group) for groups of BENCH_GROUP new citizens (default 8, PGlite's lane), after each
 * of BENCH_STEPS rounds (default 5) that add 40 groups of 64 new citizens, on PGlite and on
 * PostgreSQL (a throw-away server, or TEST_DATABASE_URL's), and prints the time a thread takes
 * against the number of conversations stored. A flat row is the goal: each lookup is one per
 * message by a unique index (docs/performance.md, "Plans that do not grow with the backlog").
 */
import { randomUUID } from 'node:crypto';
import { openThreads, type ThreadRequest } from '../src/store/inbound-messages';
import { migratedDatabaseUrl, openTestDatabase, type DbKind } from '../test/support/databases';
import { ensureSystemPackages, startPostgres, type PostgresServer } from '../test/support/services';

const GROUP = Number(process.env.BENCH_GROUP ?? 8);
const STEPS = Number(process.env.BENCH_STEPS ?? 5);
const TIMED_GROUPS = 20;

function newCitizen(): ThreadRequest {
  return {
    channel: 'edongthap',
    externalUserId: randomUUID(),
    externalMessageId: randomUUID(),
    hints: {},
    interactedAt: new Date(),
    open: { id: randomUUID(), subject: null },
  };
}

/** Per step: conversations stored, and ms a thread (mean over TIMED_GROUPS groups of GROUP). */
async function measure(kind: DbKind): Promise<{ conversations: number; msPerThread: number }[]> {
  const db = await openTestDatabase(await migratedDatabaseUrl(kind), '/tmp/unused');
  const rows = [];
  try {
    const group = (n: number) => db.transaction((tx) => openThreads(tx, Array.from({ length: n }, newCitizen)));
    for (let g = 0; g < TIMED_GROUPS; g++) await group(GROUP); // warm-up: plans prepared, code compiled
    for (let step = 0; step < STEPS; step++) {
      for (let g = 0; g < 40; g++) await group(64);
      const conversations = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM conversations')).rows[0].n;
      const t0 = performance.now();
      for (let g = 0; g < TIMED_GROUPS; g++) await group(GROUP);
      rows.push({ conversations, msPerThread: (performance.now() - t0) / (TIMED_GROUPS * GROUP) });
    }
  } finally {
    await db.close();
  }
  return rows;
}

async function main(): Promise<void> {
  let server: PostgresServer | undefined;
  if (!process.env.TEST_DATABASE_URL) {
    ensureSystemPackages((line) => console.log(line));
    server = await startPostgres();
    process.env.TEST_DATABASE_URL = server.url;
  }
  try {
    const results = { PGlite: await measure('pglite'), PostgreSQL: await measure('postgres') };
    console.log(`\nopenThreads, groups of ${GROUP} new citizens; ms a thread against the conversations stored\n`);
    console.log(`| database | ${results.PGlite.map((r) => r.conversations.toLocaleString('en')).join(' | ')} |`);
    console.log(`|---|${results.PGlite.map(() => '---').join('|')}|`);
    for (const [name, rows] of Object.entries(results))
      console.log(`| ${name} | ${rows.map((r) => r.msPerThread.toFixed(3)).join(' | ')} |`);
  } finally {
    server?.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
