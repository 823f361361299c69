/**
 * Hot statements prepared on PGlite (`src/db/pglite-prepared.ts`): parsed once per instance, then only
 * bound and executed, with what `query` gives: the same rows and JS types, row counts, errors (code,
 * message, fields) and transaction states, inside and outside transactions, after schema changes and
 * under concurrent use (the event loop's turns between them: event-loop-fairness.test.ts).
 */
import { randomUUID } from 'node:crypto';
import { hot, isTransientDbError, openDatabase, type Database, type Queryable } from '../../src/db/database';
import { completeJob, failJob, renewLeases } from '../../src/jobs/queue';
import { claimDeliveries, recordSent } from '../../src/store/deliveries';
import { claimInboundJobs, finishInboundEvent, insertInboundEvent } from '../../src/store/inbound-events';
import { openThreads, recordInbounds } from '../../src/store/inbound-messages';
import { markPartSent } from '../../src/store/messages';
import { openTestDatabase } from '../support/databases';
import { tempDirs } from '../support/temp-dirs';

/** Each statement's raw result (or error) as the store received it, in order. */
type Log = unknown[];

/** `db` recording every statement's result or error into `log`. */
function recording(db: Database, log: Log): Pick<Database, 'query' | 'transaction'> {
  const record = (q: Queryable): Queryable => ({
    async query<T>(sql: string, params?: unknown[]) {
      try {
        const r = await q.query<T>(sql, params);
        log.push({ rows: r.rows, rowCount: r.rowCount });
        return r;
      } catch (err) {
        log.push({ error: errorFields(err) });
        throw err;
      }
    },
  });
  return { ...record(db), transaction: (fn) => db.transaction((tx) => fn(record(tx))) };
}

/** What callers read of an error. */
function errorFields(err: unknown) {
  const e = err as Record<string, unknown>;
  return {
    class: (err as Error).constructor.name,
    ...Object.fromEntries(['code', 'message', 'detail', 'constraint', 'table', 'column', 'severity', 'params'].map((k) => [k, e[k]])),
    transient: isTransientDbError(err),
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ISO_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d/;

/** Values that differ between two databases by nature (now(), random ids) as their type; everything else as is. */
function stable(v: unknown): unknown {
  if (v instanceof Date) return '<Date>';
  if (typeof v === 'string') return UUID.test(v) ? '<uuid>' : ISO_TIME.test(v) ? '<time>' : v;
  if (v instanceof Uint8Array) return { bytes: [...v], type: v.constructor.name };
  if (Array.isArray(v)) return v.map(stable);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, stable(x)]));
  return v;
}

/** A result or the error it rejected with. */
const outcome = <T>(p: Promise<T>) =>
  p.then(
    (value) => ({ value }),
    (err: unknown) => ({ error: errorFields(err) }),
  );

const preparedCount = async (db: Queryable, sql?: string) =>
  (
    await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_prepared_statements WHERE from_sql = false AND ($1::text IS NULL OR statement = $1)`,
      [sql ?? null],
    )
  ).rows[0].n;

describe('the pipeline on PGlite, its hot statements prepared', () => {
  let prepared: Database;
  let plain: Database;
  beforeAll(async () => {
    prepared = await openTestDatabase('memory://', '/tmp/unused');
    plain = await openTestDatabase('memory://', '/tmp/unused', { pglitePrepared: false });
  });
  afterAll(async () => {
    await Promise.all([prepared?.close(), plain?.close()]);
  });

  /** What the pipeline runs for a citizen's two messages, their replies and deliveries; fixed ids, so both runs match. */
  async function conversation(db: Pick<Database, 'query' | 'transaction'>, ids: string[]) {
    const body = Buffer.from(JSON.stringify({ text: 'xin chào', bytes: [0, 255] }));
    const item = { channel: 'zalo', contentType: 'application/json', body, jobKind: 'inbound', orderingKey: 'in:zalo:u1' };
    await insertInboundEvent(db, { ...item, dedupeKey: 'k1' });
    await insertInboundEvent(db, { ...item, dedupeKey: 'k1' }); // a replay: nothing stored, row count 0
    await insertInboundEvent(db, { ...item, dedupeKey: 'k2' });
    const [job] = await claimInboundJobs(db, 'w1', 1, 15_000, ['inbound']);
    expect(job.attached).toMatchObject({ channel: 'zalo', body: expect.any(Uint8Array), processedAt: null });
    await renewLeases(db, 'w1', [job.id], 15_000);
    for (const [n, messageId] of [ids[0], ids[1]].entries()) {
      await db.transaction(async (tx) => {
        const thread = await (
          await openThreads(tx, [
            {
              channel: 'zalo',
              externalUserId: 'u1',
              externalMessageId: `m${n}`,
              hints: { displayName: 'Trần Thị Bích', phone: '0912345678' },
              interactedAt: new Date(Date.UTC(2026, 11, 5, 9, n)),
              open: { id: ids[2], subject: 'Hỏi thủ tục' },
            },
          ])
        )[0];
        const replies = [ids[3 + 2 * n], ids[4 + 2 * n]];
        await recordInbounds(tx, [
          {
            message: {
              id: messageId,
              conversationId: thread.conversation!.id,
              channel: 'zalo',
              externalId: `m${n}`,
              authorName: 'Trần Thị Bích',
              text: 'xin chào',
              html: null,
              attachments: [],
              ticketId: null,
              meta: { intent: 'greeting', score: 0.5 },
              createdAt: new Date(Date.UTC(2026, 11, 5, 9, n)),
            },
            botContext: { turns: n + 1, last: ['chào'] },
            events: [{ type: 'message_received', actor: { kind: 'citizen' }, conversationId: thread.conversation!.id, data: { n } }],
            outbound: replies.map((id, i) => ({
              id,
              conversationId: thread.conversation!.id,
              channel: 'zalo',
              authorKind: 'bot' as const,
              purpose: i ? 'answer' : 'receipt',
              text: i ? 'Chào bạn!' : 'Đã nhận.',
              quickReplies: [{ title: 'Có', payload: 'yes' }],
            })),
            jobs: [{ kind: 'deliver', orderingKey: `out:${thread.conversation!.id}`, payload: { messageIds: replies, channel: 'zalo' } }],
            finish: n === 0 ? { eventId: String(job.payload.eventId), jobId: job.id } : null,
          },
        ]);
      });
    }
    const [delivery] = await claimDeliveries('deliver', [])(db, 'w1', 1, 15_000, ['deliver']);
    expect(delivery.attached).toHaveLength(2);
    await markPartSent(db, ids[3], 0, 'p-0');
    await recordSent(
      db,
      [ids[3], ids[4]].map((id, i) => ({
        id,
        parts: 1,
        providerId: `p-${i}`,
        event: { type: 'message_sent', actor: { kind: 'system' as const }, data: { id } },
        completeJobId: i ? delivery.id : null,
      })),
    );
    const [second] = await claimInboundJobs(db, 'w1', 5, 15_000, ['inbound']);
    await failJob(db, second, 'thử lại', 10, 'final');
    await finishInboundEvent(db, String(second.payload.eventId), second.id);
    const [next] = await claimDeliveries('deliver', [])(db, 'w2', 5, 15_000, ['deliver']);
    await completeJob(db, next.id);
  }

  it('gives the rows, JS types, row counts and statement counts `query` gives', async () => {
    const ids = Array.from({ length: 8 }, () => randomUUID());
    const logs: Record<'prepared' | 'plain', Log> = { prepared: [], plain: [] };
    const before = { prepared: prepared.statements.count, plain: plain.statements.count };
    await conversation(recording(prepared, logs.prepared), ids);
    await conversation(recording(plain, logs.plain), ids);
    expect(logs.prepared.length).toBeGreaterThan(15);
    expect(stable(logs.prepared)).toEqual(stable(logs.plain));
    expect(prepared.statements.count - before.prepared).toBe(plain.statements.count - before.plain);
    // Really prepared on one, and on one only: each hot statement of the run once, under its name.
    expect(await preparedCount(prepared)).toBeGreaterThanOrEqual(10);
    expect(await preparedCount(plain)).toBe(0);
  });
});

describe('a hot statement prepared on PGlite', () => {
  let db: Database;
  let plain: Database;
  beforeAll(async () => {
    db = await openDatabase('memory://', '');
    plain = await openDatabase('memory://', '', { pglitePrepared: false });
    for (const d of [db, plain]) {
      await d.query(`CREATE TABLE typed (
        id int PRIMARY KEY, i2 int2, i4 int4, i8 int8, num numeric, f8 float8, yes bool, t text, vc varchar(20), u uuid,
        tstz timestamptz, ts timestamp, d date, j json, jb jsonb, raw bytea, ta text[], ia int4[], i8a int8[], ua uuid[], tza timestamptz[])`);
      await d.query(`CREATE TABLE kv (k int PRIMARY KEY, v text NOT NULL CHECK (v <> ''))`);
    }
  });
  afterAll(async () => {
    await Promise.all([db?.close(), plain?.close()]);
  });
  afterEach(async () => {
    for (const d of [db, plain]) await d.query('DELETE FROM kv');
  });

  const INSERT_TYPED =
    hot(`INSERT INTO typed VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21)
    RETURNING *, i8 * 2 AS i8_twice, num / 4 AS quarter, length(raw) AS raw_length, now() - now() AS no_time, 'x'::"char" AS c`);
  const SELECT_TYPED = hot('SELECT * FROM typed WHERE id = ANY($1::int[]) ORDER BY id');
  const INSERT_KV = hot('INSERT INTO kv VALUES ($1, $2) RETURNING k, v');
  const SELECT_KV = hot('SELECT k, v FROM kv WHERE k = $1');
  const COUNT_KV = hot('SELECT count(*) AS n FROM kv');

  const full = [
    1,
    -32768,
    2147483647,
    '9007199254740991',
    '12345.678901',
    -1.5e-7,
    true,
    'Sở Tư pháp Đồng Tháp\u{1F600}',
    'ngắn',
    randomUUID(),
    new Date(Date.UTC(2026, 11, 5, 9, 7, 15, 123)),
    new Date(Date.UTC(2001, 0, 2, 3, 4, 5)),
    '2026-12-05',
    { a: [1, 'hai', null], b: { c: true } },
    { tên: 'Nguyễn', n: 3.25, list: [{ x: 1 }] },
    Buffer.from([0, 1, 127, 128, 255, 92, 120]),
    ['một', 'with "quotes"', 'with,comma', '', null],
    [1, -2, 3],
    [1, 9007199254740991],
    [randomUUID()],
    [new Date(Date.UTC(2026, 0, 1))],
  ];
  const empty = [2, ...full.slice(1).map(() => null)];

  it('returns every column type as `query` does, NULLs included, parameters serialized alike', async () => {
    const viaPrepared = await db.query(INSERT_TYPED, full);
    const viaQuery = await plain.query(INSERT_TYPED, full);
    expect(viaPrepared).toEqual(viaQuery);
    const row = viaPrepared.rows[0];
    // As the database wrapper reads them on both databases: int8 and numeric as numbers.
    expect(row).toMatchObject({ i8: 9007199254740991, num: 12345.678901, i8_twice: Number('18014398509481982'), raw_length: 7, c: 'x' });
    expect(row.tstz).toEqual(full[10]);
    expect(row.jb).toEqual(full[14]);
    expect(row.raw).toBeInstanceOf(Uint8Array);
    expect([...(row.raw as Uint8Array)]).toEqual([0, 1, 127, 128, 255, 92, 120]);
    expect(row.ta).toEqual(full[16]);
    expect(await db.query(INSERT_TYPED, empty)).toEqual(await plain.query(INSERT_TYPED, empty));
    const both = [[1, 2]];
    expect((await db.query(SELECT_TYPED, both)).rows).toHaveLength(2);
    expect(await db.query(SELECT_TYPED, both)).toEqual(await plain.query(SELECT_TYPED, both));
    expect(await db.query(SELECT_TYPED, [[]])).toEqual({ rows: [], rowCount: 0 });
    expect(await preparedCount(db, INSERT_TYPED)).toBe(1);
    expect(await preparedCount(db, SELECT_TYPED)).toBe(1);
    expect(await preparedCount(plain)).toBe(0);
  });

  /** The same steps on the prepared database and the plain one: each step's result or error. */
  async function onBoth(steps: (d: Database) => Promise<unknown[]>) {
    const a = await steps(db);
    const b = await steps(plain);
    expect(a).toEqual(b);
    return a;
  }

  it('fails outside a transaction as `query` does (parse, bind and run errors), and the next statement runs', async () => {
    const MISSING = hot('SELECT * FROM not_yet WHERE id = $1');
    const [first, dup, badParam, violated, missing, after, count] = await onBoth(async (d) => [
      await outcome(d.query(INSERT_KV, [1, 'một'])),
      await outcome(d.query(INSERT_KV, [1, 'hai'])),
      await outcome(d.query(INSERT_KV, ['không phải số', 'ba'])),
      await outcome(d.query(INSERT_KV, [3, ''])),
      await outcome(d.query(MISSING, [1])),
      await outcome(d.query(INSERT_KV, [4, 'bốn'])),
      await outcome(d.query(COUNT_KV)),
    ]);
    expect(first).toEqual({ value: { rows: [{ k: 1, v: 'một' }], rowCount: 1 } });
    expect(dup).toMatchObject({ error: { code: '23505', constraint: 'kv_pkey', transient: false } });
    expect(badParam).toMatchObject({ error: { code: '22P02', message: expect.stringContaining('không phải số') } });
    expect(violated).toMatchObject({ error: { code: '23514', constraint: 'kv_v_check' } });
    expect(missing).toMatchObject({ error: { code: '42P01' } });
    expect(after).toEqual({ value: { rows: [{ k: 4, v: 'bốn' }], rowCount: 1 } });
    expect(count).toEqual({ value: { rows: [{ n: 2 }], rowCount: 1 } });
    // A text that failed to parse is prepared once it can be.
    await db.query('CREATE TABLE not_yet (id int)');
    expect(await db.query(MISSING, [1])).toEqual({ rows: [], rowCount: 0 });
    expect(await preparedCount(db, MISSING)).toBe(1);
  });

  it('inside a transaction: an error leaves it aborted as `query` does; COMMIT then fails, nothing is kept', async () => {
    const FRESH = hot('SELECT v FROM kv WHERE k = $1 /* first used in an aborted transaction */');
    const steps = await onBoth(async (d) => {
      const seen: unknown[] = [];
      seen.push(
        await outcome(
          d.transaction(async (tx) => {
            seen.push(await outcome(tx.query(INSERT_KV, [10, 'mười'])));
            seen.push(await outcome(tx.query(INSERT_KV, [10, 'lại'])));
            seen.push(await outcome(tx.query(SELECT_KV, [10])));
            seen.push(await outcome(tx.query(FRESH, [10])));
            seen.push(await outcome(tx.query('SELECT 1 AS one')));
            return 'done';
          }),
        ),
      );
      seen.push(await outcome(d.query(COUNT_KV)), await outcome(d.query(FRESH, [10])));
      return seen;
    });
    const [inserted, dup, afterError, freshInAborted, plainInAborted, committed, count, freshAfter] = steps;
    expect(inserted).toEqual({ value: { rows: [{ k: 10, v: 'mười' }], rowCount: 1 } });
    expect(dup).toMatchObject({ error: { code: '23505' } });
    for (const s of [afterError, freshInAborted, plainInAborted]) expect(s).toMatchObject({ error: { code: '25P02' } });
    expect(committed).toMatchObject({ error: { code: '25P02' } });
    expect(count).toEqual({ value: { rows: [{ n: 0 }], rowCount: 1 } });
    expect(freshAfter).toEqual({ value: { rows: [], rowCount: 0 } });
  });

  it('inside a transaction: an error thrown on rolls it back, its code intact; statements prepared in it stay prepared', async () => {
    const IN_TX = hot('SELECT k FROM kv ORDER BY k /* prepared in a transaction rolled back */');
    const [result, count] = await onBoth(async (d) => [
      await outcome(
        d.transaction(async (tx) => {
          await tx.query(INSERT_KV, [20, 'hai mươi']);
          await tx.query(IN_TX);
          await tx.query(INSERT_KV, [20, 'again']);
        }),
      ),
      await outcome(d.query(COUNT_KV)),
    ]);
    expect(result).toMatchObject({ error: { code: '23505', constraint: 'kv_pkey', detail: 'Key (k)=(20) already exists.' } });
    expect(count).toEqual({ value: { rows: [{ n: 0 }], rowCount: 1 } });
    expect(await preparedCount(db, IN_TX)).toBe(1);
    expect(await db.query(IN_TX)).toEqual({ rows: [], rowCount: 0 });
  });

  it('after a schema change: runs on when its result columns stay, fails once when they change (also in a transaction), then runs unprepared', async () => {
    await db.query('CREATE TABLE shape (id int PRIMARY KEY, a text)');
    await db.query(`INSERT INTO shape VALUES (1, 'một')`);
    const NAMED = hot('SELECT id, a FROM shape WHERE id = $1');
    const STAR = hot('SELECT * FROM shape WHERE id = $1');
    expect((await db.query(NAMED, [1])).rows).toEqual([{ id: 1, a: 'một' }]);
    expect((await db.query(STAR, [1])).rows).toEqual([{ id: 1, a: 'một' }]);
    await db.query('ALTER TABLE shape ADD COLUMN b int DEFAULT 7');
    await db.query('CREATE INDEX shape_a ON shape (a)');
    expect((await db.query(NAMED, [1])).rows).toEqual([{ id: 1, a: 'một' }]);
    expect(await preparedCount(db, NAMED)).toBe(1);
    const seen: unknown[] = [];
    const committed = await outcome(
      db.transaction(async (tx) => {
        seen.push(await outcome(tx.query(STAR, [1])), await outcome(tx.query(NAMED, [1])));
      }),
    );
    expect(seen).toEqual([
      { error: expect.objectContaining({ code: '0A000', message: 'cached plan must not change result type', transient: true }) },
      { error: expect.objectContaining({ code: '25P02' }) },
    ]);
    expect(committed).toMatchObject({ error: { code: '25P02' } });
    const again = await db.transaction(async (tx) => outcome(tx.query(STAR, [1])));
    expect(again).toEqual({ value: { rows: [{ id: 1, a: 'một', b: 7 }], rowCount: 1 } });
    expect(await preparedCount(db, STAR)).toBe(1); // still there, no longer used
    expect((await db.query(STAR, [1])).rows).toEqual([{ id: 1, a: 'một', b: 7 }]);
  });

  it('fails with 0A000 once, transient, as on PostgreSQL, when a column it returns changes type (concurrent runs too)', async () => {
    await db.query('CREATE TABLE retyped (id int PRIMARY KEY, n int)');
    await db.query('INSERT INTO retyped VALUES (1, 5)');
    const READ = hot('SELECT n FROM retyped WHERE id = $1');
    expect((await db.query(READ, [1])).rows).toEqual([{ n: 5 }]);
    await db.query('ALTER TABLE retyped ALTER COLUMN n TYPE text');
    // Runs queued (here behind a transaction) with the one that fails go unprepared too: one failure, nothing prepared again.
    let release!: () => void;
    const held = db.transaction(() => new Promise<void>((resolve) => (release = resolve)));
    const queued = Array.from({ length: 5 }, () => outcome(db.query(READ, [1])));
    await new Promise((r) => setTimeout(r, 50));
    release();
    await held;
    const [failure, ...others] = await Promise.all(queued);
    expect(failure).toMatchObject({ error: { code: '0A000', message: 'cached plan must not change result type', transient: true } });
    expect(others).toEqual(Array.from({ length: 4 }, () => ({ value: { rows: [{ n: '5' }], rowCount: 1 } })));
    expect(await preparedCount(db, READ)).toBe(1);
    expect((await db.query(READ, [1])).rows).toEqual([{ n: '5' }]);
    expect((await db.query(READ, [2])).rows).toEqual([]);
  });

  it('under concurrent use: one preparation, statements outside never run inside a transaction', async () => {
    const CONCURRENT = hot('SELECT $1::int * 2 AS twice /* concurrent first use */');
    const doubled = await Promise.all(Array.from({ length: 30 }, (_, i) => db.query(CONCURRENT, [i])));
    expect(doubled.map((r) => r.rows[0].twice)).toEqual(Array.from({ length: 30 }, (_, i) => i * 2));
    expect(await preparedCount(db, CONCURRENT)).toBe(1);

    let inside!: () => void;
    const started = new Promise<void>((resolve) => (inside = resolve));
    const rolledBack = db.transaction(async (tx) => {
      await tx.query(INSERT_KV, [100, 'rolled back']);
      inside();
      // Give the statements queued outside every chance to run now.
      await new Promise((r) => setTimeout(r, 50));
      const mine = await Promise.all([101, 102, 103].map((k) => tx.query(INSERT_KV, [k, 'also rolled back'])));
      expect(mine.map((r) => r.rowCount)).toEqual([1, 1, 1]);
      throw new Error('roll back');
    });
    await started;
    const outside = Promise.all(Array.from({ length: 20 }, (_, i) => db.query(INSERT_KV, [200 + i, `ngoài ${i}`])));
    await expect(rolledBack).rejects.toThrow('roll back');
    expect((await outside).every((r) => r.rowCount === 1)).toBe(true);
    const kept = await db.query<{ k: number }>('SELECT k FROM kv ORDER BY k');
    expect(kept.rows.map((r) => r.k)).toEqual(Array.from({ length: 20 }, (_, i) => 200 + i));
  });
});

describe('a hot statement prepared on PGlite in a data directory', () => {
  const tempDir = tempDirs('cong1022-pglite-prepared-');

  it('keeps what it wrote across a restart', async () => {
    const dir = tempDir();
    const WRITE = hot('INSERT INTO kept VALUES ($1, $2) RETURNING id');
    let db = await openDatabase(undefined, dir);
    try {
      await db.query('CREATE TABLE kept (id int PRIMARY KEY, note text)');
      expect((await db.query(WRITE, [1, 'ngoài giao dịch'])).rows).toEqual([{ id: 1 }]);
      await db.transaction((tx) => tx.query(WRITE, [2, 'trong giao dịch']));
    } finally {
      await db.close();
    }
    db = await openDatabase(undefined, dir);
    try {
      expect((await db.query('SELECT id, note FROM kept ORDER BY id')).rows).toEqual([
        { id: 1, note: 'ngoài giao dịch' },
        { id: 2, note: 'trong giao dịch' },
      ]);
    } finally {
      await db.close();
    }
  });
});
