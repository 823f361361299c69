/**
 * `npm run bench`: the load benchmark of the pipeline, from a second process.
 *
 * For PostgreSQL (a throw-away server with default durability) and for PGlite, it starts the built
 * gateway as a child process with a fake citizen-app callback here, and measures in the same run:
 *  1. burst: BENCH_BURST new citizens post "xin chào" at once → conversations fully processed per
 *     second (receipt AND bot answer delivered to the callback), and SQL statements per conversation
 *     (the gateway's `cong1022_db_statements_total`, intake included);
 *  2. steady: 50 webhooks/s for BENCH_STEADY_SECONDS → webhook → bot answer at the callback, p50/p99;
 *  3. ingest: autocannon posts signed webhooks for BENCH_SECONDS → acked/s, ack p50/p99, non-2xx;
 *     then the same on a gateway whose workers are off (WORKER_CONCURRENCY=0), storing only;
 *  4. ceiling: a bare Express handler doing one INSERT per request into the same database kind,
 *     same load → its requests/s, so every figure above reads as a ratio of it. Measured before and
 *     after the gateway's phases (the machine may be shared) and averaged; both are printed.
 * The webhook rate limit (WEBHOOK_PER_MINUTE) is off: it would cap the load it is meant to measure.
 *
 * Options (env): BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 64), BENCH_BURST (default 3000),
 * BENCH_WARMUP (conversations before the burst, default 3000: until 6 December 2026, 300),
 * BENCH_STEADY_SECONDS (default 20), BENCH_DB (both|postgres|pglite), BENCH_NODE_ARGS (extra node flags for the
 * gateway, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`), BENCH_PG_STATEMENTS=1 (PostgreSQL: load pg_stat_statements, nested
 * statements included, and print each statement's execution time per conversation over the burst: a diagnosis, it costs CPU itself),
 * BENCH_PG_SETTINGS (PostgreSQL: more server settings, `;` between them, e.g. auto_explain's to log the plans of slow statements),
 * BENCH_PG_WAL=1 (PostgreSQL: the burst's WAL by record type, with its full-page images, from pg_walinspect: a diagnosis),
 * BENCH_STEADY_TRACE=1 (the steady phase's answers later than 40 ms: when each was sent, its answer's and its receipt's
 * latency, the wall-clock start of the phase and this process's own event-loop delay, to tell a stall of the gateway from
 * one of the machine: a diagnosis), BENCH_PG_LOG (PostgreSQL: copy the server's log to this file when it stops).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import autocannon from 'autocannon';
import { withClient } from '../test/support/databases';
import { ensureSystemPackages, freePort, startPostgres, type PostgresServer } from '../test/support/services';

const SECRET = 'bench-secret';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const NODE_ARGS = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const BURST = Number(process.env.BENCH_BURST ?? 3000);
const STEADY_SECONDS = Number(process.env.BENCH_STEADY_SECONDS ?? 20);
const STEADY_RATE = 50;
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3000);
const PG_STATEMENTS = process.env.BENCH_PG_STATEMENTS === '1';
const PG_SETTINGS = (process.env.BENCH_PG_SETTINGS ?? '').split(';').filter((line) => line.trim());
const PG_WAL = process.env.BENCH_PG_WAL === '1';
const STEADY_TRACE = process.env.BENCH_STEADY_TRACE === '1';
const ROOT = join(__dirname, '..');

/** The fake citizen-app callback: when each citizen got its first (receipt) and second (bot answer) message. */
interface CallbackSink {
  url: string;
  server: Server;
  receipts: Map<string, number>;
  answers: Map<string, number>;
}

async function startSink(): Promise<CallbackSink> {
  const sink = { receipts: new Map<string, number>(), answers: new Map<string, number>() } as CallbackSink;
  sink.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const now = performance.now();
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { userId: string };
        if (!sink.receipts.has(body.userId)) sink.receipts.set(body.userId, now);
        else if (!sink.answers.has(body.userId)) sink.answers.set(body.userId, now);
      } catch {
        /* counted as nothing */
      }
      res.writeHead(200).end('{}');
    });
  });
  sink.server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => sink.server.listen(0, '127.0.0.1', r));
  sink.url = `http://127.0.0.1:${(sink.server.address() as AddressInfo).port}/cb`;
  return sink;
}

function sign(raw: string): string {
  return `sha256=${createHmac('sha256', SECRET).update(raw).digest('hex')}`;
}

function webhookBody(userId: string): string {
  return JSON.stringify({
    id: `m-${userId}`,
    userId,
    name: 'Bench',
    phone: '0900000000',
    text: 'xin chào',
    attachments: [],
    timestamp: Date.now(),
  });
}

async function waitHttp(url: string, child: ChildProcess, ms = 120_000): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`process exited with ${child.exitCode}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      /* not yet */
    }
    await sleep(200);
  }
  throw new Error(`timeout waiting for ${url}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startProcess(args: string[], env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await new Promise((r) => {
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      r(null);
    }, 10_000);
    child.once('exit', () => {
      clearTimeout(t);
      r(null);
    });
  });
}

interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
}

/** Posts unique signed webhooks: for SECONDS, or `amount` of them as fast as the connections allow. */
async function load(url: string, prefix: string, amount?: number): Promise<LoadResult> {
  let n = 0;
  const result = await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    ...(amount ? { amount } : { duration: SECONDS }),
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req) => {
          const raw = webhookBody(`${prefix}-${++n}`);
          return { ...req, body: raw, headers: { ...req.headers, 'x-signature': sign(raw) } };
        },
      },
    ],
  });
  return {
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** One unlabelled counter of the gateway (one /metrics scrape, which itself costs one statement: the queue depth). */
async function counter(base: string, name: string): Promise<number> {
  const text = await retry(async () => (await fetch(`${base}/metrics`)).text());
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ').pop() ?? NaN);
}

/** The gateway's statement counter. */
const statements = (base: string) => counter(base, 'cong1022_db_statements_total');

/**
 * PostgreSQL's own counts: commits in the gateway's database, WAL flushes to disk (`pg_stat_wal`,
 * the fsyncs a commit waits for; a relaxed commit leaves its flush to the WAL writer, and one flush
 * may carry several commits) and WAL bytes written (what every row version and index entry costs the
 * log, whatever the machine's load). Null on PGlite.
 */
async function serverCounts(databaseUrl: string | undefined): Promise<{ commits: number; flushes: number; walBytes: number } | null> {
  if (!databaseUrl) return null;
  const r = await withClient(databaseUrl, (client) =>
    client.query<{ commits: string; flushes: string; wal_bytes: string }>(
      `SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()) AS commits,
              (SELECT wal_sync FROM pg_stat_wal) AS flushes, (SELECT wal_bytes FROM pg_stat_wal) AS wal_bytes`,
    ),
  );
  return { commits: Number(r.rows[0].commits), flushes: Number(r.rows[0].flushes), walBytes: Number(r.rows[0].wal_bytes) };
}

/** The fields of Linux's /proc/<pid>/stat after the command's closing parenthesis (state is the 1st, the parent's pid the 2nd). */
function procStat(pid: number): string[] {
  return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
}

/** CPU time (user + system, ms) process `pid` has used so far; 0 once it is gone. */
function cpuMs(pid: number): number {
  try {
    const fields = procStat(pid);
    // utime and stime are the 12th and 13th fields, in clock ticks of 10 ms.
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return 0;
  }
}

/** The processes of the PostgreSQL server behind `databaseUrl` (its postmaster and the postmaster's children); null on PGlite. */
async function serverPids(databaseUrl: string | undefined): Promise<number[] | null> {
  if (!databaseUrl) return null;
  const parentOf = (pid: number) => Number(procStat(pid)[1]);
  // The backend's parent, read while its connection is open (the backend ends with it).
  const postmaster = await withClient(databaseUrl, async (client) =>
    parentOf((await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid),
  );
  const pids: number[] = [postmaster];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (parentOf(Number(name)) === postmaster) pids.push(Number(name));
    } catch {
      /* gone meanwhile */
    }
  }
  return pids;
}

/**
 * CPU time used so far by the gateway and by the PostgreSQL server's processes (ms, by pid): what a
 * conversation costs in CPU does not move with the machine's other load as much as rates do.
 */
async function cpuSnapshot(
  gatewayPid: number,
  databaseUrl: string | undefined,
): Promise<{ gateway: number; server: Map<number, number> | null }> {
  const pids = await serverPids(databaseUrl);
  return { gateway: cpuMs(gatewayPid), server: pids && new Map(pids.map((pid) => [pid, cpuMs(pid)])) };
}

/** Runs `fn`, trying again twice after a connection error (a loaded machine resets a connection now and then). */
async function retry<T>(fn: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (err) {
      if (i >= 2) throw err;
      await sleep(200);
    }
  }
}

/** Waits until `count()` reaches `expected` (throws after `ms`). */
async function until(count: () => number, expected: number, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (count() < expected) {
    if (Date.now() > end) throw new Error(`only ${count()} of ${expected} ${what}`);
    await sleep(20);
  }
}

/** pg_stat_statements and the table statistics (BENCH_PG_STATEMENTS=1): forgets what was counted so far; a no-op otherwise. */
async function resetStatementStats(databaseUrl: string | undefined): Promise<void> {
  if (!PG_STATEMENTS || !databaseUrl) return;
  // The warm-up's table counts still pending in the backends (reported within 10 s) must land before the reset.
  await new Promise((r) => setTimeout(r, 11_000));
  await withClient(databaseUrl, (client) =>
    client.query('SELECT pg_stat_statements_reset(), (SELECT count(pg_stat_reset_single_table_counters(relid)) FROM pg_stat_user_tables)'),
  );
}

/**
 * pg_stat_statements (BENCH_PG_STATEMENTS=1): rows inserted, updated (HOT among them) and deleted per table,
 * and the statements that took the most execution time since the reset, per conversation. Statements a trigger or function runs are listed too (tracked as
 * nested), so their time is also inside the time of the statement that fired them.
 */
async function printStatementStats(databaseUrl: string | undefined, conversations: number): Promise<void> {
  if (!PG_STATEMENTS || !databaseUrl) return;
  const r = await withClient(databaseUrl, (client) =>
    client.query<{ calls: string; total: number; mean: number; rows: string; wal: string; query: string }>(
      `SELECT calls, total_exec_time AS total, mean_exec_time AS mean, rows, wal_bytes AS wal, query
       FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
       ORDER BY total_exec_time DESC LIMIT 25`,
    ),
  );
  // A backend reports its table counts at most once a second, and an idle one within 10 s.
  await new Promise((r) => setTimeout(r, 11_000));
  const tables = await withClient(databaseUrl, (client) =>
    client.query<{ relname: string; ins: string; upd: string; hot: string; del: string }>(
      `SELECT relname, n_tup_ins AS ins, n_tup_upd AS upd, n_tup_hot_upd AS hot, n_tup_del AS del
       FROM pg_stat_user_tables WHERE n_tup_ins + n_tup_upd + n_tup_del > 0 ORDER BY n_tup_upd DESC`,
    ),
  );
  console.log('| table | inserts / conv. | updates / conv. (HOT) | deletes / conv. |\n|---|---|---|---|');
  const per = (n: string) => (Number(n) / conversations).toFixed(2);
  for (const t of tables.rows) console.log(`| ${t.relname} | ${per(t.ins)} | ${per(t.upd)} (${per(t.hot)}) | ${per(t.del)} |`);
  console.log('| calls / conv. | exec ms / conv. | mean ms | rows / call | WAL kB / conv. | statement |\n|---|---|---|---|---|---|');
  for (const row of r.rows) {
    const text = row.query.replace(/\s+/g, ' ').slice(0, 160);
    console.log(
      `| ${(Number(row.calls) / conversations).toFixed(2)} | ${(row.total / conversations).toFixed(3)} | ${row.mean.toFixed(3)} | ` +
        `${(Number(row.rows) / Math.max(1, Number(row.calls))).toFixed(1)} | ${(Number(row.wal) / 1024 / conversations).toFixed(2)} | ${text} |`,
    );
  }
}

/** The server's current WAL position (BENCH_PG_WAL=1), or null. */
async function walPosition(databaseUrl: string | undefined): Promise<string | null> {
  if (!PG_WAL || !databaseUrl) return null;
  const r = await withClient(databaseUrl, (client) => client.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn'));
  return r.rows[0].lsn;
}

/** The WAL written between `from` and now, by record type, per conversation (BENCH_PG_WAL=1). */
async function printWalStats(databaseUrl: string | undefined, from: string | null, conversations: number): Promise<void> {
  if (!from || !databaseUrl) return;
  const r = await withClient(databaseUrl, async (client) => {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_walinspect');
    // The relation a record's first block belongs to ("blkref #0: rel 1663/5/16384 …"), named when it is in this database.
    return client.query<{ record: string; relation: string; count: string; size: string; fpi_count: string; fpi_size: string }>(
      `SELECT w.resource_manager || '/' || split_part(w.record_type, ' ', 1) AS record,
              coalesce(c.relname, w.rel, '–') AS relation, count(*) AS count, sum(w.record_length - w.fpi_length) AS size,
              count(*) FILTER (WHERE w.fpi_length > 0) AS fpi_count, sum(w.fpi_length) AS fpi_size
       FROM (SELECT *, substring(block_ref FROM 'rel \\d+/\\d+/(\\d+)') AS rel
             FROM pg_get_wal_records_info($1::pg_lsn, pg_current_wal_lsn())) w
       LEFT JOIN pg_class c ON c.relfilenode::text = w.rel
       GROUP BY 1, 2 ORDER BY sum(w.record_length) DESC`,
      [from],
    );
  });
  const per = (n: string, scale = 1) => (Number(n) / scale / conversations).toFixed(2);
  console.log(
    '| WAL record | relation | records / conv. | kB / conv. (without images) | full-page images / conv. | their kB / conv. |\n|---|---|---|---|---|---|',
  );
  const sum = (k: 'count' | 'size' | 'fpi_count' | 'fpi_size') => String(r.rows.reduce((n, row) => n + Number(row[k]), 0));
  for (const row of [
    ...r.rows.slice(0, 40),
    { record: 'all', relation: '', count: sum('count'), size: sum('size'), fpi_count: sum('fpi_count'), fpi_size: sum('fpi_size') },
  ]) {
    console.log(
      `| ${row.record} | ${row.relation} | ${per(row.count)} | ${per(row.size, 1024)} | ${per(row.fpi_count)} | ${per(row.fpi_size, 1024)} |`,
    );
  }
}

interface DbResult {
  db: string;
  burst: {
    conversations: number;
    seconds: number;
    perSecond: number;
    ack: LoadResult;
    statementsPerConversation: number;
    /** PostgreSQL: commits and WAL flushes per conversation (the statistics lag by up to half a second). */
    commitsPerConversation: number | null;
    /** CPU ms per conversation: the gateway's process, and the PostgreSQL server's (null on PGlite: it runs inside the gateway). */
    gatewayCpuMsPerConversation: number;
    serverCpuMsPerConversation: number | null;
    flushesPerConversation: number | null;
    /** PostgreSQL: kB of WAL written per conversation. */
    walKbPerConversation: number | null;
  };
  steady: { sent: number; p50: number; p99: number; max: number };
  ingest: LoadResult;
  /** During the ingest phase with the workers on: citizens answered, and claims the inbound lane held back (INTAKE_PRIORITY_MS). */
  ingestProcessing: { answered: number; yields: number };
  intakeOnly: LoadResult;
  /** The ceiling every ratio divides by: its requests/s is the mean of `ceilings`. */
  ceiling: LoadResult;
  /** The ceiling's requests/s measured before and after the gateway's phases. */
  ceilings: [number, number];
}

/** Ceiling: a bare Express + one INSERT per request into the same database kind, under the same load as the gateway's phases. */
async function measureCeiling(databaseUrl: string | undefined, dataDir: string): Promise<LoadResult> {
  const basePort = await freePort();
  const baseline = startProcess(['-r', 'tsx/cjs', 'scripts/bench-baseline.ts'], {
    PORT: String(basePort),
    DATA_DIR: dataDir,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  try {
    await waitHttp(`http://127.0.0.1:${basePort}/healthz`, baseline);
    await load(`http://127.0.0.1:${basePort}/insert`, 'bwarm');
    return await load(`http://127.0.0.1:${basePort}/insert`, 'bload');
  } finally {
    await stopProcess(baseline);
  }
}

async function benchDatabase(db: 'postgres' | 'pglite', databaseUrl: string | undefined): Promise<DbResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'cong1022-bench-'));
  console.log(`${db}: ceiling`);
  const ceilingBefore = await measureCeiling(databaseUrl, join(dataDir, 'baseline-before'));
  const sink = await startSink();
  const port = await freePort();
  const env: Record<string, string> = {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    EDONGTHAP_SECRET: SECRET,
    EDONGTHAP_CALLBACK_URL: sink.url,
    LIVECHAT_ENABLED: 'false',
    WEBHOOK_PER_MINUTE: '0',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
  const gateway = startProcess([...NODE_ARGS, 'dist/src/main.js'], env);
  const base = `http://127.0.0.1:${port}`;
  const answered = () => sink.answers.size;
  let burst: DbResult['burst'];
  let steady: DbResult['steady'];
  let ingest: LoadResult;
  let ingestProcessing: DbResult['ingestProcessing'];
  try {
    await waitHttp(`${base}/readyz`, gateway);
    // Warm-up: the code of a freshly started gateway gets hot and is compiled (V8's optimizing
    // compiler took 0.3 of a core during a burst after 300: BENCH_WARMUP).
    const warm = await load(`${base}/webhooks/edongthap`, `warm-${randomUUID().slice(0, 4)}`, WARMUP);
    await until(answered, warm.total - warm.non2xx, 300_000, 'warm-up answers');

    console.log(`${db}: burst`);
    // 1. Burst: N new citizens at once, until every one has its receipt and bot answer.
    await sleep(1000);
    const before = answered();
    const statementsBefore = await statements(base);
    const countsBefore = await serverCounts(databaseUrl);
    await resetStatementStats(databaseUrl);
    const walFrom = await walPosition(databaseUrl);
    const cpuBefore = await cpuSnapshot(gateway.pid!, databaseUrl);
    const start = performance.now();
    const ack = await load(`${base}/webhooks/edongthap`, `burst-${randomUUID().slice(0, 4)}`, BURST);
    const accepted = ack.total - ack.non2xx;
    await until(answered, before + accepted, 900_000, 'burst answers');
    const seconds = (performance.now() - start) / 1000;
    await sleep(300); // the last delivery's record follows its callback
    const spent = (await statements(base)) - statementsBefore - 1; // minus this scrape's own statement
    await sleep(700); // the statistics collector's delay
    const countsAfter = await serverCounts(databaseUrl);
    const cpuAfter = await cpuSnapshot(gateway.pid!, databaseUrl);
    await printStatementStats(databaseUrl, accepted);
    await printWalStats(databaseUrl, walFrom, accepted);
    // Server processes started during the burst count from zero; one that ended meanwhile is missed (pooled connections stay).
    const serverCpu = cpuAfter.server && [...cpuAfter.server].reduce((sum, [pid, ms]) => sum + ms - (cpuBefore.server?.get(pid) ?? 0), 0);
    const per = (k: 'commits' | 'flushes' | 'walBytes') =>
      countsBefore && countsAfter ? (countsAfter[k] - countsBefore[k]) / accepted : null;
    burst = {
      conversations: accepted,
      seconds,
      perSecond: accepted / seconds,
      ack,
      statementsPerConversation: spent / accepted,
      commitsPerConversation: per('commits'),
      gatewayCpuMsPerConversation: (cpuAfter.gateway - cpuBefore.gateway) / accepted,
      serverCpuMsPerConversation: serverCpu === null ? null : serverCpu / accepted,
      flushesPerConversation: per('flushes'),
      walKbPerConversation: per('walBytes') === null ? null : per('walBytes')! / 1024,
    };

    console.log(`${db}: steady`);
    // 2. Steady 50 webhooks/s on the now idle gateway: webhook → bot answer at the callback.
    const sentAt = new Map<string, number>();
    const prefix = `steady-${randomUUID().slice(0, 4)}`;
    const total = STEADY_RATE * STEADY_SECONDS;
    const loopDelay = STEADY_TRACE ? monitorEventLoopDelay({ resolution: 5 }) : null;
    loopDelay?.enable();
    const t0 = performance.now();
    const posts: Promise<unknown>[] = [];
    for (let i = 0; i < total; i++) {
      const due = t0 + (i * 1000) / STEADY_RATE;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      const userId = `${prefix}-${i}`;
      const raw = webhookBody(userId);
      sentAt.set(userId, performance.now());
      posts.push(
        retry(() =>
          fetch(`${base}/webhooks/edongthap`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', 'x-signature': sign(raw) },
            body: raw,
          }).then((r) => r.arrayBuffer()),
        ),
      );
    }
    await Promise.all(posts);
    await until(() => [...sentAt.keys()].filter((u) => sink.answers.has(u)).length, total, 120_000, 'steady answers');
    loopDelay?.disable();
    const latencies = [...sentAt].map(([u, t]) => sink.answers.get(u)! - t).sort((a, b) => a - b);
    if (loopDelay) printSteadyTrace(sentAt, sink, t0, loopDelay.max / 1e6);
    steady = { sent: total, p50: quantile(latencies, 0.5), p99: quantile(latencies, 0.99), max: latencies[latencies.length - 1] };

    console.log(`${db}: ingest`);
    // 3. Ingest with the workers on (they process what arrives meanwhile).
    const answeredBefore = answered();
    const yieldsBefore = await counter(base, 'cong1022_intake_yields_total');
    ingest = await load(`${base}/webhooks/edongthap`, `load-${randomUUID().slice(0, 4)}`);
    ingestProcessing = {
      answered: answered() - answeredBefore,
      yields: (await counter(base, 'cong1022_intake_yields_total')) - yieldsBefore,
    };
  } finally {
    await stopProcess(gateway);
  }

  // Intake alone: the workers are off, webhooks are stored and acknowledged only.
  const intakePort = await freePort();
  const intake = startProcess(['dist/src/main.js'], {
    ...env,
    PORT: String(intakePort),
    WORKER_CONCURRENCY: '0',
    DATA_DIR: join(dataDir, 'intake'),
  });
  let intakeOnly: LoadResult;
  try {
    await waitHttp(`http://127.0.0.1:${intakePort}/readyz`, intake);
    await load(`http://127.0.0.1:${intakePort}/webhooks/edongthap`, `iwarm-${randomUUID().slice(0, 4)}`);
    intakeOnly = await load(`http://127.0.0.1:${intakePort}/webhooks/edongthap`, `iload-${randomUUID().slice(0, 4)}`);
  } finally {
    await stopProcess(intake);
  }

  const ceilingAfter = await measureCeiling(databaseUrl, join(dataDir, 'baseline-after'));
  sink.server.close();
  rmSync(dataDir, { recursive: true, force: true });
  // The machine is shared: the mean of the ceilings measured before and after the gateway's phases.
  const ceiling = { ...ceilingAfter, rps: (ceilingBefore.rps + ceilingAfter.rps) / 2 };
  const ceilings: [number, number] = [ceilingBefore.rps, ceilingAfter.rps];
  return { db, burst, steady, ingest, ingestProcessing, intakeOnly, ceiling, ceilings };
}

/**
 * BENCH_STEADY_TRACE: the steady phase's late answers as [ms since the phase began, answer ms, receipt
 * ms]. A stall that delays receipts and answers alike, for every message of a moment, while this
 * process's event loop kept time, happened in the gateway, its database or the machine (compare the
 * wall-clock start with `vmstat -t 1`, or the PostgreSQL log of BENCH_PG_LOG).
 */
function printSteadyTrace(sentAt: Map<string, number>, sink: CallbackSink, t0: number, ownDelayMaxMs: number): void {
  const late = [...sentAt]
    .map(([u, t]) => [Math.round(t - t0), Math.round(sink.answers.get(u)! - t), Math.round(sink.receipts.get(u)! - t)])
    .filter(([, answer]) => answer > 40);
  const wallStart = new Date(Date.now() - (performance.now() - t0)).toISOString();
  console.log(`steady trace: began ${wallStart}; this process's event-loop delay at most ${ownDelayMaxMs.toFixed(1)} ms`);
  console.log(`steady trace, answers later than 40 ms [sent at ms, answer ms, receipt ms]: ${JSON.stringify(late)}`);
}

const pct = (a: number, b: number) => `${((100 * a) / b).toFixed(1)} %`;

async function main(): Promise<void> {
  const which = process.env.BENCH_DB ?? 'both';
  console.log('building…');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  const load0 = loadavg()[0];
  const results: DbResult[] = [];
  let server: PostgresServer | undefined;
  if (which === 'both' || which === 'postgres') {
    ensureSystemPackages((line) => console.log(line));
    const settings = [
      ...PG_SETTINGS,
      ...(PG_STATEMENTS ? [`shared_preload_libraries = 'pg_stat_statements'`, `pg_stat_statements.track = 'all'`] : []),
    ];
    server = await startPostgres({ durable: true, settings, keepLog: process.env.BENCH_PG_LOG });
    await withClient(server.url, (client) => client.query('CREATE DATABASE bench_gateway'));
    const gatewayUrl = server.url.replace(/\/postgres$/, '/bench_gateway');
    if (PG_STATEMENTS) await withClient(gatewayUrl, (client) => client.query('CREATE EXTENSION pg_stat_statements'));
    results.push(await benchDatabase('postgres', gatewayUrl));
  }
  if (which === 'both' || which === 'pglite') results.push(await benchDatabase('pglite', undefined));

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `\nMachine: ${cpus().length} × ${cpu}, load average ${load0.toFixed(1)} at the start; warm-up of ${WARMUP}, burst of ${BURST} new citizens, ` +
      `${STEADY_RATE}/s for ${STEADY_SECONDS} s, ${SECONDS} s per load phase, ${CONNECTIONS} connections; PostgreSQL with default durability (fsync on).\n`,
  );
  console.log(
    '| database | bare Express + INSERT/s (ceiling: mean of before / after) | conversations processed/s (÷ ceiling) | SQL statements per conversation | commits / WAL flushes / WAL kB per conversation | CPU ms per conversation, gateway / PostgreSQL | webhook → bot answer at 50/s, p50 / p99 (ms) | webhooks acked/s, workers on (÷ ceiling) | non-2xx | acked/s, workers off (÷ ceiling) |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const c = r.ceiling.rps;
    console.log(
      `| ${r.db} | ${c.toFixed(0)} (${r.ceilings.map((x) => x.toFixed(0)).join(' / ')}) | ${r.burst.perSecond.toFixed(0)} (${pct(r.burst.perSecond, c)}) | ${r.burst.statementsPerConversation.toFixed(1)} | ` +
        `${r.burst.commitsPerConversation?.toFixed(1) ?? '–'} / ${r.burst.flushesPerConversation?.toFixed(2) ?? '–'} / ${r.burst.walKbPerConversation?.toFixed(1) ?? '–'} | ` +
        `${r.burst.gatewayCpuMsPerConversation.toFixed(1)} / ${r.burst.serverCpuMsPerConversation?.toFixed(1) ?? '–'} | ` +
        `${r.steady.p50.toFixed(0)} / ${r.steady.p99.toFixed(0)} | ${r.ingest.rps.toFixed(0)} (${pct(r.ingest.rps, c)}) | ` +
        `${r.ingest.non2xx + r.ingest.errors + r.burst.ack.non2xx + r.burst.ack.errors} | ${r.intakeOnly.rps.toFixed(0)} (${pct(r.intakeOnly.rps, c)}) |`,
    );
  }
  for (const r of results)
    console.log(
      `\n${r.db}, ingest with the workers on: ${r.ingestProcessing.answered} citizens answered during the ${SECONDS} s of load, ` +
        `${r.ingestProcessing.yields} claims held back for the intake (INTAKE_PRIORITY_MS).`,
    );
  console.log('\n' + JSON.stringify(results));
  server?.stop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
