/**
 * The pipeline's hot statements prepared on PGlite. PGlite's `query` parses an unnamed statement
 * on every run (Parse, Describe, Bind, Describe, Execute, Sync: six trips through the engine).
 * Here a hot text is parsed once per PGlite instance under a name, with its parameter types read
 * then; each run after that is one batch, Bind / Describe / Execute / Sync, through PGlite's
 * `execProtocolStream`, holding the same locks `query` and a transaction's `query` hold, and read
 * with PGlite's own result parser, so rows, types, row counts and errors are those of `query`.
 */
import type { PGlite, Results, Transaction, parse, protocol } from '@electric-sql/pglite';

/** The PGlite module's exports this needs (passed in: the very module instance that made `db`). */
export interface PgliteModule {
  parse: typeof parse;
  protocol: Pick<typeof protocol, 'serialize'>;
}

/** What this uses of a PGlite instance. */
export type PgliteEngine = Pick<
  PGlite,
  | 'query'
  | 'execProtocolStream'
  | 'serializers'
  | 'parsers'
  | 'syncToFs'
  | '_checkReady'
  | '_runExclusiveQuery'
  | '_runExclusiveTransaction'
>;

/** A statement prepared on this instance: its name and the parameter types read when it was parsed. */
interface Prepared {
  name: string;
  paramTypes: number[];
}

/** Runs hot statements prepared on one PGlite instance. */
export interface PgliteHotStatements {
  /** True when `sql` is run prepared here (hot, and not refused since). */
  prepares(sql: string): boolean;
  /**
   * Runs `sql` prepared (parsed under its name on first use): `tx` is the transaction it runs in,
   * if any. Resolves or rejects as `query` (or `tx.query`) would with the same text and parameters.
   */
  run<T>(sql: string, params: unknown[] | undefined, tx?: Transaction): Promise<Results<T>>;
}

/** SQLSTATE and message of a prepared statement a schema change outdated (as `runPg` reads them on PostgreSQL). */
const OUTDATED_CODE = '0A000';
const OUTDATED_MESSAGE = /cached plan must not change result type/i;

/**
 * The prepared runner of `db`; `isHot` tells which texts to prepare. A text whose prepared form a
 * schema change outdated (0A000, as on PostgreSQL) fails that once and runs through `query` on
 * this instance from then on.
 */
export function pgliteHotStatements(db: PgliteEngine, mod: PgliteModule, isHot: (sql: string) => boolean): PgliteHotStatements {
  const { serialize } = mod.protocol;
  // What follows every Bind: describe the unnamed portal (its row description), run it, end the batch.
  const runTail = Buffer.concat([serialize.describe({ type: 'P' }), serialize.execute({}), serialize.sync()]);
  /** Per text: prepared, or null once refused (run through `query`). */
  const statements = new Map<string, Prepared | null>();
  let named = 0;

  const exchange = (message: Uint8Array) => db.execProtocolStream(message, { syncToFs: false });

  async function prepare(sql: string): Promise<Prepared> {
    const known = statements.get(sql);
    if (known) return known;
    const name = `hot_${++named}`;
    const replies = await exchange(
      Buffer.concat([serialize.parse({ name, text: sql }), serialize.describe({ type: 'S', name }), serialize.sync()]),
    );
    const prepared = { name, paramTypes: mod.parse.parseDescribeStatementResults(replies) };
    statements.set(sql, prepared);
    return prepared;
  }

  /** Runs `sql` prepared, under PGlite's locks; undefined when it was refused while this run waited for them. */
  async function execute<T>(sql: string, params: unknown[], inTransaction: boolean): Promise<Results<T> | undefined> {
    if (statements.get(sql) === null) return undefined;
    let replies;
    try {
      const { name, paramTypes } = await prepare(sql);
      // As `query` serializes parameters: by the type the statement gives each, else as text.
      const values = params.map((param, i) => {
        if (param === null || param === undefined) return null;
        const serializer = db.serializers[paramTypes[i]];
        return serializer ? serializer(param) : (param as { toString(): string }).toString();
      });
      replies = await exchange(Buffer.concat([serialize.bind({ statement: name, values }), runTail]));
    } catch (err) {
      const e = err as { code?: unknown; message?: unknown; query?: string; params?: unknown[]; queryOptions?: unknown };
      if (e?.code === OUTDATED_CODE && OUTDATED_MESSAGE.test(String(e.message))) statements.set(sql, null);
      // As PGlite decorates the errors of `query`.
      if (err instanceof Error && typeof e.code === 'string') Object.assign(e, { query: sql, params, queryOptions: undefined });
      throw err;
    }
    if (!inTransaction) await db.syncToFs();
    return mod.parse.parseResults(replies, db.parsers)[0] as Results<T>;
  }

  return {
    prepares: (sql) => statements.get(sql) !== null && isHot(sql),
    async run<T>(sql: string, params: unknown[] = [], tx?: Transaction) {
      let done: Results<T> | undefined;
      if (tx) {
        // Inside a transaction (which holds PGlite's transaction lock): the query lock, as `tx.query` takes it.
        if (tx.closed) throw new Error('Transaction is closed');
        done = await db._runExclusiveQuery(() => execute<T>(sql, params, true));
      } else {
        // Outside one: both locks, as `query` takes them, so it never runs inside another caller's transaction.
        await db._checkReady();
        done = await db._runExclusiveTransaction(() => db._runExclusiveQuery(() => execute<T>(sql, params, false)));
      }
      return done ?? (tx ?? db).query<T>(sql, params);
    },
  };
}
