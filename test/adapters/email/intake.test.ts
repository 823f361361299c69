/** IMAP intake against a real Dovecot: each mail ingested once, across restarts, UIDVALIDITY changes and reconnects. */
import type { ChannelAdapter, InboundMessage } from '../../../src/channels/kit/contract';
import { createEmailAdapter, MAIL_JSON_CONTENT_TYPE } from '../../../adapters/email';
import { startDovecot, type Dovecot } from '../../support/dovecot';
import { deliver, mail, memoryRuntime, waitFor, withImap, type MemoryRuntime } from './support';

let dovecot: Dovecot;
const running: ChannelAdapter[] = [];

beforeAll(async () => {
  dovecot = await startDovecot();
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((a) => a.stop?.()));
});

afterAll(async () => {
  await dovecot?.stop();
});

function adapter(mailbox: string, pollIntervalMs?: number): ChannelAdapter {
  const { user, password } = dovecot.users[0];
  const a = createEmailAdapter({
    imap: { host: dovecot.host, port: dovecot.port, secure: false, user, password, mailbox, pollIntervalMs },
    smtp: { host: '127.0.0.1', port: 1, secure: false },
    from: '"Tổng đài 1022" <1022@dongthap.gov.vn>',
  });
  running.push(a);
  return a;
}

/** Starts an intake; the default poll (60 s) leaves new mail to IDLE, a short one exercises the poll too. */
async function startIntake(mailbox: string, rt: MemoryRuntime, pollIntervalMs?: number): Promise<ChannelAdapter> {
  const a = adapter(mailbox, pollIntervalMs);
  await a.start!(rt.runtime);
  return a;
}

async function stopIntake(a: ChannelAdapter): Promise<void> {
  running.splice(running.indexOf(a), 1);
  await a.stop!();
}

async function createMailbox(name: string): Promise<void> {
  await withImap(dovecot, (c) => c.mailboxCreate(name));
}

describe('email IMAP intake', () => {
  test('ingests mail present at start and new mail announced by IDLE, once each, in UID order', async () => {
    await createMailbox('T1');
    await deliver(
      dovecot,
      'T1',
      mail({ from: 'Nguyen Van An <An.Nguyen@Gmail.com>', messageId: '<t1-a@gmail.com>', subject: 'Mot' }),
      mail({ from: 'binh@yahoo.com.vn', messageId: '<t1-b@yahoo.com.vn>', subject: 'Hai' }),
    );
    const rt = memoryRuntime();
    const a = await startIntake('T1', rt);
    // start() resolves after the first sync.
    expect(rt.items.map((i) => i.dedupeKey)).toEqual(['<t1-a@gmail.com>', '<t1-b@yahoo.com.vn>']);

    const first = rt.items[0];
    expect(first.orderingKey).toBe('an.nguyen@gmail.com');
    expect(first.contentType).toBe(MAIL_JSON_CONTENT_TYPE);
    const [event] = a.parse(first.body, first.contentType) as InboundMessage[];
    expect(event).toMatchObject({
      type: 'message',
      externalUserId: 'an.nguyen@gmail.com',
      externalMessageId: '<t1-a@gmail.com>',
      subject: 'Mot',
    });
    expect(event.timestamp).toBeGreaterThan(0);

    await deliver(dovecot, 'T1', mail({ from: 'cuong@outlook.com', messageId: '<t1-c@outlook.com>' }));
    await waitFor('the IDLE-announced mail', () => rt.items.length === 3);
    expect(rt.items[2].dedupeKey).toBe('<t1-c@outlook.com>');
    expect(rt.calls).toHaveLength(3);

    const cursor = rt.state.get('email:hotline:T1') as { uidValidity: string; lastUid: number };
    expect(cursor.lastUid).toBe(3);
    expect(cursor.uidValidity).toMatch(/^\d+$/);

    // Ingested mail is flagged \Seen for people who also open the mailbox.
    const unseen = await withImap(dovecot, async (c) => {
      const lock = await c.getMailboxLock('T1');
      try {
        return await c.search({ seen: false }, { uid: true });
      } finally {
        lock.release();
      }
    });
    expect(unseen).toEqual([]);
  });

  test('a restart resumes after the last ingested UID: nothing is read again', async () => {
    await createMailbox('T2');
    await deliver(
      dovecot,
      'T2',
      mail({ from: 'a@example.vn', messageId: '<t2-a@example.vn>' }),
      mail({ from: 'b@example.vn', messageId: '<t2-b@example.vn>' }),
    );
    const rt = memoryRuntime();
    const a = await startIntake('T2', rt, 100);
    expect(rt.calls).toHaveLength(2);
    await stopIntake(a);

    await startIntake('T2', rt, 100);
    // Several polls later, still nothing read again.
    await new Promise((r) => setTimeout(r, 500));
    expect(rt.calls).toHaveLength(2);

    // Mail that arrives while we are down is picked up at the next start.
    const b = running[running.length - 1];
    await stopIntake(b);
    await deliver(dovecot, 'T2', mail({ from: 'c@example.vn', messageId: '<t2-c@example.vn>' }));
    await startIntake('T2', rt, 100);
    expect(rt.calls.map((c) => c.dedupeKey)).toEqual(['<t2-a@example.vn>', '<t2-b@example.vn>', '<t2-c@example.vn>']);
  });

  test('a changed UIDVALIDITY re-reads the mailbox without duplicates', async () => {
    await createMailbox('T3');
    const old = [1, 2, 3].map((n) => mail({ from: `p${n}@example.vn`, messageId: `<t3-${n}@example.vn>` }));
    await deliver(dovecot, 'T3', ...old);
    const rt = memoryRuntime();
    const a = await startIntake('T3', rt);
    expect(rt.items).toHaveLength(3);
    const before = rt.state.get('email:hotline:T3') as { uidValidity: string; lastUid: number };
    expect(before.lastUid).toBe(3);
    await stopIntake(a);

    // The mailbox is recreated (e.g. migrated to a new server): same mails, new UIDs 1..4, new UIDVALIDITY.
    await withImap(dovecot, async (c) => {
      await c.mailboxDelete('T3');
      await c.mailboxCreate('T3');
    });
    await deliver(dovecot, 'T3', ...old, mail({ from: 'new@example.vn', messageId: '<t3-new@example.vn>' }));

    await startIntake('T3', rt);
    const after = rt.state.get('email:hotline:T3') as { uidValidity: string; lastUid: number };
    expect(after.uidValidity).not.toBe(before.uidValidity);
    expect(after.lastUid).toBe(4);
    // Every mail was offered again; the Message-ID dedupe key dropped the three known ones.
    expect(rt.calls).toHaveLength(7);
    expect(rt.items.map((i) => i.dedupeKey)).toEqual([
      '<t3-1@example.vn>',
      '<t3-2@example.vn>',
      '<t3-3@example.vn>',
      '<t3-new@example.vn>',
    ]);
    expect(rt.logs.some((l) => l.level === 'warn' && /UIDVALIDITY changed/.test(l.msg ?? ''))).toBe(true);
  });

  test('mail without a Message-ID is keyed by the SHA-256 of its bytes', async () => {
    await createMailbox('T4');
    await deliver(dovecot, 'T4', mail({ from: 'X@Example.vn' }));
    const rt = memoryRuntime();
    await startIntake('T4', rt);
    expect(rt.items).toHaveLength(1);
    expect(rt.items[0].dedupeKey).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(rt.items[0].orderingKey).toBe('x@example.vn');
  });

  test('an ingest failure is retried: the cursor only moves after ingest resolved', async () => {
    await createMailbox('T5');
    await deliver(dovecot, 'T5', mail({ from: 'a@example.vn', messageId: '<t5-a@example.vn>' }));
    const rt = memoryRuntime();
    const ingest = rt.runtime.ingest;
    let failures = 1;
    rt.runtime.ingest = async (item) => {
      if (failures-- > 0) throw new Error('database unavailable');
      return ingest(item);
    };
    await startIntake('T5', rt);
    expect(rt.state.get('email:hotline:T5')).toBeUndefined();
    await waitFor('the retried ingest', () => rt.items.length === 1, 15_000);
    expect((rt.state.get('email:hotline:T5') as { lastUid: number }).lastUid).toBe(1);
  });

  test('reconnects with backoff after the server goes away', async () => {
    await createMailbox('T6');
    const rt = memoryRuntime();
    await startIntake('T6', rt);
    expect(rt.items).toHaveLength(0);

    await dovecot.halt();
    await dovecot.start();
    await deliver(dovecot, 'T6', mail({ from: 'late@example.vn', messageId: '<t6-late@example.vn>' }));
    await waitFor('the mail delivered after the restart', () => rt.items.length === 1, 20_000);
    expect(rt.logs.some((l) => /reconnect scheduled/.test(l.msg ?? ''))).toBe(true);
  }, 30_000);

  test('start does not throw when the server is unreachable, and stop ends the retries', async () => {
    const a = createEmailAdapter({
      imap: { host: '127.0.0.1', port: 1, secure: false, user: 'hotline', password: 'x' },
      smtp: { host: '127.0.0.1', port: 1, secure: false },
      from: '1022@dongthap.gov.vn',
    });
    const rt = memoryRuntime();
    await expect(a.start!(rt.runtime)).resolves.toBeUndefined();
    expect(rt.logs.some((l) => l.level === 'warn' && /IMAP connect failed/.test(l.msg ?? ''))).toBe(true);
    await a.stop!();
  });
});
