/**
 * One database interface over PGlite (embedded Postgres) and a PostgreSQL server.
 * The same SQL runs on both; every query function takes the `Queryable` it runs in.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import type { Transaction } from '@electric-sql/pglite';
import { Pool, types, type PoolClient } from 'pg';
import { pgliteHotStatements } from './pglite-prepared';

// int8 and numeric come back as JavaScript numbers from both databases (counts, sums, averages).
const toNumber = (v: string) => Number(v);
types.setTypeParser(20, toNumber);
types.setTypeParser(1700, toNumber);
/** PGlite's parsers for the same types (it reads numeric as a string, and int8 past 2^53 as a bigint). */
const PGLITE_PARSERS = { 20: toNumber, 1700: toNumber };

/** Names of the hot statements (`hot`) by their text; null: the server refused its prepared form, run unprepared. */
const hotNames = new Map<string, string | null>();
/** Enough for every hot statement of the pipeline; a text past it is simply not prepared (bounded by design). */
const MAX_HOT_STATEMENTS = 64;

/**
 * Marks `sql` as one of the pipeline's hot statements (a text that never varies, run for every
 * message) and returns it: on PostgreSQL each connection prepares it once under a name, so the
 * server parses and plans it once instead of on every run; on PGlite each instance does the same
 * (`pglite-prepared.ts`).
 * Call it once, for a module constant (the text is then neither rebuilt nor looked up per run).
 */
export function hot(sql: string): string {
  if (hotNames.size < MAX_HOT_STATEMENTS && !hotNames.has(sql)) hotNames.set(sql, `hot_${hotNames.size + 1}`);
  return sql;
}

/** True when `sql` is a hot statement still run prepared (`hot`). */
export function isHotStatement(sql: string): boolean {
  return Boolean(hotNames.get(sql));
}

/**
 * Runs `sql` on a PostgreSQL pool or client, prepared under its name when it is hot. A prepared
 * statement whose result columns a schema change altered (a migration by a newer node: "cached plan
 * must not change result type", 0A000) fails on every connection that prepared it, so such a text
 * is run unprepared from then on; the failed run is retried as any failed statement is.
 */
async function runPg(q: Pool | PoolClient, sql: string, params: unknown[] | undefined) {
  const name = hotNames.get(sql);
  if (!name) return q.query(sql, params);
  try {
    return await q.query({ name, text: sql, values: params });
  } catch (err) {
    if (isTransientDbError(err) && (err as { code?: string }).code === '0A000') hotNames.set(sql, null);
    throw err;
  }
}

/** Anything that runs a parameterized query. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: T[]; rowCount: number }>;
}

/** How a transaction runs. */
export interface TransactionOptions {
  /**
   * Server settings for this transaction only (`SET LOCAL`, name → value), sent with its BEGIN: one
   * round trip (e.g. `enable_seqscan: 'off'` for writes by key to tables that may have grown far
   * past their statistics; `jit: 'off'` for the console's aggregates).
   */
  settings?: Readonly<Record<string, string>>;
}

/** The `SET LOCAL` statements of `settings` (names are code's own: checked, values quoted). */
function setLocal(settings: Readonly<Record<string, string>> | undefined): string[] {
  return Object.entries(settings ?? {}).map(([name, value]) => {
    if (!/^[a-z_]+$/.test(name)) throw new Error(`not a setting name: ${name}`);
    return `SET LOCAL ${name} = '${value.replace(/'/g, "''")}'`;
  });
}

/** A database: queries, transactions, and close. */
export interface Database extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** The server's connection string (PostgreSQL only): for the connections of its own a process keeps (leader locks, LISTEN). */
  readonly url?: string;
  /**
   * For single statements whose commit may be lost if the database server itself crashes, because
   * re-running them is harmless: job claims (with the delivery starts the delivery lane's claim
   * makes), lease renewals and webhook rate counters (a lost claim leaves its job claimable again).
   * PostgreSQL: connections of its own with `synchronous_commit = off`, so the
   * statement does not wait for a disk flush (a later durable commit flushes it too); PGlite: `query`.
   * Never for a write that acknowledges a provider or records a send.
   */
  readonly relaxed: Queryable;
  /** Statements sent so far, BEGIN and COMMIT included (the benchmark's round-trip count). */
  readonly statements: StatementCounter;
  /** Runs `fn` in a transaction; commits when it resolves, rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>, opts?: TransactionOptions): Promise<T>;
  /** PGlite only: an image of the whole data directory, uncompressed (`OpenOptions.pgliteImage` opens it). */
  image?(): Promise<Uint8Array>;
  close(): Promise<void>;
}

/** A running count of the statements a database sent. */
export interface StatementCounter {
  count: number;
}

/** How to open a database. */
export interface OpenOptions {
  /**
   * PGlite only: a new cluster (in memory, or in a data directory that holds none yet) starts from this
   * image of a data directory (PGlite's `dumpDataDir`) instead of an empty one, skipping initdb (the
   * test suites start from a migrated image made once). An existing cluster on disk opens as it is.
   */
  pgliteImage?: Uint8Array;
  /**
   * PGlite only: the size of its buffer pool (PostgreSQL's `shared_buffers`; default PGlite's 128MB).
   * The pool is allocated and cleared at every start: the test suites' databases, opened by the
   * hundred and holding little, start with 16MB in about half the CPU.
   */
  pgliteSharedBuffers?: string;
  /** PGlite only: false runs the hot statements through `query` like any other, parsed on every run (comparisons: benchmark, tests). */
  pglitePrepared?: boolean;
}

/** Opens the database named by `url`: unset → PGlite in `dataDir`, `memory://` → in-memory PGlite, `postgres://` → server. */
export async function openDatabase(url: string | undefined, dataDir: string, opts: OpenOptions = {}): Promise<Database> {
  if (url && /^postgres(ql)?:\/\//.test(url)) return openPostgres(url);
  const pglite = await import('@electric-sql/pglite');
  let dir: string | undefined;
  if (url !== 'memory://') {
    dir = resolve(dataDir, 'pglite');
    mkdirSync(dir, { recursive: true });
  }
  const db = new pglite.PGlite({
    parsers: PGLITE_PARSERS,
    ...(dir ? { dataDir: dir } : {}),
    ...(opts.pgliteImage && !(dir && existsSync(join(dir, 'PG_VERSION'))) ? { loadDataDir: new ImageBlob(opts.pgliteImage) } : {}),
    ...(opts.pgliteSharedBuffers
      ? { startParams: [...pglite.PGlite.defaultStartParams, '-c', `shared_buffers=${opts.pgliteSharedBuffers}`] }
      : {}),
  });
  await db.waitReady;
  const statements: StatementCounter = { count: 0 };
  // Hot statements are parsed once on this instance, then only bound and executed (`pglite-prepared`).
  const hotStatements = pgliteHotStatements(db, pglite, opts.pglitePrepared === false ? () => false : isHotStatement);
  // PGlite runs a statement on this thread and resolves it as a microtask, so a job's chain of
  // statements never gave the event loop a turn to read its sockets: webhooks waited for whole jobs
  // (seconds under load) and arrived one at a time. One macrotask hop before each statement outside
  // a transaction lets the waiting I/O in (inside one, the hop would only hold the engine's lock longer).
  // `tx`: the transaction the statements run in (none: fair).
  const wrap = (tx?: Transaction): Queryable => ({
    async query<T>(sql: string, params?: unknown[]) {
      statements.count++;
      if (!tx) await nextMacrotask();
      const r = hotStatements.prepares(sql) ? await hotStatements.run(sql, params, tx) : await (tx ?? db).query(sql, params);
      // PGlite reports affectedRows 0 for a SELECT: the row count is then the rows returned.
      return { rows: r.rows as T[], rowCount: Math.max(r.affectedRows ?? 0, r.rows.length) };
    },
  });
  const direct = wrap();
  return {
    kind: 'pglite',
    statements,
    ...direct,
    relaxed: direct,
    transaction: (fn, opts) => {
      // PGlite sends BEGIN and COMMIT itself: counted here like the server's.
      statements.count += 2;
      return nextMacrotask().then(() =>
        db.transaction(async (tx) => {
          for (const set of setLocal(opts?.settings)) await tx.query(set);
          return fn(wrap(tx));
        }),
      );
    },
    image: async () => new Uint8Array(await (await db.dumpDataDir('none')).arrayBuffer()),
    close: () => db.close(),
  };
}

/**
 * An image's bytes as PGlite's `loadDataDir` takes them: a Blob, which PGlite reads once with
 * `arrayBuffer()`. Node's own Blob serves that by streaming its bytes in small chunks, about a second
 * of CPU per 100 MB (a test gateway's image is 50–100 MB); this one hands them over in one copy.
 * Only `arrayBuffer()` is meant to be read.
 */
class ImageBlob extends Blob {
  constructor(private readonly content: Uint8Array) {
    super();
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    return Promise.resolve(this.content.slice().buffer);
  }
}

function openPostgres(url: string): Database {
  const pool = new Pool({ connectionString: url, max: 16 });
  // Claims, lease renewals, webhook rate counters: connections of their own, so they neither wait
  // for a disk flush nor queue for a connection behind the webhooks' INSERTs.
  const relaxedPool = new Pool({ connectionString: url, max: 8, options: '-c synchronous_commit=off' });
  for (const p of [pool, relaxedPool]) p.on('error', () => undefined); // idle client errors surface on the next query
  const statements: StatementCounter = { count: 0 };
  const wrap = (q: Pool | PoolClient): Queryable => ({
    async query<T>(sql: string, params?: unknown[]) {
      statements.count++;
      const r = await runPg(q, sql, params);
      return { rows: r.rows as T[], rowCount: r.rowCount ?? 0 };
    },
  });
  const control = (client: PoolClient, sql: string) => {
    statements.count++;
    return client.query(sql);
  };
  return {
    kind: 'postgres',
    url,
    statements,
    ...wrap(pool),
    relaxed: wrap(relaxedPool),
    async transaction(fn, opts) {
      const client = await pool.connect();
      try {
        // The settings with BEGIN: one round trip (the simple protocol runs several statements).
        await control(client, ['BEGIN', ...setLocal(opts?.settings)].join('; '));
        const out = await fn(wrap(client));
        await control(client, 'COMMIT');
        return out;
      } catch (err) {
        await control(client, 'ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: async () => {
      await Promise.all([pool.end(), relaxedPool.end()]);
    },
  };
}

/** SQLSTATE classes of errors that go away on their own: connection, transaction rollback, resources, operator intervention. */
const TRANSIENT_SQLSTATE = /^(08|40|53|57|58)|^55P03$/;
const TRANSIENT_ERRNO = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * True when a failed statement may succeed if simply tried again (the server restarted, a
 * deadlock, a lock timeout); false for errors that would repeat for ever with the same input
 * (invalid characters, numbers out of range, nesting too deep, a bug).
 */
export function isTransientDbError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (TRANSIENT_SQLSTATE.test(code) || TRANSIENT_ERRNO.has(code)) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  // A hot statement's prepared form outdated by a schema change: its next run is unprepared (`runPg`).
  if (code === '0A000' && /cached plan must not change result type/i.test(message)) return true;
  return /Connection terminated|connection (?:is )?closed|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(
    message,
  );
}
