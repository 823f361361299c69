/**
 * Security storage on PGlite and PostgreSQL: the processing log's hash chain (computed in the
 * inserting transaction, consistent under concurrent writers, tampering and TRUNCATE detected or
 * refused, `npm run log:verify`), login throttling shared by nodes, database rate counters and the
 * retention purge (and a gateway running it with its configured days).
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { loginRetryAfterMs, recordLoginFailure, recordLoginSuccess, throttleKeys } from '../../src/auth/throttle';
import { openDatabase, type Database } from '../../src/db/database';
import { migrate } from '../../src/db/migrate';
import { DbRateLimiter } from '../../src/http/rate-limit';
import { enqueueJob } from '../../src/jobs/queue';
import { purgeExpired } from '../../src/jobs/retention';
import { verifyAllChains, verifyTicketChain } from '../../src/store/event-chain';
import { logEvent, SYSTEM } from '../../src/store/events';
import { databaseKinds, freshDatabaseUrl, openTestDatabase, type DbKind } from '../support/databases';
import { withTestGateway } from '../support/gateway';
import { tamperWithEvents } from '../support/tamper';
import { waitForValue } from '../support/wait';

const run = promisify(execFile);

/** Two connections to one fresh database ("two nodes"; PGlite has one process, so one connection twice). */
async function twoNodes(kind: DbKind): Promise<{ a: Database; b: Database; url: string; close(): Promise<void> }> {
  const url = await freshDatabaseUrl(kind);
  const a = await openTestDatabase(url, '/tmp/unused');
  await migrate(a);
  const b = kind === 'postgres' ? await openDatabase(url, '/tmp/unused') : a;
  return { a, b, url, close: async () => (await a.close(), b !== a ? await b.close() : undefined) };
}

/** A ticket (with its conversation) to log events on. */
async function ticket(db: Database): Promise<{ ticketId: string; conversationId: string }> {
  const user = `u-${Math.random()}`;
  const contact = await db.query<{ id: string }>(`INSERT INTO contacts (display_name) VALUES ('Nguyễn Văn A') RETURNING id`);
  const identity = await db.query<{ id: string }>(
    `INSERT INTO contact_identities (contact_id, channel, external_id) VALUES ($1, 'edongthap', $2) RETURNING id`,
    [contact.rows[0].id, user],
  );
  const conv = await db.query<{ id: string }>(
    `INSERT INTO conversations (contact_id, identity_id, channel, external_user_id) VALUES ($1, $2, 'edongthap', $3) RETURNING id`,
    [contact.rows[0].id, identity.rows[0].id, user],
  );
  const t = await db.query<{ id: string }>(
    `INSERT INTO tickets (code, title, channel, conversation_id, created_by) VALUES ($1, 'Hỏi thủ tục', 'edongthap', $2, 'bot') RETURNING id`,
    [`1022-2026-${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`, conv.rows[0].id],
  );
  return { ticketId: t.rows[0].id, conversationId: conv.rows[0].id };
}

describe.each(databaseKinds())('security storage on %s', (kind) => {
  let nodes: Awaited<ReturnType<typeof twoNodes>>;
  beforeEach(async () => {
    nodes = await twoNodes(kind);
  });
  afterEach(() => nodes.close());

  test('every event is linked to the previous one of its chain; an edited or removed event breaks it', async () => {
    const db = nodes.a;
    const { ticketId, conversationId } = await ticket(db);
    await logEvent(db, { type: 'conversation_opened', actor: SYSTEM, conversationId });
    for (const type of ['ticket_created', 'assigned', 'forwarded', 'answered'])
      await logEvent(db, { type, actor: SYSTEM, ticketId, conversationId, data: { note: `bước ${type}` } });
    await logEvent(db, { type: 'user_login', actor: SYSTEM });

    const rows = (
      await db.query<{ id: string; prev_hash: string | null; hash: string }>(
        'SELECT id::text, prev_hash, hash FROM events WHERE ticket_id = $1 ORDER BY id',
        [ticketId],
      )
    ).rows;
    expect(rows).toHaveLength(4);
    expect(rows[0].prev_hash).toBeNull();
    for (let i = 1; i < rows.length; i++) expect(rows[i].prev_hash).toBe(rows[i - 1].hash);
    expect(await verifyTicketChain(db, ticketId, conversationId)).toEqual({ ok: true, events: 5, chains: 2, broken: [] });
    expect(await verifyAllChains(db)).toMatchObject({ ok: true, events: 6, chains: 3 });

    // UPDATE and DELETE are refused; TRUNCATE too, now.
    await expect(db.query(`UPDATE events SET data = '{}' WHERE id = $1`, [rows[1].id])).rejects.toThrow(/append-only/);
    await expect(db.query('TRUNCATE events')).rejects.toThrow(/append-only/);

    // An owner who disables the trigger and edits an event is found out.
    await tamperWithEvents(db, `UPDATE events SET data = '{"note":"đã sửa"}' WHERE id = $1`, [rows[1].id]);
    const edited = await verifyTicketChain(db, ticketId, conversationId);
    expect(edited).toMatchObject({ ok: false, broken: [{ chain: `t:${ticketId}`, firstBadEventId: Number(rows[1].id), badEvents: 1 }] });
    // Removing an event breaks the link of the next one.
    await tamperWithEvents(db, 'DELETE FROM events WHERE id = $1', [rows[2].id]);
    const removed = await verifyAllChains(db);
    expect(removed.ok).toBe(false);
    expect(removed.broken[0]).toMatchObject({ chain: `t:${ticketId}`, firstBadEventId: Number(rows[1].id), badEvents: 2 });
  });

  test('concurrent writers on one ticket (several nodes) still form one chain', async () => {
    const { ticketId, conversationId } = await ticket(nodes.a);
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        (i % 2 ? nodes.a : nodes.b).transaction(async (tx) => {
          await logEvent(tx, { type: 'note', actor: SYSTEM, ticketId, conversationId, data: { i } });
          await logEvent(tx, { type: 'note', actor: SYSTEM, ticketId, data: { i, second: true } });
        }),
      ),
    );
    // A multi-row INSERT (batched events) links each row to the one before it.
    await nodes.a.query(
      `INSERT INTO events (ticket_id, type, actor_kind, data) VALUES ($1, 'a', 'system', '{}'), ($1, 'b', 'system', '{}'), ($1, 'c', 'system', '{}')`,
      [ticketId],
    );
    const report = await verifyTicketChain(nodes.b, ticketId, conversationId);
    expect(report).toMatchObject({ ok: true, events: 63 });
    const heads = await nodes.a.query(`SELECT count(*)::int AS n FROM events WHERE ticket_id = $1 AND prev_hash IS NULL`, [ticketId]);
    expect(heads.rows[0].n).toBe(1);
  });

  test('login throttling: per user and address with a doubling delay, shared by nodes, no lock for the owner elsewhere', async () => {
    const attacker = throttleKeys('Lan.NT', '203.0.113.7');
    const owner = throttleKeys('lan.nt', '198.51.100.2');
    for (let i = 0; i < 4; i++) await recordLoginFailure(i % 2 ? nodes.a : nodes.b, attacker);
    expect(await loginRetryAfterMs(nodes.a, attacker)).toBe(0); // the first failures are free
    await recordLoginFailure(nodes.a, attacker);
    const first = await loginRetryAfterMs(nodes.b, attacker); // the other node sees it
    expect(first).toBeGreaterThan(3_000);
    expect(first).toBeLessThanOrEqual(5_000);
    await recordLoginFailure(nodes.b, attacker);
    const second = await loginRetryAfterMs(nodes.a, attacker);
    expect(second).toBeGreaterThan(8_000);
    expect(second).toBeLessThanOrEqual(10_000);
    // The owner at another address is not held up.
    expect(await loginRetryAfterMs(nodes.a, owner)).toBe(0);
    // Many failures for one user from many addresses: the per-user key waits at most a minute.
    for (let i = 0; i < 30; i++) await recordLoginFailure(nodes.a, throttleKeys('lan.nt', `192.0.2.${i}`));
    const perUser = await loginRetryAfterMs(nodes.b, owner);
    expect(perUser).toBeGreaterThan(0);
    expect(perUser).toBeLessThanOrEqual(60_000);
    // A success clears the username's keys (the address keeps its count).
    await recordLoginSuccess(nodes.a, owner);
    await recordLoginSuccess(nodes.a, attacker);
    expect(await loginRetryAfterMs(nodes.b, attacker)).toBe(0);
    const ip = await nodes.a.query<{ failures: number }>(`SELECT failures FROM login_throttle WHERE key = 'ip:203.0.113.7'`);
    expect(ip.rows[0].failures).toBe(6);
  });

  test('database rate counters are shared by nodes', async () => {
    const a = new DbRateLimiter(nodes.a, 3, 60_000);
    const b = new DbRateLimiter(nodes.b, 3, 60_000);
    const verdicts = [await a.hit('webhook:zalo'), await b.hit('webhook:zalo'), await a.hit('webhook:zalo'), await b.hit('webhook:zalo')];
    expect(verdicts.map((v) => v.allowed)).toEqual([true, true, true, false]);
    expect(verdicts[3].retryAfterMs).toBeGreaterThan(0);
    expect((await a.hit('webhook:facebook')).allowed).toBe(true);
  });

  test('a flood of hits on one counter is counted in groups, each hit in its own place: exactly the limit allowed', async () => {
    const db = nodes.a;
    let statements = 0;
    const counting = {
      query: ((sql: string, params?: unknown[]) => {
        if (sql.includes('INSERT INTO rate_counters')) statements++;
        return db.query(sql, params);
      }) as typeof db.query,
    };
    const limiter = new DbRateLimiter(counting, 10, 60_000);
    const verdicts = await Promise.all(Array.from({ length: 25 }, (_, i) => limiter.hit(i % 5 === 4 ? 'webhook:email' : 'webhook:flood')));
    const flood = verdicts.filter((_, i) => i % 5 !== 4);
    expect(flood.map((v) => v.allowed)).toEqual([...Array<boolean>(10).fill(true), ...Array<boolean>(10).fill(false)]);
    expect(verdicts.filter((_, i) => i % 5 === 4).every((v) => v.allowed)).toBe(true);
    expect(statements).toBeLessThan(25);
    const rows = await db.query<{ key: string; hits: number }>(
      `SELECT key, hits FROM rate_counters WHERE key IN ('webhook:flood', 'webhook:email') ORDER BY key`,
    );
    expect(rows.rows).toEqual([
      { key: 'webhook:email', hits: 5 },
      { key: 'webhook:flood', hits: 20 },
    ]);
  });

  test('retention empties old processed raw bodies and deletes old failed jobs, keeping the rest', async () => {
    const db = nodes.a;
    const insert = (key: string, days: number, processed: boolean) =>
      db.query(
        `INSERT INTO inbound_events (channel, dedupe_key, content_type, body, received_at, processed_at)
         VALUES ('zalo', $1, 'application/json', $2, now() - make_interval(days => $3), ${processed ? 'now()' : 'NULL'})`,
        [key, Buffer.from('{"sender":{"id":"1"},"message":{"text":"0909123456"}}'), days],
      );
    await insert('old', 100, true);
    await insert('old-unprocessed', 100, false);
    await insert('new', 1, true);
    const oldJob = await enqueueJob(db, 'inbound', 'a', {});
    const newJob = await enqueueJob(db, 'inbound', 'b', {});
    const pending = await enqueueJob(db, 'inbound', 'c', {});
    await db.query(`UPDATE jobs SET state = 'failed', created_at = now() - interval '40 days' WHERE id = $1`, [oldJob]);
    await db.query(`UPDATE jobs SET state = 'failed' WHERE id = $1`, [newJob]);
    await db.query(`UPDATE jobs SET created_at = now() - interval '40 days' WHERE id = $1`, [pending]);

    const purged = await purgeExpired(db, { rawDays: 90, jobsDays: 30 });
    expect(purged).toMatchObject({ rawBodies: 1, failedJobs: 1 });
    const rows = await db.query<{ dedupe_key: string; len: number; purged: boolean }>(
      'SELECT dedupe_key, length(body)::int AS len, body_purged_at IS NOT NULL AS purged FROM inbound_events ORDER BY id',
    );
    expect(rows.rows.map((r) => [r.dedupe_key, r.len > 0, r.purged])).toEqual([
      ['old', false, true],
      ['old-unprocessed', true, false],
      ['new', true, false],
    ]);
    const jobs = await db.query<{ id: string }>('SELECT id::text FROM jobs ORDER BY id');
    expect(jobs.rows.map((r) => r.id)).toEqual([String(newJob), String(pending)]);
    // 0 days keeps for ever; a second run finds nothing more.
    expect(await purgeExpired(db, { rawDays: 0, jobsDays: 0 })).toMatchObject({ rawBodies: 0, failedJobs: 0 });
  });

  test('`npm run log:verify` checks every chain and fails on a tampered log', async () => {
    if (kind === 'pglite') return; // an in-memory PGlite is not reachable from another process
    const { ticketId } = await ticket(nodes.a);
    for (let i = 0; i < 3; i++) await logEvent(nodes.a, { type: 'note', actor: SYSTEM, ticketId, data: { i } });
    const env = { ...process.env, DATABASE_URL: nodes.url, LOG_LEVEL: 'silent' };
    const ok = await run('npx', ['tsx', 'scripts/log-verify.ts'], { env });
    expect(ok.stdout).toMatch(/3 events in 1 chains, 0 broken/);
    await tamperWithEvents(nodes.a, `UPDATE events SET actor_name = 'ai đó' WHERE ticket_id = $1 AND data->>'i' = '1'`, [ticketId]);
    const bad = await run('npx', ['tsx', 'scripts/log-verify.ts'], { env }).catch((e: { code: number; stdout: string }) => e);
    expect(bad).toMatchObject({ code: 1 });
    expect(bad.stdout).toMatch(new RegExp(`BROKEN t:${ticketId}: first bad event \\d+ \\(1 bad\\)`));
  }, 60_000);
});

test('a gateway runs the retention purge from its start, with the configured days', async () => {
  const url = await freshDatabaseUrl('postgres');
  const db = await openDatabase(url, '/tmp/unused');
  try {
    await migrate(db);
    for (const [key, days] of [
      ['twenty-days', 20],
      ['five-days', 5],
    ] as const)
      await db.query(
        `INSERT INTO inbound_events (channel, dedupe_key, content_type, body, received_at, processed_at)
         VALUES ('zalo', $1, 'application/json', '\\x7b7d', now() - make_interval(days => $2), now())`,
        [key, days],
      );
  } finally {
    await db.close();
  }
  await withTestGateway({ kind: 'postgres', databaseUrl: url, env: { RETENTION_RAW_DAYS: '10' } }, async (t) => {
    const purged = () =>
      t.gw.ctx.db
        .query<{ dedupe_key: string }>(`SELECT dedupe_key FROM inbound_events WHERE body_purged_at IS NOT NULL ORDER BY id`)
        .then((r) => r.rows.map((x) => x.dedupe_key));
    expect(await waitForValue(purged, (keys) => keys.length > 0, 30_000)).toEqual(['twenty-days']);
  });
}, 120_000);
