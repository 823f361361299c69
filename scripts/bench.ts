/**
 * `npm run bench`: the load benchmark of the webhook intake, from a second process.
 *
 * For PostgreSQL (a throw-away server with default durability) and for PGlite, it starts the built
 * gateway as a child process with a fake citizen-app callback here, then:
 *  1. load: autocannon posts signed citizen-app webhooks (unique ids) for BENCH_SECONDS →
 *     webhooks acked/s, p50/p99 ack latency; then the time until every receipt has arrived;
 *  2. latency probe: a steady trickle of webhooks → webhook-to-receipt time p50/p99;
 *  3. intake alone: the same load on a gateway whose worker is off (WORKER_CONCURRENCY=0), so the
 *     cost of storing and acknowledging is seen apart from the processing that shares the CPU;
 *  4. baseline: a bare Express handler doing one INSERT per request into the same database,
 *     same load → its ceiling, so the gateway's figure reads as a ratio.
 *
 * Options (env): BENCH_SECONDS (default 10), BENCH_CONNECTIONS (default 64), BENCH_DB (both|postgres|pglite).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { ensureSystemPackages, startPostgres, type PostgresServer } from '../test/support/services';

const SECRET = 'bench-secret';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const ROOT = join(__dirname, '..');

interface CallbackSink {
  url: string;
  server: Server;
  /** Receipt arrival times by user id. */
  arrivals: Map<string, number>;
  count: number;
}

async function startSink(): Promise<CallbackSink> {
  const sink = { arrivals: new Map<string, number>(), count: 0 } as CallbackSink;
  sink.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const now = performance.now();
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { userId: string; text: string };
        if (body.text.startsWith('Tổng đài Thông tin') && !sink.arrivals.has(body.userId)) {
          sink.arrivals.set(body.userId, now);
          sink.count++;
        }
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
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timeout waiting for ${url}`);
}

function startProcess(args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  return child;
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

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  total: number;
  non2xx: number;
  errors: number;
}

/** Posts unique signed webhooks for SECONDS; `sent` records each user id's send time. */
async function load(url: string, sent: Map<string, number> | null, prefix: string): Promise<LoadResult> {
  let n = 0;
  const result = await autocannon({
    url,
    method: 'POST',
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (req) => {
          n++;
          const userId = `${prefix}-${n}`;
          const raw = JSON.stringify({
            id: `${prefix}-m${n}`,
            userId,
            name: 'Bench',
            phone: '0900000000',
            text: 'xin chào',
            attachments: [],
            timestamp: Date.now(),
          });
          sent?.set(userId, performance.now());
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

interface DbResult {
  db: string;
  gateway: LoadResult;
  intakeOnly: LoadResult;
  drainSeconds: number;
  processedPerSecond: number;
  e2eP50: number;
  e2eP99: number;
  baseline: LoadResult;
}

async function benchDatabase(db: 'postgres' | 'pglite', databaseUrl: string | undefined): Promise<DbResult> {
  const sink = await startSink();
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'cong1022-bench-'));
  const env: Record<string, string> = {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    EDONGTHAP_SECRET: SECRET,
    EDONGTHAP_CALLBACK_URL: sink.url,
    LIVECHAT_ENABLED: 'false',
    WORKER_CONCURRENCY: '16',
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  };
  const gateway = startProcess(['dist/src/main.js'], env);
  const base = `http://127.0.0.1:${port}`;
  let gatewayLoad: LoadResult;
  let drainSeconds: number;
  let e2e: number[];
  try {
    await waitHttp(`${base}/readyz`, gateway);
    // Warm-up.
    await load(`${base}/webhooks/edongthap`, null, `warm-${randomUUID().slice(0, 4)}`).catch(() => undefined);
    await drain(sink, () => sink.count, Infinity, 120_000);
    await waitQueueEmpty(base, 600_000);
    const before = sink.count;
    const sent = new Map<string, number>();
    const loadStart = performance.now();
    gatewayLoad = await load(`${base}/webhooks/edongthap`, sent, `load-${randomUUID().slice(0, 4)}`);
    const expected = before + gatewayLoad.total - gatewayLoad.non2xx;
    await drain(sink, () => sink.count, expected, 600_000);
    // Every job done (bot answers too): the probe below then measures an idle gateway.
    await waitQueueEmpty(base, 600_000);
    drainSeconds = (performance.now() - loadStart) / 1000;

    // Latency probe: 20 webhooks/s for 10 s on an idle gateway.
    const probeSent = new Map<string, number>();
    for (let i = 0; i < 200; i++) {
      const userId = `probe-${i}-${randomUUID().slice(0, 6)}`;
      const raw = JSON.stringify({ id: `p-${userId}`, userId, text: 'xin chào', attachments: [], timestamp: Date.now() });
      probeSent.set(userId, performance.now());
      const r = await fetch(`${base}/webhooks/edongthap`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-signature': sign(raw) },
        body: raw,
      });
      await r.arrayBuffer();
      await new Promise((res) => setTimeout(res, 50));
    }
    await drain(sink, () => [...probeSent.keys()].filter((u) => sink.arrivals.has(u)).length, probeSent.size, 60_000);
    e2e = [...probeSent]
      .map(([u, t]) => (sink.arrivals.get(u) ?? NaN) - t)
      .filter(Number.isFinite)
      .sort((a, b) => a - b);
  } finally {
    await stopProcess(gateway);
  }

  // Intake alone: the worker is off, webhooks are stored and acknowledged only.
  const intakePort = await freePort();
  const intake = startProcess(['dist/src/main.js'], {
    ...env,
    PORT: String(intakePort),
    WORKER_CONCURRENCY: '0',
    DATA_DIR: join(dataDir, 'intake'),
  });
  let intakeLoad: LoadResult;
  try {
    await waitHttp(`http://127.0.0.1:${intakePort}/readyz`, intake);
    await load(`http://127.0.0.1:${intakePort}/webhooks/edongthap`, null, `iwarm-${randomUUID().slice(0, 4)}`);
    intakeLoad = await load(`http://127.0.0.1:${intakePort}/webhooks/edongthap`, null, `iload-${randomUUID().slice(0, 4)}`);
  } finally {
    await stopProcess(intake);
  }

  // Baseline: bare Express + one INSERT per request into the same database kind.
  const basePort = await freePort();
  const baseline = startProcess(['-r', 'tsx/cjs', 'scripts/bench-baseline.ts'], {
    PORT: String(basePort),
    DATA_DIR: join(dataDir, 'baseline'),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  let baselineLoad: LoadResult;
  try {
    await waitHttp(`http://127.0.0.1:${basePort}/healthz`, baseline);
    await load(`http://127.0.0.1:${basePort}/insert`, null, 'bwarm');
    baselineLoad = await load(`http://127.0.0.1:${basePort}/insert`, null, 'bload');
  } finally {
    await stopProcess(baseline);
    sink.server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return {
    db,
    gateway: gatewayLoad!,
    intakeOnly: intakeLoad!,
    drainSeconds,
    processedPerSecond: (gatewayLoad!.total - gatewayLoad!.non2xx) / drainSeconds,
    e2eP50: quantile(e2e, 0.5),
    e2eP99: quantile(e2e, 0.99),
    baseline: baselineLoad!,
  };
}

/** Waits until the gateway reports no pending or running job (`cong1022_queue_depth` in /metrics). */
async function waitQueueEmpty(base: string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const text = await (await fetch(`${base}/metrics`)).text();
    const depth = text
      .split('\n')
      .filter((l) => l.startsWith('cong1022_queue_depth{') && !l.includes('state="failed"'))
      .reduce((n, l) => n + Number(l.split(' ').pop()), 0);
    if (depth === 0) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('the job queue did not empty in time');
}

async function drain(_sink: CallbackSink, count: () => number, expected: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  let last = -1;
  let stable = 0;
  while (Date.now() < until) {
    const c = count();
    if (c >= expected) return;
    if (expected === Infinity) {
      stable = c === last ? stable + 1 : 0;
      if (stable >= 10) return;
    }
    last = c;
    await new Promise((r) => setTimeout(r, 200));
  }
  if (expected !== Infinity) throw new Error(`only ${count()} of ${expected} receipts arrived`);
}

async function main(): Promise<void> {
  const which = process.env.BENCH_DB ?? 'both';
  console.log('building…');
  execFileSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: 'inherit' });
  const results: DbResult[] = [];
  let server: PostgresServer | undefined;
  if (which === 'both' || which === 'postgres') {
    ensureSystemPackages((line) => console.log(line));
    server = await startPostgres({ durable: true });
    execFileSync('psql', [server.url, '-qc', 'CREATE DATABASE bench_gateway']);
    results.push(await benchDatabase('postgres', server.url.replace(/\/postgres$/, '/bench_gateway')));
  }
  if (which === 'both' || which === 'pglite') results.push(await benchDatabase('pglite', undefined));

  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `\nMachine: ${cpus().length} × ${cpu}; ${SECONDS} s per load phase, ${CONNECTIONS} connections; PostgreSQL with default durability (fsync on).\n`,
  );
  console.log(
    '| database | webhooks acked/s | ack p50 / p99 (ms) | non-2xx | all work done after (s) | conversations processed/s | webhook → receipt p50 / p99 (ms, idle) | acked/s, worker off | bare Express + INSERT/s | gateway ÷ bare | worker off ÷ bare |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    console.log(
      `| ${r.db} | ${r.gateway.rps.toFixed(0)} | ${r.gateway.p50} / ${r.gateway.p99} | ${r.gateway.non2xx + r.gateway.errors} | ${r.drainSeconds.toFixed(1)} | ${r.processedPerSecond.toFixed(0)} | ${r.e2eP50.toFixed(1)} / ${r.e2eP99.toFixed(1)} | ${r.intakeOnly.rps.toFixed(0)} | ${r.baseline.rps.toFixed(0)} | ${(r.gateway.rps / r.baseline.rps).toFixed(2)} | ${(r.intakeOnly.rps / r.baseline.rps).toFixed(2)} |`,
    );
  }
  console.log('\n' + JSON.stringify(results));
  server?.stop();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
