/**
 * `npm run bench:pglite-hot`: the CPU each of the pipeline's hot statements costs on PGlite, run
 * through `query` (parsed and planned on every run) and prepared (`src/db/pglite-prepared.ts`:
 * parsed once, then bound and executed), in the same process.
 *
 * Each conversation runs what the pipeline runs for a new citizen, through the store's own
 * functions: the intake's insert, the inbound claim, `openThread` and `recordInbound` in one
 * transaction (a receipt and an answer queued with their delivery job), the delivery claim and
 * `recordSent` for both replies. Each way has its own in-memory database opened from the same migrated
 * image by `openDatabase` (`pglitePrepared: false` for `query`). Rounds alternate the two ways (and
 * which goes first), after a warm-up of each; CPU is `process.cpuUsage` (user + system; PGlite runs on
 * this thread) around each statement as the gateway runs it (the wrapper's fairness hop included),
 * BEGIN and COMMIT reported on their own line.
 *
 * Options (env): BENCH_ROUNDS (default 6), BENCH_CONVERSATIONS (per way and round, default 200).
 */
import { randomUUID } from 'node:crypto';
import { openDatabase, type Database } from '../src/db/database';
import { migrate } from '../src/db/migrate';
import { claimDeliveries, recordSent } from '../src/store/deliveries';
import { claimInboundJobs, insertInboundEvent } from '../src/store/inbound-events';
import { openThreads, recordInbounds } from '../src/store/inbound-messages';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 6);
const CONVERSATIONS = Number(process.env.BENCH_CONVERSATIONS ?? 200);
const STEPS = ['intake', 'inbound claim', 'openThread', 'recordInbounds', 'delivery claim', 'recordSent', 'BEGIN + COMMIT'] as const;
type Step = (typeof STEPS)[number];
type Way = 'query' | 'prepared';

/** CPU microseconds and runs per step and way. */
const spent = new Map<string, { cpu: number; runs: number }>();
let measuring = false;

async function timed<T>(way: Way, step: Step, run: () => Promise<T>): Promise<T> {
  const start = process.cpuUsage();
  const out = await run();
  const used = process.cpuUsage(start);
  if (measuring) {
    const key = `${way}|${step}`;
    const s = spent.get(key) ?? { cpu: 0, runs: 0 };
    s.cpu += used.user + used.system;
    s.runs++;
    spent.set(key, s);
  }
  return out;
}

/** One new citizen's conversation, each statement timed under `way`. */
async function conversation(way: Way, w: Database, n: number): Promise<void> {
  const user = `bench-${way}-${n}-${randomUUID().slice(0, 8)}`;
  const body = Buffer.from(JSON.stringify({ userId: user, text: 'xin chào' }));
  await timed(way, 'intake', () =>
    insertInboundEvent(w, {
      channel: 'zalo',
      dedupeKey: randomUUID(),
      contentType: 'application/json',
      body,
      jobKind: 'inbound',
      orderingKey: `in:zalo:${user}`,
    }),
  );
  const [job] = await timed(way, 'inbound claim', () => claimInboundJobs(w, 'bench', 1, 15_000, ['inbound']));
  if (!job) throw new Error('the inbound claim found no job');
  const eventId = String(job.payload.eventId);
  const txStart = process.cpuUsage();
  let inside = 0;
  const within = async <T>(step: Step, run: () => Promise<T>): Promise<T> => {
    const s = process.cpuUsage();
    try {
      return await timed(way, step, run);
    } finally {
      const u = process.cpuUsage(s);
      inside += u.user + u.system;
    }
  };
  const replyIds = [randomUUID(), randomUUID()];
  await w.transaction(async (tx) => {
    const thread = await within(
      'openThread',
      async () =>
        (
          await openThreads(tx, [
            {
              channel: 'zalo',
              externalUserId: user,
              externalMessageId: `m-${user}`,
              hints: { displayName: 'Nguyễn Văn A' },
              interactedAt: new Date(),
              open: { id: randomUUID(), subject: null },
            },
          ])
        )[0],
    );
    const conv = thread.conversation!;
    await within('recordInbounds', () =>
      recordInbounds(tx, [
        {
          message: {
            id: randomUUID(),
            conversationId: conv.id,
            channel: 'zalo',
            externalId: `m-${user}`,
            authorName: 'Nguyễn Văn A',
            text: 'xin chào',
            html: null,
            attachments: [],
            ticketId: null,
            meta: { intent: 'greeting' },
            createdAt: new Date(),
          },
          botContext: { turns: 1 },
          events: [
            { type: 'conversation_opened', actor: { kind: 'system' }, conversationId: conv.id, data: { channel: 'zalo' } },
            { type: 'message_received', actor: { kind: 'citizen', name: 'Nguyễn Văn A' }, conversationId: conv.id, data: {} },
          ],
          outbound: replyIds.map((id, i) => ({
            id,
            conversationId: conv.id,
            channel: 'zalo',
            authorKind: 'bot' as const,
            purpose: i === 0 ? 'receipt' : 'answer',
            text: i === 0 ? 'Tổng đài 1022 đã nhận tin nhắn của bạn.' : 'Xin chào! Bạn cần hỗ trợ gì?',
          })),
          jobs: [{ kind: 'deliver', orderingKey: `out:${conv.id}`, payload: { messageIds: replyIds, channel: 'zalo' } }],
          finish: { eventId, jobId: job.id },
        },
      ]),
    );
  });
  const tx = process.cpuUsage(txStart);
  if (measuring) {
    const key = `${way}|BEGIN + COMMIT`;
    const s = spent.get(key) ?? { cpu: 0, runs: 0 };
    s.cpu += tx.user + tx.system - inside;
    s.runs++;
    spent.set(key, s);
  }
  const claim = claimDeliveries('deliver', []);
  const [delivery] = await timed(way, 'delivery claim', () => claim(w, 'bench', 1, 15_000, ['deliver']));
  if (!delivery || (delivery.attached as unknown[]).length !== 2) throw new Error('the delivery claim did not start both replies');
  await timed(way, 'recordSent', () =>
    recordSent(
      w,
      replyIds.map((id, i) => ({
        id,
        parts: 1,
        providerId: `p-${id}`,
        event: { type: 'message_sent', actor: { kind: 'system' }, data: { messageId: id } },
        completeJobId: i === 1 ? delivery.id : null,
      })),
    ),
  );
}

async function main(): Promise<void> {
  const setup = await openDatabase('memory://', '');
  await migrate(setup);
  const image = await setup.image!();
  await setup.close();
  // Two instances from the same image, one per way (the same engine, the same data, the same wrapper).
  const runners: Record<Way, Database> = {
    query: await openDatabase('memory://', '', { pgliteImage: image, pglitePrepared: false }),
    prepared: await openDatabase('memory://', '', { pgliteImage: image }),
  };
  let n = 0;
  for (const way of ['query', 'prepared'] as const) for (let i = 0; i < 30; i++) await conversation(way, runners[way], n++);
  measuring = true;
  for (let round = 0; round < ROUNDS; round++) {
    const order: Way[] = round % 2 === 0 ? ['query', 'prepared'] : ['prepared', 'query'];
    for (const way of order) for (let i = 0; i < CONVERSATIONS; i++) await conversation(way, runners[way], n++);
  }
  await Promise.all(Object.values(runners).map((db) => db.close()));

  const ms = (way: Way, step: Step) => {
    const s = spent.get(`${way}|${step}`)!;
    return s.cpu / s.runs / 1000;
  };
  console.log(`PGlite in memory, ${ROUNDS} alternated rounds × ${CONVERSATIONS} conversations per way; CPU ms per statement:\n`);
  console.log('| statement | query | prepared | saved |');
  console.log('|---|---|---|---|');
  let total = { query: 0, prepared: 0 };
  for (const step of STEPS) {
    const a = ms('query', step);
    const b = ms('prepared', step);
    total = { query: total.query + a, prepared: total.prepared + b };
    console.log(`| ${step} | ${a.toFixed(3)} | ${b.toFixed(3)} | ${(((a - b) / a) * 100).toFixed(0)} % |`);
  }
  console.log(
    `| **a conversation** | **${total.query.toFixed(2)}** | **${total.prepared.toFixed(2)}** | **${(((total.query - total.prepared) / total.query) * 100).toFixed(0)} %** |`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
