/**
 * The email channel through the whole gateway: a real Dovecot IMAP mailbox (test/support/dovecot.ts)
 * and an in-process SMTP server. Mail arrives → receipt (RFC 3834 auto-reply, threaded) → bot answer
 * → a ticket whose code rides in the subject → an operator's reply as normal mail → the citizen's
 * reply joins the same conversation; mail loops get no answer; a restart resumes at the last UID.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import MailComposer from 'nodemailer/lib/mail-composer';
import request from 'supertest';
import { loadConfig } from '../../src/config';
import type { Database } from '../../src/db/database';
import { createGateway, type Gateway } from '../../src/gateway';
import { createLogger } from '../../src/logger';
import { kvGet } from '../../src/store/kv';
import { deliver, startSmtpSink, waitFor, type CapturedMail, type SmtpSink } from '../adapters/email/support';
import { databaseKinds, freshDatabaseUrl, openTestDatabase } from '../support/databases';
import { startDovecot, type Dovecot } from '../support/dovecot';
import { baseTestEnv, mailServerEnv, prepareDatabase, TEST_ADMIN } from '../support/gateway';

const HOTLINE = '1022@dongthap.gov.vn';
const AN = 'an.nguyen@gmail.com';
const TICKET_CODE = /1022-\d{4}-\d{6}-[A-Z2-9]{4}/;

/** What a citizen's mail says and how it is threaded. */
interface ComposeOptions {
  from: string;
  messageId: string;
  subject: string;
  text: string;
  inReplyTo?: string;
  references?: string[];
  headers?: Record<string, string>;
}

/** A citizen's mail as a real client builds it (encoded words, MIME, Date). */
function compose(opts: ComposeOptions): Promise<Buffer> {
  return new MailComposer({ to: `"Tổng đài 1022" <${HOTLINE}>`, ...opts }).compile().build();
}

const header = (m: CapturedMail, key: string): string | undefined => {
  const v = m.mail.headers.get(key);
  return typeof v === 'string' ? v : undefined;
};
const refs = (m: CapturedMail): string[] =>
  Array.isArray(m.mail.references) ? m.mail.references : m.mail.references ? [m.mail.references] : [];
const isAuto = (m: CapturedMail): boolean => header(m, 'auto-submitted') !== undefined;

/** The citizen's answer to `m`, threaded as a mail client does it: "Re:" subject, In-Reply-To and References. */
const answering = (m: CapturedMail, reply: Pick<ComposeOptions, 'from' | 'messageId' | 'text'>): ComposeOptions => ({
  ...reply,
  subject: `Re: ${m.mail.subject}`,
  inReplyTo: m.mail.messageId,
  references: [...refs(m), m.mail.messageId!],
});

describe.each(databaseKinds())('email channel end to end on %s', (kind) => {
  let dovecot: Dovecot;
  let smtp: SmtpSink;
  let db: Database;
  let dataDir: string;
  let gw: Gateway;
  let app: Gateway['app'];
  let auth: string;
  let code = '';
  let receipt: CapturedMail;
  let operatorReply: CapturedMail;

  /** The gateway's settings, the same at every boot. */
  const gatewayConfig = () =>
    loadConfig({
      ...baseTestEnv('memory://', dataDir),
      ...mailServerEnv(dovecot, smtp, `"Tổng đài 1022 Đồng Tháp" <${HOTLINE}>`),
      LIVECHAT_ENABLED: 'false',
      IMAP_POLL_SECONDS: '2',
    });

  /** Boots a gateway on the test database, which outlives it like a database server: a restart is stop + boot. */
  const boot = async (): Promise<void> => {
    const config = gatewayConfig();
    gw = await createGateway(config, { logger: createLogger(config.LOG_LEVEL), db, delivery: { backoffBaseMs: 20 } });
    await gw.start();
    app = gw.app;
    auth = `Bearer ${(await request(app).post('/api/auth/token').send(TEST_ADMIN).expect(200)).body.token}`;
  };

  beforeAll(async () => {
    dovecot = await startDovecot();
    smtp = await startSmtpSink();
    dataDir = mkdtempSync(join(tmpdir(), 'cong1022-email-'));
    db = await openTestDatabase(await freshDatabaseUrl(kind), dataDir);
    // The first boot finds the admin, the knowledge and the kept model of these phrases made (no training).
    await prepareDatabase(db, gatewayConfig());
    await boot();
  }, 60_000);

  afterAll(async () => {
    await gw?.stop();
    await db?.close();
    await smtp?.close();
    await dovecot?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  /** Citizens' mails arriving in the hotline's INBOX. */
  const arrive = async (...mails: ComposeOptions[]): Promise<void> => deliver(dovecot, 'INBOX', ...(await Promise.all(mails.map(compose))));

  const ticket = async (c: string) =>
    (await request(app).get(`/api/tickets/${c}`).set('authorization', auth).expect(200)).body as {
      channel: string;
      conversation: { id: string };
      messages: { direction: string; author: string; text: string; purpose: string | null; status: string }[];
    };

  test('a citizen mail gets a receipt and the bot answer by SMTP: threaded, marked auto-replied', async () => {
    await arrive({
      from: '"Nguyễn Văn An" <An.Nguyen@Gmail.com>',
      messageId: '<a1.20260105@mail.gmail.com>',
      subject: 'Hỏi thủ tục làm hộ chiếu',
      text: 'Kính gửi Tổng đài,\nCho tôi hỏi làm hộ chiếu phổ thông cần giấy tờ gì?\nXin cảm ơn.',
    });
    await waitFor('receipt and answer', () => smtp.to(AN).length >= 2, 20_000);
    const [first, answer] = smtp.to(AN);
    receipt = first;
    expect(receipt.mail.from?.value[0]).toMatchObject({ address: HOTLINE, name: 'Tổng đài 1022 Đồng Tháp' });
    expect(receipt.mail.to).toMatchObject({ value: [{ address: AN }] });
    expect(header(receipt, 'auto-submitted')).toBe('auto-replied');
    expect(header(receipt, 'x-auto-response-suppress')).toBe('All');
    expect(receipt.mail.inReplyTo).toBe('<a1.20260105@mail.gmail.com>');
    expect(refs(receipt)).toEqual(['<a1.20260105@mail.gmail.com>']);
    expect(receipt.mail.subject).toBe('Re: Hỏi thủ tục làm hộ chiếu');
    expect(receipt.mail.messageId).toMatch(/@dongthap\.gov\.vn>$/);
    expect(receipt.mail.text).toContain('đã nhận được thư của anh/chị');
    expect(receipt.mail.html).toContain('đã nhận được');

    expect(header(answer, 'auto-submitted')).toBe('auto-replied');
    expect(answer.mail.inReplyTo).toBe('<a1.20260105@mail.gmail.com>');
    expect(answer.mail.text).toMatch(/hộ chiếu/i);
    expect(answer.mail.messageId).not.toBe(receipt.mail.messageId);
  });

  test('asking for an operator in a reply opens a ticket; its receipt carries the code in the subject', async () => {
    await arrive(
      answering(receipt, {
        from: '"Nguyễn Văn An" <an.nguyen@gmail.com>',
        messageId: '<a2.20260105@mail.gmail.com>',
        // Quoted history below the attribution line is cut before the bot reads the mail.
        text: `Tôi muốn gặp tổng đài viên để được hướng dẫn thêm.\n\nVào Th 2, 5 thg 1, 2026 lúc 09:00 Tổng đài 1022 <${HOTLINE}> đã viết:\n> Kính gửi Quý khách,\n> Tổng đài đã nhận được thông tin.`,
      }),
    );
    const isTicketReceipt = (m: CapturedMail) => TICKET_CODE.test(m.mail.text ?? '');
    await waitFor('ticket receipt', () => smtp.to(AN).some(isTicketReceipt), 20_000);
    const ticketReceipt = smtp.to(AN).find(isTicketReceipt)!;
    code = ticketReceipt.mail.text!.match(TICKET_CODE)![0];
    expect(ticketReceipt.mail.subject).toBe(`Re: [${code}] Hỏi thủ tục làm hộ chiếu`);
    expect(header(ticketReceipt, 'auto-submitted')).toBe('auto-replied');
    expect(ticketReceipt.mail.inReplyTo).toBe('<a2.20260105@mail.gmail.com>');
    expect(refs(ticketReceipt)).toEqual(
      expect.arrayContaining(['<a1.20260105@mail.gmail.com>', receipt.mail.messageId, '<a2.20260105@mail.gmail.com>']),
    );
    expect(ticketReceipt.mail.text).toContain(`mã phiếu ${code}`);

    const tk = await ticket(code);
    expect(tk.channel).toBe('email');
    const citizen = tk.messages.filter((m) => m.direction === 'in').map((m) => m.text);
    expect(citizen).toEqual([
      'Kính gửi Tổng đài,\nCho tôi hỏi làm hộ chiếu phổ thông cần giấy tờ gì?\nXin cảm ơn.',
      'Tôi muốn gặp tổng đài viên để được hướng dẫn thêm.',
    ]);
  });

  test("an operator's reply through the API arrives as normal mail, threaded on the conversation", async () => {
    await request(app)
      .post(`/api/tickets/${code}/reply`)
      .set('authorization', auth)
      .send({
        text: 'Chào anh An,\n\nAnh mang CCCD đến Phòng Quản lý xuất nhập cảnh Công an tỉnh, hoặc nộp trực tuyến trên Cổng dịch vụ công.\n\nTrân trọng.',
      })
      .expect(202);
    // Found by its text: outside office hours a notice ("tổng đài viên sẽ phản hồi từ 07:00…") may come before it.
    const isReply = (m: CapturedMail) => (m.mail.text ?? '').startsWith('Chào anh An,');
    await waitFor('operator reply', () => smtp.to(AN).some(isReply), 20_000);
    operatorReply = smtp.to(AN).find(isReply)!;
    // Written by a person: no RFC 3834 marks, so the citizen's mail client treats it as a normal answer.
    expect(header(operatorReply, 'auto-submitted')).toBeUndefined();
    expect(header(operatorReply, 'x-auto-response-suppress')).toBeUndefined();
    expect(operatorReply.mail.subject).toBe(`Re: [${code}] Hỏi thủ tục làm hộ chiếu`);
    expect(operatorReply.mail.inReplyTo).toBe('<a2.20260105@mail.gmail.com>');
    expect(refs(operatorReply)).toEqual(
      expect.arrayContaining(['<a1.20260105@mail.gmail.com>', receipt.mail.messageId, '<a2.20260105@mail.gmail.com>']),
    );
    const tk = await ticket(code);
    expect(tk.messages.find((m) => m.text.startsWith('Chào anh An,'))).toMatchObject({
      direction: 'out',
      author: 'operator',
      status: 'sent',
    });
  });

  test('the citizen replying to our mail, or citing the ticket code, stays in the same conversation and ticket', async () => {
    await arrive(
      answering(operatorReply, {
        from: 'an.nguyen@gmail.com',
        messageId: '<a3.20260105@mail.gmail.com>',
        text: 'Cảm ơn tổng đài, tôi đã rõ.',
      }),
      // A new mail, not a reply, from another client: only the code in the subject ties it to the ticket.
      {
        from: 'an.nguyen@gmail.com',
        messageId: '<a4.20260105@mail.gmail.com>',
        subject: `Bổ sung hồ sơ cho phiếu ${code}`,
        text: 'Tôi gửi bổ sung: ảnh CCCD sẽ nộp trực tiếp.',
      },
    );
    await waitFor(
      'both replies in the ticket',
      async () => (await ticket(code)).messages.filter((m) => m.direction === 'in').length === 4,
      20_000,
    );
    const tk = await ticket(code);
    // Both arrived within the same second: their order in the list is not the point.
    expect(
      tk.messages
        .filter((m) => m.direction === 'in')
        .map((m) => m.text)
        .slice(2)
        .sort(),
    ).toEqual(['Cảm ơn tổng đài, tôi đã rõ.', 'Tôi gửi bổ sung: ảnh CCCD sẽ nộp trực tiếp.']);
    const convs = await gw.ctx.db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM conversations WHERE channel = 'email' AND external_user_id = $1`,
      [AN],
    );
    expect(convs.rows[0].n).toBe(1);
    // An operator holds the conversation: the bot stays silent, and it is no new conversation, so no receipt.
    await new Promise((r) => setTimeout(r, 500));
    expect(
      smtp.to(AN).filter((m) => ['<a3.20260105@mail.gmail.com>', '<a4.20260105@mail.gmail.com>'].includes(m.mail.inReplyTo ?? '')),
    ).toEqual([]);
  });

  test('mail loops get no answer: auto-replies, bounces, list mail and our own mail are stored silently', async () => {
    const bounce = Buffer.from(
      [
        'Return-Path: <>',
        'From: Mail Delivery Subsystem <MAILER-DAEMON@mx.example.vn>',
        `To: ${HOTLINE}`,
        'Subject: Undelivered Mail Returned to Sender',
        'Date: Mon, 5 Jan 2026 10:00:00 +0700',
        'Message-ID: <bounce.1@mx.example.vn>',
        'Auto-Submitted: auto-replied',
        'MIME-Version: 1.0',
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'This is the mail system at host mx.example.vn. I am sorry to have to inform you that your message could not be delivered.',
        '--b1',
        'Content-Type: message/delivery-status',
        '',
        'Reporting-MTA: dns; mx.example.vn',
        '',
        'Final-Recipient: rfc822; nobody@example.vn',
        'Action: failed',
        'Status: 5.1.1',
        '--b1--',
        '',
      ].join('\r\n'),
    );
    const loops = [
      await compose({
        from: '"Trần Văn Bình" <binh.tran@yahoo.com.vn>',
        messageId: '<oof.1@yahoo.com.vn>',
        subject: 'Trả lời tự động: Hỏi thủ tục',
        text: 'Tôi đang nghỉ phép đến ngày 10/1, sẽ trả lời khi quay lại.',
        headers: { 'Auto-Submitted': 'auto-replied', 'X-Autoreply': 'yes' },
      }),
      bounce,
      await compose({
        from: '"Bản tin Sở TT&TT" <bantin@lists.example.vn>',
        messageId: '<list.1@lists.example.vn>',
        subject: 'Bản tin chuyển đổi số tuần 1',
        text: 'Kính gửi quý độc giả, bản tin tuần này có thủ tục hộ chiếu mới.',
        headers: {
          'List-Id': 'Ban tin <bantin.lists.example.vn>',
          'List-Unsubscribe': '<mailto:leave@lists.example.vn>',
          Precedence: 'list',
        },
      }),
      // Our own mail coming back (a forward rule, a misconfigured alias).
      await compose({
        from: `"Tổng đài 1022" <${HOTLINE}>`,
        messageId: '<own.1@dongthap.gov.vn>',
        subject: 'Re: Hỏi thủ tục',
        text: 'Tổng đài đã nhận được thông tin.',
      }),
    ];
    const loopSenders = ['binh.tran@yahoo.com.vn', 'mailer-daemon@mx.example.vn', 'bantin@lists.example.vn', HOTLINE];
    await deliver(dovecot, 'INBOX', ...loops);
    // A normal mail after them: once it is answered, the loop mails before it have been handled.
    await arrive({
      from: 'Lê Thị Chi <chi.le@gmail.com>',
      messageId: '<c1@gmail.com>',
      subject: 'Hỏi giờ làm việc',
      text: 'Bộ phận một cửa tỉnh làm việc mấy giờ?',
    });
    await waitFor('receipt to the normal mail', () => smtp.to('chi.le@gmail.com').length >= 1, 20_000);
    await waitFor(
      'loop mails stored',
      async () =>
        (
          await gw.ctx.db.query(`SELECT 1 FROM messages WHERE channel = 'email' AND direction = 'in' AND external_id = ANY($1::text[])`, [
            ['<oof.1@yahoo.com.vn>', '<bounce.1@mx.example.vn>', '<list.1@lists.example.vn>', '<own.1@dongthap.gov.vn>'],
          ])
        ).rows.length === 4,
      20_000,
    );
    await new Promise((r) => setTimeout(r, 1000));
    for (const address of loopSenders) expect(smtp.to(address)).toEqual([]);
    const stored = await gw.ctx.db.query<{ external_id: string; suppressed: string | null }>(
      `SELECT external_id, meta->>'suppressAutoReply' AS suppressed FROM messages WHERE channel = 'email' AND direction = 'in' AND external_id = ANY($1::text[])`,
      [['<oof.1@yahoo.com.vn>', '<bounce.1@mx.example.vn>', '<list.1@lists.example.vn>', '<own.1@dongthap.gov.vn>']],
    );
    expect(stored.rows.map((r) => r.suppressed)).toEqual(['true', 'true', 'true', 'true']);
    const queued = await gw.ctx.db.query(
      `SELECT 1 FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE m.direction = 'out' AND c.external_user_id = ANY($1::text[])`,
      [loopSenders],
    );
    expect(queued.rows).toEqual([]);
  });

  test('a restart resumes from the last UID: mail that came meanwhile is handled once, nothing earlier again', async () => {
    const mailsBefore = smtp.mails.length;
    const anBefore = smtp.to(AN).length;
    await gw.stop();
    await arrive({
      from: '"Phạm Dũng" <dung.pham@gmail.com>',
      messageId: '<d1@gmail.com>',
      subject: 'Đăng ký khai sinh',
      text: 'Cho tôi hỏi thủ tục đăng ký khai sinh cho con mới sinh?',
    });
    await boot();
    await waitFor('receipt after the restart', () => smtp.to('dung.pham@gmail.com').length >= 1, 30_000);
    await waitFor('answer after the restart', () => smtp.to('dung.pham@gmail.com').length >= 2, 20_000);
    await new Promise((r) => setTimeout(r, 1000));

    const dung = smtp.to('dung.pham@gmail.com');
    expect(
      dung.filter((m) => header(m, 'auto-submitted') === 'auto-replied' && /đã nhận được thư của anh\/chị/.test(m.mail.text ?? '')),
    ).toHaveLength(1);
    expect(smtp.to(AN)).toHaveLength(anBefore);
    expect(smtp.mails.length - mailsBefore).toBe(dung.length);
    const dup = await gw.ctx.db.query(
      `SELECT external_id FROM messages WHERE channel = 'email' AND direction = 'in' GROUP BY external_id HAVING count(*) > 1`,
    );
    expect(dup.rows).toEqual([]);
    const events = await gw.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM inbound_events WHERE channel = 'email'`);
    // a1 a2 a3 a4, four loop mails, c1, d1: each ingested once.
    expect(events.rows[0].n).toBe(10);
    const cursor = await kvGet<{ uidValidity: string; lastUid: number }>(gw.ctx.db, `adapter:email:email:${dovecot.users[0].user}:INBOX`);
    expect(cursor?.lastUid).toBe(10);
    expect(smtp.mails.every((m) => isAuto(m) || m === operatorReply)).toBe(true);
  }, 60_000);
});
