/**
 * `npm run bench:cluster`: how fast a retrained intent model reaches every node. Three gateway
 * processes on one fresh PostgreSQL database; BENCH_ROUNDS times (default: 5) a new training phrase
 * is added on node A and each node's parse of it is polled until it gives the intent. Reported per
 * round and as median / worst: A's own model (its training), the time from A answering to the last
 * of B and C answering (storing, announcing and loading the model), and the load average.
 *
 * PostgreSQL: BENCH_DATABASE_URL (or TEST_DATABASE_URL) names a server to create the database on;
 * otherwise a throw-away server is started from the Debian binaries, as the test suite does.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { seededRandom } from '../src/seeded-random';
import { timeModelSpread, type ModelSpread } from '../test/cluster/model-spread';
import { createDatabase } from '../test/support/databases';
import { startGatewayProcess, type GatewayProcess } from '../test/support/gateway-process';
import { ensureSystemPackages, startPostgres, type PostgresServer } from '../test/support/services';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const ADMIN = { username: 'admin', password: 'bench-admin-password-1' };
const INTENT = 'thong_tin_tong_dai';
/** Made-up words, new in every round: no node answers a phrase of them with the intent before it is added. */
const madeUpWord = (rnd: () => number): string =>
  Array.from({ length: 3 }, () => 'bdgkmpqvxz'[Math.floor(rnd() * 10)] + 'aeiou'[Math.floor(rnd() * 5)]).join('') + 'rf';

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const load = (): string =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  let server: PostgresServer | undefined;
  let serverUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    ensureSystemPackages((line) => console.log(line));
    server = await startPostgres();
    serverUrl = server.url;
  }
  const database = await createDatabase(serverUrl, 'bench_cluster');
  const dirs: string[] = [];
  const nodes: GatewayProcess[] = [];
  try {
    const env = () => {
      const dir = mkdtempSync(join(tmpdir(), 'cong1022-bench-node-'));
      dirs.push(dir);
      return {
        DATABASE_URL: database.url,
        DATA_DIR: dir,
        LOG_LEVEL: 'warn',
        ADMIN_USERNAME: ADMIN.username,
        ADMIN_PASSWORD: ADMIN.password,
        SECRETS_KEY: 'ab'.repeat(32),
        LIVECHAT_ENABLED: 'false',
      };
    };
    const startAt = performance.now();
    nodes.push(
      ...(await Promise.all(
        ['bench-a', 'bench-b', 'bench-c'].map((name) => startGatewayProcess(name, env(), { readyTimeoutMs: 180_000 })),
      )),
    );
    console.log(`3 nodes ready in ${Math.round(performance.now() - startAt)} ms (${cpus().length} CPUs, load average ${load()})`);
    const db = new Client({ connectionString: database.url });
    await db.connect();
    await db.query('UPDATE users SET must_change_password = false WHERE username = $1', [ADMIN.username]);
    await db.end();
    const [a, b, c] = nodes;
    const login = await fetch(`${a.url}/api/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    const auth = `Bearer ${((await login.json()) as { token: string }).token}`;

    const rnd = seededRandom(1022);
    const rounds: ModelSpread[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const phrase = Array.from({ length: 4 }, () => madeUpWord(rnd)).join(' ');
      const spread = await timeModelSpread({ editor: a.url, nodes: { a: a.url, b: b.url, c: c.url }, auth, intent: INTENT, phrase });
      rounds.push(spread);
      const { answered, announced } = spread;
      console.log(
        `round ${i + 1}: A answers ${Math.round(answered.a)} ms after the edit; B +${Math.round(answered.b - answered.a)} ms, ` +
          `C +${Math.round(answered.c - answered.a)} ms after A (announced to C at ${Math.round(announced.c ?? NaN)} ms); load ${load()}`,
      );
    }
    const own = rounds.map((r) => r.answered.a);
    const reach = rounds.map((r) => Math.max(r.answered.b, r.answered.c) - r.answered.a);
    const afterAnnounce = rounds.flatMap((r) => (r.announced.c === undefined ? [] : [r.answered.c - r.announced.c]));
    console.log('');
    console.log(
      `edit → A's new model (training on A):          median ${Math.round(median(own))} ms, worst ${Math.round(Math.max(...own))} ms`,
    );
    console.log(
      `A's new model → B and C answer with it:        median ${Math.round(median(reach))} ms, worst ${Math.round(Math.max(...reach))} ms`,
    );
    if (afterAnnounce.length)
      console.log(
        `announcement on C → C answers (fetch + load):  median ${Math.round(median(afterAnnounce))} ms, worst ${Math.round(Math.max(...afterAnnounce))} ms`,
      );
    console.log(`load average (1, 5, 15 min): ${load()}`);
  } finally {
    await Promise.all(nodes.map((n) => n.kill('SIGTERM')));
    await database.drop().catch(() => undefined);
    server?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
