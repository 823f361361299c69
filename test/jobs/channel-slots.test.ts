/**
 * A cap per channel in the delivery lane: a slow provider holds at most its cap of the lane's slots,
 * and the other channels' deliveries go through the rest.
 */
import type { Database } from '../../src/db/database';
import { ChannelSlots } from '../../src/jobs/channel-slots';
import { enqueueJob, type Job } from '../../src/jobs/queue';
import { Worker } from '../../src/jobs/worker';
import { createLogger } from '../../src/logger';
import { claimDeliveries } from '../../src/store/deliveries';
import { databaseKinds, migratedDatabase } from '../support/databases';
import { waitFor } from '../support/wait';

const log = createLogger('silent');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const job = (channel?: string): Job => ({
  id: '1',
  kind: 'deliver',
  orderingKey: 'k',
  payload: channel ? { channel } : {},
  attempts: 1,
  maxAttempts: 12,
  giveUpAt: null,
});

describe('channel slots', () => {
  test('counts the running jobs of each channel and gives the room back when a job ends, saying when a full channel frees', () => {
    const slots = new ChannelSlots(3);
    expect([slots.full(), slots.room()]).toEqual([[], 3]);
    slots.taken([job('zalo'), job('zalo'), job('zalo'), job('email'), job()]);
    // Zalo is full (left out of claims); a claim may take 2 more, email's room.
    expect([slots.full(), slots.room()]).toEqual([['zalo'], 2]);
    expect(slots.release(job('email'))).toBe(false);
    expect([slots.full(), slots.room()]).toEqual([['zalo'], 3]);
    expect(slots.release(job())).toBe(false);
    // Zalo was full: the lane should claim again.
    expect(slots.release(job('zalo'))).toBe(true);
    expect([slots.full(), slots.room()]).toEqual([[], 1]);
  });

  test('room kept for a started job counts against the cap; claimed jobs all count, even when kept room filled the channel meanwhile', () => {
    const slots = new ChannelSlots(2);
    expect(slots.take('zalo')).toBe(true);
    expect(slots.take('zalo')).toBe(true);
    expect(slots.take('zalo')).toBe(false);
    expect(slots.full()).toEqual(['zalo']);
    // A claim that was on its way: its zalo job runs, so it is counted, and its room comes back once.
    slots.taken([job('zalo')]);
    expect(slots.release(job('zalo'))).toBe(true);
    expect(slots.full()).toEqual(['zalo']);
    expect(slots.give('zalo')).toBe(true);
    expect([slots.full(), slots.room()]).toEqual([[], 1]);
    expect(slots.give('zalo')).toBe(false);
    expect([slots.full(), slots.room()]).toEqual([[], 2]);
  });
});

describe.each(databaseKinds())('the delivery lane on %s', (kind) => {
  let db: Database;
  beforeEach(async () => {
    db = await migratedDatabase(kind);
  });
  afterEach(() => db.close());

  /** 10 deliveries for a provider that does not answer, then 3 for one that does; a lane of 8 slots. */
  async function run(cap?: number) {
    const slots = cap ? new ChannelSlots(cap) : undefined;
    for (let i = 0; i < 10; i++) await enqueueJob(db, 'deliver', `slow-${i}`, { channel: 'slow' });
    for (let i = 0; i < 3; i++) await enqueueJob(db, 'deliver', `fast-${i}`, { channel: 'fast' });
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const done = { slow: 0, fast: 0 };
    let slowRunning = 0;
    let slowMost = 0;
    const handler = async (j: Job) => {
      if (j.payload.channel === 'slow') {
        slowMost = Math.max(slowMost, ++slowRunning);
        await held;
        slowRunning--;
      }
      done[j.payload.channel as 'slow' | 'fast']++;
    };
    // No poll to speak of: the lane claims again only when a job ends (a full channel freeing room included).
    const worker = new Worker(db, { deliver: handler }, log, {
      concurrency: 8,
      pollMs: 60_000,
      claim: claimDeliveries('deliver', []),
      slots,
    });
    await worker.start();
    return { done, slowMost: () => slowMost, release: () => release(), worker };
  }

  test('a slow provider takes at most its cap of the slots; the other channel is delivered meanwhile', async () => {
    const r = await run(4);
    await waitFor(() => r.done.fast === 3);
    expect(r.done.slow).toBe(0);
    expect(r.slowMost()).toBe(4);
    r.release();
    await waitFor(() => r.done.slow === 10);
    expect(r.slowMost()).toBe(4);
    await r.worker.stop();
    expect((await db.query('SELECT 1 FROM jobs')).rowCount).toBe(0);
  });

  test('without the cap, the slow provider takes every slot and the other channel waits', async () => {
    const r = await run();
    await sleep(600);
    expect(r.done.fast).toBe(0);
    expect(r.slowMost()).toBe(8);
    r.release();
    await waitFor(() => r.done.fast === 3 && r.done.slow === 10);
    await r.worker.stop();
  });
});
