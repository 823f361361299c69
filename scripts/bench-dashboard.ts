/**
 * `npm run bench:dashboard`: do the console's pages load in under a second with 200,000 tickets?
 *
 * Seeds BENCH_TICKETS (default 200,000) tickets with `scripts/seed-tickets.ts` into a FRESH database —
 * a new database on the PostgreSQL server of BENCH_DATABASE_URL or TEST_DATABASE_URL when one is
 * given, else PGlite in a temporary folder — starts the gateway on it, and times each page's API
 * call through HTTP (BENCH_RUNS runs after one warm-up, default 7): median and p90, in a table.
 *
 * Options (env): BENCH_TICKETS, BENCH_RUNS, BENCH_DB (postgres|pglite, to force one), KEEP=1 keeps the database,
 * BENCH_REUSE=<postgres URL of a kept database> times again without seeding (after changing a query or an index).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config';
import { openDatabase } from '../src/db/database';
import { createGateway } from '../src/gateway';
import { createLogger } from '../src/logger';
import { refreshStats } from '../src/store/stats-rollup';
import { createDatabase } from '../test/support/databases';
import { prepareDatabase, seedTickets } from './seed-tickets';

const TICKETS = Number(process.env.BENCH_TICKETS ?? 200_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const TARGET_MS = 1000;
const ADMIN = { username: 'admin', password: 'bench-password-1' };

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo);
};

async function main(): Promise<void> {
  const serverUrl = process.env.BENCH_DB === 'pglite' ? undefined : process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
  if (process.env.BENCH_DB === 'postgres' && !serverUrl) throw new Error('BENCH_DB=postgres needs BENCH_DATABASE_URL or TEST_DATABASE_URL');
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-dashboard-'));
  const reuse = process.env.BENCH_REUSE;
  const pg = reuse ? { url: reuse, drop: async () => undefined } : serverUrl ? await createDatabase(serverUrl, 'bench') : null;
  const config = loadConfig({
    ...(pg ? { DATABASE_URL: pg.url } : {}),
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    ADMIN_USERNAME: ADMIN.username,
    ADMIN_PASSWORD: ADMIN.password,
    LIVECHAT_ENABLED: 'false',
    KNOWLEDGE_DIR: process.env.KNOWLEDGE_DIR ?? 'knowledge',
    BOT_DIR: process.env.BOT_DIR ?? 'bots/dongthap-1022',
  });
  const db = await openDatabase(config.DATABASE_URL, config.DATA_DIR);
  console.log(`database: ${db.kind}${pg ? ` (${new URL(pg.url).pathname.slice(1)})` : ` (${dataDir})`}`);
  try {
    await prepareDatabase(db, config.KNOWLEDGE_DIR, config.BOT_DIR, ADMIN);
    if (!reuse) {
      const seeded = await seedTickets(db, { count: TICKETS, days: 365 });
      console.log(
        `seeded in ${(seeded.ms / 1000).toFixed(1)} s: ${seeded.tickets} tickets, ${seeded.conversations} conversations, ${seeded.messages} messages, ${seeded.events} events\n`,
      );
    }
    // A kept database from before the roll-ups existed gets them now, as a running gateway would.
    const t0 = performance.now();
    const rollup = await refreshStats(db);
    if (rollup.rolled) console.log(`daily roll-ups: ${rollup.rolled} days in ${Math.round(performance.now() - t0)} ms\n`);

    const gw = await createGateway(config, { db, logger: createLogger('warn') });
    // The benchmark's admin is a scripted client: no first-password change.
    await db.query('UPDATE users SET must_change_password = false WHERE username = $1', [ADMIN.username]);
    await new Promise<void>((r) => gw.server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(gw.server.address() as AddressInfo).port}`;
    const login = await fetch(`${base}/api/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
    const { token } = (await login.json()) as { token: string };
    const auth = { authorization: `Bearer ${token}` };

    // Real values to ask for.
    const pick = async <T>(sql: string) => (await db.query<T>(sql)).rows[0];
    const ticket = await pick<{ code: string; conversation_id: string }>(
      `SELECT t.code, t.conversation_id FROM tickets t JOIN conversations c ON c.id = t.conversation_id WHERE c.state = 'closed' ORDER BY t.created_at DESC OFFSET 500 LIMIT 1`,
    );
    const field = await pick<{ field: string }>(
      `SELECT field FROM tickets WHERE field IS NOT NULL GROUP BY field ORDER BY count(*) DESC LIMIT 1`,
    );
    const agency = await pick<{ code: string }>(
      `SELECT a.code FROM tickets t JOIN agencies a ON a.id = t.agency_id GROUP BY a.code ORDER BY count(*) DESC LIMIT 1`,
    );
    const person = await pick<{ display_name: string; phone: string }>(
      `SELECT display_name, phone FROM contacts WHERE phone IS NOT NULL ORDER BY created_at DESC LIMIT 1`,
    );
    const day = 86_400_000;
    const iso = (ms: number) => new Date(ms).toISOString();
    const now = Date.now();

    const cases: [string, string][] = [
      ['inbox: open (default)', '/api/conversations'],
      ['inbox: waiting', '/api/conversations?state=waiting'],
      ['inbox: bot', '/api/conversations?state=bot'],
      ['inbox: mine', '/api/conversations?state=mine'],
      ['inbox: closed', '/api/conversations?state=closed'],
      ['inbox: closed, page 200', '/api/conversations?state=closed&page=200'],
      ['inbox: urgent', '/api/conversations?urgent=1'],
      ['inbox: channel zalo', '/api/conversations?channel=zalo'],
      ['inbox: field', `/api/conversations?field=${field.field}`],
      ['inbox: agency', `/api/conversations?agency=${agency.code}`],
      ['inbox: closed + field', `/api/conversations?state=closed&field=${field.field}`],
      ['search: ticket code', `/api/conversations?state=closed&q=${ticket.code}`],
      ['search: phone', `/api/conversations?state=closed&q=${person.phone}`],
      ['search: name', `/api/conversations?state=closed&q=${encodeURIComponent(person.display_name)}`],
      ['search: message text', `/api/conversations?state=closed&q=${encodeURIComponent('giấy phép xây dựng')}`],
      ['conversation detail', `/api/conversations/${ticket.conversation_id}`],
      ['ticket detail', `/api/tickets/${ticket.code}`],
      ['tickets: page 1', '/api/tickets?page=1&pageSize=50'],
      ['tickets: page 500', '/api/tickets?page=500&pageSize=50'],
      ['tickets: open, field', `/api/tickets?status=new,assigned,in_progress,forwarded&field=${field.field}`],
      ['tickets: overdue', '/api/tickets?overdue=1'],
      ['tickets: search code', `/api/tickets?q=${ticket.code}`],
      ['dashboard: 30 days', `/api/stats/dashboard?from=${iso(now - 30 * day)}&to=${iso(now)}`],
      ['dashboard: 1 year', `/api/stats/dashboard?from=${iso(now - 366 * day)}&to=${iso(now)}`],
      ['stats by field: 1 year', `/api/stats/tickets?by=field&from=${iso(now - 366 * day)}`],
      ['stats by day: 1 year', `/api/stats/tickets?by=day&from=${iso(now - 366 * day)}`],
      ['export CSV: 30 days', `/api/export/tickets.csv?from=${iso(now - 30 * day)}`],
      ['export stats.xlsx: 1 year', `/api/export/stats.xlsx?from=${iso(now - 366 * day)}&to=${iso(now)}`],
      ['processing log (HTML)', `/api/tickets/${ticket.code}/log`],
    ];
    if (process.env.BENCH_FULL_EXPORT !== '0') cases.push(['export CSV: all tickets', '/api/export/tickets.csv']);

    const rows: { name: string; p50: number; p90: number; size: string; status: number }[] = [];
    for (const [name, path] of cases) {
      const times: number[] = [];
      let status = 0;
      let size = '';
      for (let i = 0; i <= RUNS; i++) {
        const t0 = performance.now();
        const res = await fetch(base + path, { headers: auth });
        const body = Buffer.from(await res.arrayBuffer());
        const ms = performance.now() - t0;
        status = res.status;
        if (i === 0) {
          const type = res.headers.get('content-type') ?? '';
          if (type.includes('json')) {
            const j = JSON.parse(body.toString('utf8'));
            size =
              j.total !== undefined
                ? `${j.items.length}/${j.total}`
                : Array.isArray(j)
                  ? `${j.length}`
                  : `${(body.length / 1024).toFixed(0)} KB`;
          } else size = `${(body.length / 1024).toFixed(0)} KB`;
          continue; // warm-up
        }
        times.push(ms);
      }
      rows.push({ name, p50: quantile(times, 0.5), p90: quantile(times, 0.9), size, status });
      process.stdout.write('.');
    }
    console.log('\n');
    const w = Math.max(...rows.map((r) => r.name.length));
    console.log(`${'page (API call)'.padEnd(w)} | median ms |    p90 ms | rows / size  | < ${TARGET_MS} ms`);
    console.log(`${'-'.repeat(w)}-|-----------|-----------|--------------|------`);
    for (const r of rows) {
      const ok = r.status === 200 && r.p90 < TARGET_MS;
      console.log(
        `${r.name.padEnd(w)} | ${r.p50.toFixed(0).padStart(9)} | ${r.p90.toFixed(0).padStart(9)} | ${r.size.padEnd(12)} | ${r.status !== 200 ? `HTTP ${r.status}` : ok ? 'yes' : 'NO'}`,
      );
    }
    await new Promise<void>((r) => gw.server.close(() => r()));
    await gw.stop();
  } finally {
    await db.close().catch(() => undefined);
    if (pg && !reuse && process.env.KEEP !== '1') await pg.drop();
    if (process.env.KEEP !== '1') rmSync(dataDir, { recursive: true, force: true });
    else console.log(`kept: ${pg ? pg.url : dataDir}`);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
