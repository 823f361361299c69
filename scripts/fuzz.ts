/**
 * `npm run fuzz`: posts mutated payloads to every webhook of a running gateway and counts what
 * should never happen: a 5xx answer, and a stored payload that then fails for good (a dead letter:
 * something stored that could never be processed — it should have been refused with a 400).
 *
 *   npm run fuzz -- --url http://localhost:3000 [--count 2000] [--seed 1]
 *
 * Each payload starts from a realistic event of the channel and gets a few random mutations (values
 * swapped for other types, huge or odd strings, NUL and control characters, deep nesting, deleted or
 * duplicated keys, big numbers, raw byte flips); then it is signed with the channel's secret, so
 * that it reaches acceptance and processing rather than stopping at the signature. Secrets come
 * from the same variables as the gateway's (EDONGTHAP_SECRET, ZALO_APP_ID + ZALO_OA_SECRET_KEY,
 * FB_APP_SECRET); a channel without them is skipped. With DATABASE_URL pointing at the gateway's
 * PostgreSQL, stored rows and dead letters are counted too. Exits 1 when a target is missed.
 */
import { expectedMac } from '../adapters/zalo/verify';
import { hmacSha256Hex } from '../src/channels/kit/helpers';
import { openDatabase, type Queryable } from '../src/db/database';
import { seededRandom } from '../src/seeded-random';

/** A channel to fuzz: its seeds and how a body is signed. */
export interface FuzzChannel {
  channel: string;
  seeds: unknown[];
  /** Headers signing `raw`, or null when the body cannot be signed (it is then sent unsigned). */
  sign(raw: Buffer): Record<string, string> | null;
}

/** Counts of one run. */
export interface FuzzReport {
  sent: number;
  byStatus: Record<string, number>;
  serverErrors: number;
  /** Rows added to inbound_events (when a database was given). */
  stored: number | null;
  /** Stored payloads whose processing failed for good (when a database was given). */
  deadLetters: number | null;
  /** The first few payloads that got a 5xx, for reproduction. */
  failures: { channel: string; status: number; body: string }[];
}

const ODD_STRINGS = [
  '',
  '\u0000',
  'a\u0000b',
  '\u202e\u200b',
  '😀'.repeat(500),
  'x'.repeat(70_000),
  '<script>alert(1)</script>',
  "'; DROP TABLE events; --",
  '%00%ff',
  '\ud800',
  '9'.repeat(40),
  'NaN',
  '-1',
  '1e309',
  'null',
];
const ODD_VALUES: unknown[] = [null, true, false, 0, -1, 1.5, 2 ** 53 + 1, 1e308, [], {}, [[[[]]]], { $ref: '#' }];

function pick<T>(rnd: () => number, list: readonly T[]): T {
  return list[Math.floor(rnd() * list.length)];
}

function deep(depth: number): unknown {
  let v: unknown = 'bottom';
  for (let i = 0; i < depth; i++) v = { n: v };
  return v;
}

/** Returns a mutated deep copy of `value`. */
export function mutate(value: unknown, rnd: () => number, mutations = 1 + Math.floor(rnd() * 3)): unknown {
  let out = structuredClone(value);
  for (let m = 0; m < mutations; m++) {
    const paths = collectPaths(out);
    const path = paths.length ? pick(rnd, paths) : [];
    const r = rnd();
    const replacement =
      r < 0.3 ? pick(rnd, ODD_STRINGS) : r < 0.55 ? pick(rnd, ODD_VALUES) : r < 0.65 ? deep(20 + Math.floor(rnd() * 60)) : undefined;
    if (path.length === 0) {
      out = r < 0.5 ? pick(rnd, ODD_VALUES) : out;
      continue;
    }
    const parent = path.slice(0, -1).reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], out) as Record<string, unknown>;
    const key = path[path.length - 1];
    if (replacement !== undefined) parent[key] = replacement;
    else if (r < 0.8) delete parent[key];
    else if (Array.isArray(parent)) parent.push(structuredClone(parent[Number(key)]));
    else parent[`${key}_${Math.floor(rnd() * 100)}`] = parent[key];
  }
  return out;
}

function collectPaths(value: unknown, prefix: string[] = [], out: string[][] = []): string[][] {
  if (value && typeof value === 'object' && out.length < 500) {
    for (const k of Object.keys(value)) {
      out.push([...prefix, k]);
      collectPaths((value as Record<string, unknown>)[k], [...prefix, k], out);
    }
  }
  return out;
}

/** One fuzzed body: mostly structured mutations, sometimes raw byte damage. */
function fuzzBody(seed: unknown, rnd: () => number): Buffer {
  const bytes = Buffer.from(JSON.stringify(mutate(seed, rnd)) ?? 'null');
  if (rnd() > 0.15) return bytes;
  for (let i = 0; i < 1 + rnd() * 4; i++) bytes[Math.floor(rnd() * bytes.length)] = Math.floor(rnd() * 256);
  return bytes;
}

async function count(db: Queryable | undefined, sql: string): Promise<number | null> {
  if (!db) return null;
  return (await db.query<{ n: number }>(sql)).rows[0].n;
}

/** Posts `count` fuzzed payloads spread over `channels` to `baseUrl`; counts answers, stored rows and dead letters. */
export async function runFuzz(opts: {
  baseUrl: string;
  channels: FuzzChannel[];
  count: number;
  seed?: number;
  db?: Queryable;
  /** Waits for the gateway to finish processing before dead letters are counted (default: polls the queue up to 60 s). */
  settle?: () => Promise<void>;
}): Promise<FuzzReport> {
  const rnd = seededRandom(opts.seed ?? 1);
  const report: FuzzReport = { sent: 0, byStatus: {}, serverErrors: 0, stored: null, deadLetters: null, failures: [] };
  const storedBefore = await count(opts.db, 'SELECT count(*)::int AS n FROM inbound_events');
  const deadBefore = await count(opts.db, `SELECT count(*)::int AS n FROM jobs WHERE kind = 'inbound' AND state = 'failed'`);
  for (let i = 0; i < opts.count; i++) {
    const ch = opts.channels[i % opts.channels.length];
    const body = fuzzBody(pick(rnd, ch.seeds), rnd);
    const headers = { 'content-type': 'application/json', ...(ch.sign(body) ?? {}) };
    const res = await fetch(`${opts.baseUrl}/webhooks/${ch.channel}`, { method: 'POST', headers, body: new Uint8Array(body) });
    await res.arrayBuffer();
    report.sent++;
    report.byStatus[res.status] = (report.byStatus[res.status] ?? 0) + 1;
    if (res.status >= 500) {
      report.serverErrors++;
      if (report.failures.length < 5)
        report.failures.push({ channel: ch.channel, status: res.status, body: body.toString('utf8', 0, 2000) });
    }
  }
  if (opts.db) {
    if (opts.settle) await opts.settle();
    else {
      const until = Date.now() + 60_000;
      while (
        Date.now() < until &&
        (await count(opts.db, `SELECT count(*)::int AS n FROM jobs WHERE kind = 'inbound' AND state <> 'failed'`))! > 0
      )
        await new Promise((r) => setTimeout(r, 200));
    }
    report.stored = (await count(opts.db, 'SELECT count(*)::int AS n FROM inbound_events'))! - storedBefore!;
    report.deadLetters =
      (await count(opts.db, `SELECT count(*)::int AS n FROM jobs WHERE kind = 'inbound' AND state = 'failed'`))! - deadBefore!;
  }
  return report;
}

/** Realistic seeds and signers for the channels whose secrets are given. */
export function fuzzChannels(env: Record<string, string | undefined>): FuzzChannel[] {
  const now = Date.now();
  const out: FuzzChannel[] = [];
  if (env.EDONGTHAP_SECRET) {
    const secret = env.EDONGTHAP_SECRET;
    out.push({
      channel: 'edongthap',
      seeds: [
        {
          id: 'm-1',
          userId: 'u-1',
          name: 'Nguyễn Văn A',
          phone: '0909123456',
          text: 'làm giấy khai sinh',
          attachments: [],
          timestamp: now,
        },
        {
          id: 'm-2',
          userId: 'u-2',
          text: 'gửi ảnh',
          attachments: [{ type: 'image', url: 'https://cdn.example.vn/a.jpg', name: 'a.jpg' }],
          timestamp: now,
        },
      ],
      sign: (raw) => ({ 'x-signature': `sha256=${hmacSha256Hex(secret, raw)}` }),
    });
  }
  if (env.ZALO_APP_ID && env.ZALO_OA_SECRET_KEY) {
    const { ZALO_APP_ID: appId, ZALO_OA_SECRET_KEY: key } = env;
    out.push({
      channel: 'zalo',
      seeds: [
        {
          app_id: appId,
          event_name: 'user_send_text',
          timestamp: String(now),
          sender: { id: '2512523625412515' },
          recipient: { id: '579745863508352884' },
          message: { msg_id: 'msg-1', text: 'xin chào' },
        },
        {
          app_id: appId,
          event_name: 'user_send_image',
          timestamp: String(now),
          sender: { id: '2512523625412515' },
          recipient: { id: '579745863508352884' },
          message: { msg_id: 'msg-2', attachments: [{ type: 'image', payload: { url: 'https://zalo.example/a.jpg' } }] },
        },
      ],
      sign: (raw) => {
        // The mac covers app_id and timestamp read from the body: an unparseable body cannot be signed.
        const mac = expectedMac(raw, key);
        return mac ? { 'x-zevent-signature': `mac=${mac}` } : null;
      },
    });
  }
  if (env.FB_APP_SECRET) {
    const secret = env.FB_APP_SECRET;
    const page = '106400000000001';
    out.push({
      channel: 'facebook',
      seeds: [
        {
          object: 'page',
          entry: [
            {
              id: page,
              time: now,
              messaging: [{ sender: { id: '7000001' }, recipient: { id: page }, timestamp: now, message: { mid: 'm.1', text: 'chào' } }],
            },
          ],
        },
        {
          object: 'page',
          entry: [
            {
              id: page,
              time: now,
              messaging: [
                {
                  sender: { id: '7000002' },
                  recipient: { id: page },
                  timestamp: now,
                  postback: { title: 'Bắt đầu', payload: 'GET_STARTED' },
                },
              ],
            },
          ],
        },
      ],
      sign: (raw) => ({ 'x-hub-signature-256': `sha256=${hmacSha256Hex(secret, raw)}` }),
    });
  }
  return out;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const inline = process.argv.find((a) => a.startsWith(`--${name}=`));
  return inline ? inline.slice(name.length + 3) : i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

async function main(): Promise<number> {
  await import('dotenv/config');
  const channels = fuzzChannels(process.env);
  if (!channels.length) {
    console.error('no channel to fuzz: set EDONGTHAP_SECRET, ZALO_APP_ID + ZALO_OA_SECRET_KEY or FB_APP_SECRET as the gateway has them');
    return 2;
  }
  const url = process.env.DATABASE_URL;
  const db = url?.startsWith('postgres') ? await openDatabase(url, '.') : undefined;
  try {
    const report = await runFuzz({
      baseUrl: arg('url', `http://localhost:${process.env.PORT ?? 3000}`),
      channels,
      count: Number(arg('count', '2000')),
      seed: Number(arg('seed', '1')),
      db,
    });
    console.log(JSON.stringify(report, null, 2));
    return report.serverErrors === 0 && (report.deadLetters ?? 0) === 0 ? 0 : 1;
  } finally {
    await db?.close();
  }
}

if (process.argv[1] && /(^|[\\/])fuzz\.ts$/.test(process.argv[1])) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(2);
    },
  );
}
