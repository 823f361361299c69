/** Sending over SMTP to an in-process smtp-server: headers, threading, rate limit, error mapping, testConnection. */
import { ChannelApiError, type ChannelAdapter, type OutboundMessage } from '../../../src/channels/kit/contract';
import { createEmailAdapter, EMAIL_CAPABILITIES, type EmailAdapterConfig } from '../../../adapters/email';
import { buildSubject, messageIdFor } from '../../../adapters/email/send';
import { startDovecot, type Dovecot } from '../../support/dovecot';
import { freePort } from '../../support/services';
import { memoryRuntime, startSmtpSink, type MemoryRuntime, type SmtpSink } from './support';

let dovecot: Dovecot;
// Recipients named after a reply code (smtp451@…, smtp550@…) make the sink answer with it.
let smtp: SmtpSink;
const adapters: ChannelAdapter[] = [];

beforeAll(async () => {
  dovecot = await startDovecot();
  smtp = await startSmtpSink();
});

afterEach(async () => {
  smtp.mails.length = 0;
  await Promise.all(adapters.splice(0).map((a) => a.stop?.()));
});

afterAll(async () => {
  await smtp?.close();
  await dovecot?.stop();
});

function config(overrides: Partial<EmailAdapterConfig> = {}): EmailAdapterConfig {
  const { user, password } = dovecot.users[0];
  return {
    imap: { host: dovecot.host, port: dovecot.port, secure: false, user, password },
    smtp: { host: '127.0.0.1', port: smtp.port, secure: false },
    from: '"Tổng đài 1022" <1022@dongthap.gov.vn>',
    ...overrides,
  };
}

async function started(overrides: Partial<EmailAdapterConfig> = {}): Promise<{ adapter: ChannelAdapter; rt: MemoryRuntime }> {
  const adapter = createEmailAdapter(config(overrides));
  adapters.push(adapter);
  const rt = memoryRuntime();
  await adapter.start!(rt.runtime);
  return { adapter, rt };
}

function outbound(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id: 'msg-0001',
    channel: 'email',
    externalUserId: 'nguyenvanan@gmail.com',
    author: 'system',
    purpose: 'receipt',
    text: 'Tổng đài 1022 đã tiếp nhận yêu cầu của bạn.\n\nMã phiếu: 1022-2026-000123\nTra cứu: https://1022.dongthap.gov.vn/tra-cuu?ma=1022-2026-000123',
    quickReplies: [],
    attachments: [],
    ticketCode: '1022-2026-000123',
    subject: 'Hoi ve giay phep xay dung',
    inReplyTo: '<CAJ8kPq7xY2mQeZ1o-Hn4bT5w@mail.gmail.com>',
    references: ['<CAJ8kPq7xY2mQeZ1o-Hn4bT5w@mail.gmail.com>'],
    lastInboundAt: Date.now(),
    part: 0,
    parts: 1,
    ...overrides,
  };
}

async function sendError(adapter: ChannelAdapter, message: OutboundMessage): Promise<ChannelApiError> {
  const err = await adapter.send(message).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ChannelApiError);
  return err as ChannelApiError;
}

describe('email send', () => {
  test('a receipt: Auto-Submitted, ticket code in the subject, threading headers, text and HTML', async () => {
    const { adapter } = await started();
    const result = await adapter.send(outbound({ references: ['<older@gmail.com>', '<CAJ8kPq7xY2mQeZ1o-Hn4bT5w@mail.gmail.com>'] }));
    expect(result).toEqual({ providerMessageId: '<msg-0001@dongthap.gov.vn>' });
    expect(smtp.mails).toHaveLength(1);
    const { mail, from, to } = smtp.mails[0];
    expect(from).toBe('1022@dongthap.gov.vn');
    expect(to).toEqual(['nguyenvanan@gmail.com']);
    expect(mail.from?.value[0]).toEqual({ address: '1022@dongthap.gov.vn', name: 'Tổng đài 1022' });
    expect(mail.subject).toBe('Re: [1022-2026-000123] Hoi ve giay phep xay dung');
    expect(mail.messageId).toBe('<msg-0001@dongthap.gov.vn>');
    expect(mail.inReplyTo).toBe('<CAJ8kPq7xY2mQeZ1o-Hn4bT5w@mail.gmail.com>');
    expect(mail.references).toEqual(['<older@gmail.com>', '<CAJ8kPq7xY2mQeZ1o-Hn4bT5w@mail.gmail.com>']);
    expect(mail.headers.get('auto-submitted')).toBe('auto-replied');
    expect(mail.headers.get('x-auto-response-suppress')).toBe('All');
    expect(mail.text?.trim()).toContain('Mã phiếu: 1022-2026-000123');
    expect(mail.html).toContain('<p>Mã phiếu: 1022-2026-000123<br>');
    expect(mail.html).toContain('<a href="https://1022.dongthap.gov.vn/tra-cuu?ma=1022-2026-000123">');
  });

  test('thread ids that are no Message-ID (a mail without one is keyed sha256:…) stay out of the headers', async () => {
    const { adapter } = await started();
    await adapter.send(
      outbound({ id: 'msg-0009', inReplyTo: `sha256:${'ab'.repeat(32)}`, references: [`sha256:${'ab'.repeat(32)}`, '<older@gmail.com>'] }),
    );
    const { mail } = smtp.mails[0];
    expect(mail.inReplyTo).toBeUndefined();
    expect(mail.references).toBe('<older@gmail.com>');
    expect(mail.headers.get('in-reply-to')).toBeUndefined();
    expect(mail.subject).toBe('[1022-2026-000123] Hoi ve giay phep xay dung');
  });

  test('an operator reply is normal mail: no Auto-Submitted, ticket code kept once', async () => {
    const { adapter } = await started();
    await adapter.send(
      outbound({
        id: 'msg-0002',
        author: 'operator',
        authorName: 'Lê Thị Hoa',
        purpose: 'reply',
        subject: 'Re: [1022-2026-000123] Hoi ve giay phep xay dung',
        text: 'Chào anh An, lệ phí là 75.000 đồng.',
      }),
    );
    const { mail } = smtp.mails[0];
    expect(mail.headers.has('auto-submitted')).toBe(false);
    expect(mail.headers.has('x-auto-response-suppress')).toBe(false);
    expect(mail.subject).toBe('Re: [1022-2026-000123] Hoi ve giay phep xay dung');
    expect(mail.inReplyTo).toBe('<CAJ8kPq7xY2mQeZ1o-Hn4bT5w@mail.gmail.com>');
  });

  test('a retry reuses the same Message-ID', async () => {
    const { adapter } = await started();
    const message = outbound({ id: 'msg-retry', purpose: 'answer', author: 'bot' });
    const first = await adapter.send(message);
    const second = await adapter.send(message);
    expect(second.providerMessageId).toBe(first.providerMessageId);
    expect(smtp.mails.map((c) => c.mail.messageId)).toEqual(['<msg-retry@dongthap.gov.vn>', '<msg-retry@dongthap.gov.vn>']);
    // A bot answer is an automatic response too.
    expect(smtp.mails[0].mail.headers.get('auto-submitted')).toBe('auto-replied');
  });

  test('receipts are limited per recipient per hour (persisted in state); a retry of the same receipt passes', async () => {
    const { adapter, rt } = await started();
    await adapter.send(outbound({ id: 'r1' }));
    const err = await sendError(adapter, outbound({ id: 'r2' }));
    expect(err).toMatchObject({ channel: 'email', code: 'receipt_rate_limited', retryable: false });
    // The same receipt again (the dispatcher retrying after a crash) is not a second receipt.
    await adapter.send(outbound({ id: 'r1' }));
    // Another citizen, and non-receipt mail to the same citizen, are not limited.
    await adapter.send(outbound({ id: 'r3', externalUserId: 'binh@yahoo.com.vn' }));
    await adapter.send(outbound({ id: 'r4', purpose: 'reply', author: 'operator' }));
    // The ticket receipt carries the code: never held back by the limit.
    await adapter.send(outbound({ id: 'r6', purpose: 'ticket_receipt' }));
    expect(smtp.mails.map((c) => c.mail.messageId)).toEqual([
      '<r1@dongthap.gov.vn>',
      '<r1@dongthap.gov.vn>',
      '<r3@dongthap.gov.vn>',
      '<r4@dongthap.gov.vn>',
      '<r6@dongthap.gov.vn>',
    ]);
    // The counter lives in the runtime state (no address in the key).
    const keys = [...rt.state.keys()].filter((k) => k.startsWith('email:receipts:'));
    expect(keys).toHaveLength(2);
    expect(keys.join()).not.toContain('@');

    // A second adapter on the same state (a restart) still counts the receipt sent.
    const again = createEmailAdapter(config());
    adapters.push(again);
    await again.start!(rt.runtime);
    expect((await sendError(again, outbound({ id: 'r5' }))).code).toBe('receipt_rate_limited');
  });

  test('receiptLimitPerHour allows more receipts', async () => {
    const { adapter } = await started({ receiptLimitPerHour: 2 });
    await adapter.send(outbound({ id: 'l1' }));
    await adapter.send(outbound({ id: 'l2' }));
    expect((await sendError(adapter, outbound({ id: 'l3' }))).code).toBe('receipt_rate_limited');
  });

  test('SMTP 4xx is retryable, 5xx is permanent', async () => {
    const { adapter } = await started();
    const temp = await sendError(
      adapter,
      outbound({ id: 'e1', purpose: 'reply', author: 'operator', externalUserId: 'smtp450@example.vn' }),
    );
    expect(temp).toMatchObject({ retryable: true, status: 450 });
    const perm = await sendError(
      adapter,
      outbound({ id: 'e2', purpose: 'reply', author: 'operator', externalUserId: 'smtp550@example.vn' }),
    );
    expect(perm).toMatchObject({ retryable: false, status: 550 });
  });

  test('a connection failure is retryable', async () => {
    const closed = await freePort();
    const { adapter } = await started({ smtp: { host: '127.0.0.1', port: closed, secure: false } });
    const err = await sendError(adapter, outbound({ purpose: 'reply', author: 'operator' }));
    expect(err.retryable).toBe(true);
    expect(err.status).toBeNull();
  });

  test('stored attachments are read through the runtime and attached', async () => {
    const { adapter, rt } = await started();
    rt.attachments.set('att-1', { data: Buffer.from('%PDF-1.4 hướng dẫn'), mimeType: 'application/pdf', name: 'huong-dan.pdf' });
    await adapter.send(
      outbound({
        id: 'a1',
        purpose: 'reply',
        author: 'operator',
        attachments: [
          { kind: 'file', attachmentId: 'att-1' },
          { kind: 'image', name: 'so-do.png', mimeType: 'image/png', data: Buffer.from([0x89, 0x50, 0x4e, 0x47]) },
        ],
      }),
    );
    const atts = smtp.mails[0].mail.attachments;
    expect(atts.map((a) => [a.filename, a.contentType])).toEqual([
      ['huong-dan.pdf', 'application/pdf'],
      ['so-do.png', 'image/png'],
    ]);
    expect(atts[0].content.toString()).toBe('%PDF-1.4 hướng dẫn');

    const missing = await sendError(
      adapter,
      outbound({ id: 'a2', purpose: 'reply', author: 'operator', attachments: [{ kind: 'file', attachmentId: 'nope' }] }),
    );
    expect(missing).toMatchObject({ code: 'attachment_missing', retryable: false });
  });

  test('sending before start fails retryably', async () => {
    const adapter = createEmailAdapter(config());
    const err = await sendError(adapter, outbound());
    expect(err).toMatchObject({ code: 'not_started', retryable: true });
  });

  test('testConnection checks IMAP login and SMTP, and never throws', async () => {
    const ok = await createEmailAdapter(config()).testConnection();
    expect(ok.ok).toBe(true);
    expect(ok.detail).toMatch(/IMAP ok \(INBOX: \d+ messages\); SMTP ok/);

    const badLogin = await createEmailAdapter(config({ imap: { ...config().imap, password: 'wrong' } })).testConnection();
    expect(badLogin.ok).toBe(false);
    expect(badLogin.detail).toMatch(/^IMAP: /);

    const noMailbox = await createEmailAdapter(config({ imap: { ...config().imap, mailbox: 'Khong-co' } })).testConnection();
    expect(noMailbox.ok).toBe(false);

    const closed = await freePort();
    const nothing = await createEmailAdapter(config({ smtp: { host: '127.0.0.1', port: closed, secure: false } })).testConnection();
    expect(nothing.ok).toBe(false);
    expect(nothing.detail).toMatch(/SMTP: /);
  });

  test('capabilities: long texts, files, no buttons, no reply window', () => {
    expect(createEmailAdapter(config()).capabilities).toEqual(EMAIL_CAPABILITIES);
    expect(EMAIL_CAPABILITIES).toMatchObject({
      maxTextLength: 100_000,
      quickReplies: null,
      attachments: true,
      replyWindowMs: null,
      longForm: true,
    });
  });

  test('MAIL_FROM without an address is rejected at creation', () => {
    expect(() => createEmailAdapter(config({ from: 'Tong dai 1022' }))).toThrow(/MAIL_FROM/);
  });
});

describe('email subject and Message-ID', () => {
  const base = { purpose: 'reply' as const, ticketCode: null, inReplyTo: undefined, subject: undefined };
  test.each([
    ['Hỏi thủ tục', { ...base, subject: 'Hỏi thủ tục' }],
    ['[1022-2026-000123] Hỏi thủ tục', { ...base, subject: 'Hỏi thủ tục', ticketCode: '1022-2026-000123' }],
    [
      'Re: [1022-2026-000123] Hỏi thủ tục',
      { ...base, subject: 'RE: Fwd: Hỏi thủ tục', inReplyTo: '<a@b>', ticketCode: '1022-2026-000123' },
    ],
    ['Re: [1022-2026-000123] Hỏi', { ...base, subject: 'Re: [1022-2026-000123] Hỏi', inReplyTo: '<a@b>', ticketCode: '1022-2026-000123' }],
    ['Re: Hỏi', { ...base, subject: 'TL: Hỏi', inReplyTo: '<a@b>' }],
    [
      '[1022-2026-000123] Tổng đài 1022 đã tiếp nhận yêu cầu của bạn',
      { ...base, purpose: 'receipt' as const, ticketCode: '1022-2026-000123' },
    ],
    ['Phản hồi từ Tổng đài 1022', { ...base }],
  ])('→ %s', (expected, message) => {
    expect(buildSubject(message)).toBe(expected);
  });

  test('Message-ID left part is made valid and stays deterministic', () => {
    expect(messageIdFor('3f6c1a2e-9b7d-4c1e-8f00-1a2b3c4d5e6f', 'dongthap.gov.vn')).toBe(
      '<3f6c1a2e-9b7d-4c1e-8f00-1a2b3c4d5e6f@dongthap.gov.vn>',
    );
    expect(messageIdFor('a b<c>@d', 'x.vn')).toBe('<a-b-c--d@x.vn>');
  });
});
