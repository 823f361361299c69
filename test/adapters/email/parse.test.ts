/** Pure parsing: realistic mails (test/fixtures/email) → normalized events. */
import type { InboundEvent, InboundMessage } from '../../../src/channels/kit/contract';
import { createEmailAdapter, MAIL_JSON_CONTENT_TYPE } from '../../../adapters/email';
import { mailDedupeKey, parseMail, stripQuotedReply } from '../../../adapters/email/parse';
import { fixture, mail } from './support';

const RECEIVED = new Date('2026-01-05T02:15:02.000Z');

function adapter(maxAttachmentBytes?: number) {
  return createEmailAdapter({
    imap: { host: '127.0.0.1', port: 1, secure: false, user: 'hotline', password: 'x' },
    smtp: { host: '127.0.0.1', port: 1, secure: false },
    from: '"Tổng đài 1022" <1022@dongthap.gov.vn>',
    maxAttachmentBytes,
  });
}

async function parseRaw(raw: Buffer, maxAttachmentBytes?: number): Promise<InboundEvent[]> {
  const stored = await parseMail(raw, { receivedAt: RECEIVED, maxAttachmentBytes });
  return adapter(maxAttachmentBytes).parse(Buffer.from(JSON.stringify(stored)), MAIL_JSON_CONTENT_TYPE);
}

async function parseMessage(name: string, maxAttachmentBytes?: number): Promise<InboundMessage> {
  const events = await parseRaw(fixture(name), maxAttachmentBytes);
  expect(events).toHaveLength(1);
  expect(events[0].type).toBe('message');
  return events[0] as InboundMessage;
}

describe('email parse', () => {
  test('plain text mail from a citizen', async () => {
    const m = await parseMessage('plain.eml');
    expect(m).toMatchObject({
      type: 'message',
      channel: 'email',
      account: '1022@dongthap.gov.vn',
      externalUserId: 'nguyenvanan@gmail.com',
      externalMessageId: '<CAJ8kPq7xY2mQeZ1o-Hn4bT5w@mail.gmail.com>',
      timestamp: RECEIVED.getTime(),
      subject: 'Hoi ve giay phep xay dung',
      contact: { displayName: 'Nguyễn Văn An', email: 'nguyenvanan@gmail.com' },
      suppressAutoReply: false,
      attachments: [],
    });
    expect(m.text).toContain('thủ tục cấp giấy phép xây dựng nhà ở riêng lẻ');
    expect(m.text).toContain('Nguyễn Văn An');
    expect(m.html).toBeUndefined();
    expect(m.inReplyTo).toBeUndefined();
  });

  test('HTML-only mail: text derived from the HTML, HTML sanitized', async () => {
    const m = await parseMessage('html-only.eml');
    expect(m.externalUserId).toBe('tran.thi.binh@yahoo.com.vn');
    expect(m.text).toContain('Đèn đường trên');
    expect(m.text).toContain('đường Nguyễn Huệ');
    // The script's content never reaches the text (link targets do, in brackets, as plain text).
    expect(m.text).not.toContain("alert('x')");
    expect(m.html).toContain('<b>đường Nguyễn Huệ</b>');
    expect(m.html).toContain('<td>Phường 2, TP Cao Lãnh</td>');
    expect(m.html).toContain('href="https://photos.example.com/abc"');
    expect(m.html).toContain('rel="noopener noreferrer nofollow"');
    for (const bad of [
      '<script',
      'alert(',
      '<img',
      'tracker.example.com',
      'onclick',
      'javascript:',
      'style=',
      '<style',
      'color: red',
      '<title',
    ]) {
      expect(m.html).not.toContain(bad);
    }
    expect(m.suppressAutoReply).toBe(false);
  });

  test('attachments come with their bytes, name and type', async () => {
    const m = await parseMessage('attachment.eml');
    expect(m.subject).toBe('Gửi hồ sơ bổ sung');
    expect(m.text).toBe('Tôi gửi kèm đơn đề nghị và ảnh chụp CCCD.');
    expect(m.attachments).toHaveLength(2);
    const [pdf, png] = m.attachments;
    expect(pdf).toMatchObject({ kind: 'file', name: 'Đơn đề nghị.pdf', mimeType: 'application/pdf', size: 394 });
    expect(Buffer.isBuffer(pdf.data)).toBe(true);
    expect(pdf.data!.subarray(0, 8).toString()).toBe('%PDF-1.4');
    expect(png).toMatchObject({ kind: 'image', name: 'cccd.png', mimeType: 'image/png', size: 70 });
    expect(png.data!.subarray(1, 4).toString()).toBe('PNG');
  });

  test('attachments over maxAttachmentBytes are dropped with a note', async () => {
    const m = await parseMessage('attachment.eml', 100);
    expect(m.attachments.map((a) => a.name)).toEqual(['cccd.png']);
    expect(m.text).toContain('Tôi gửi kèm đơn đề nghị');
    expect(m.text).toMatch(/Tệp đính kèm "Đơn đề nghị\.pdf" \(394 B\) vượt giới hạn 100 B/);
  });

  test('Vietnamese encoded-word subject and sender name', async () => {
    const m = await parseMessage('vietnamese-subject.eml');
    expect(m.subject).toBe('Hỏi về thủ tục đăng ký khai sinh cho con');
    expect(m.contact).toEqual({ displayName: 'Phạm Thị Dung', email: 'pham.thi.dung@vnpt.vn' });
    expect(m.text).toBe('Con tôi sinh ngày 1/1/2026 tại bệnh viện tỉnh. Xin hỏi đăng ký khai sinh ở đâu?');
  });

  test('reply: threading ids from In-Reply-To then References, quoted history cut', async () => {
    const m = await parseMessage('reply.eml');
    expect(m.inReplyTo).toEqual(['<1022-msg-0001@dongthap.gov.vn>', '<CAJ8kPq7xY2mQeZ1o-Hn4bT5w@mail.gmail.com>']);
    expect(m.subject).toBe('Re: [1022-2026-000123] Hoi ve giay phep xay dung');
    expect(m.text).toBe('Cảm ơn tổng đài. Cho tôi hỏi thêm: lệ phí là bao nhiêu?');
    expect(m.suppressAutoReply).toBe(false);
    expect(m.threadHints).toEqual({ providerMessageIds: m.inReplyTo, ticketCode: '1022-2026-000123' });
  });

  test('thread hints: a ticket code in the subject or text, as stored (upper case); none without ids or code', async () => {
    const parse = async (subject: string, text?: string) => {
      const events = await parseRaw(mail({ from: 'an@gmail.com', messageId: '<t@gmail.com>', subject, text }));
      return (events[0] as InboundMessage).threadHints;
    };
    expect(await parse('Hoi them ve phieu 1022-2026-000123-abcd')).toEqual({ providerMessageIds: [], ticketCode: '1022-2026-000123-ABCD' });
    expect(await parse('Hoi them', 'Ma phieu cua toi: 1022-2026-000124.')).toEqual({
      providerMessageIds: [],
      ticketCode: '1022-2026-000124',
    });
    expect(await parse('Hoi them', 'So 11022-2026-000124 va 1022-2026-0001245')).toBeUndefined();
    expect(await parse('Hoi dap')).toBeUndefined();
  });

  test('out-of-office auto-reply is suppressed', async () => {
    const m = await parseMessage('auto-reply-oof.eml');
    expect(m.suppressAutoReply).toBe(true);
    expect(m.inReplyTo).toEqual(['<1022-msg-0002@dongthap.gov.vn>']);
    expect(m.subject).toBe('Trả lời tự động: [1022-2026-000124] Thông báo tiếp nhận');
  });

  test('bounce from MAILER-DAEMON is suppressed', async () => {
    const m = await parseMessage('bounce.eml');
    expect(m.suppressAutoReply).toBe(true);
    expect(m.externalUserId).toBe('mailer-daemon@mx.dongthap.gov.vn');
    expect(m.text).toContain('Recipient address rejected');
  });

  test('list mail (List-Id, Precedence: list) is suppressed', async () => {
    const m = await parseMessage('list.eml');
    expect(m.suppressAutoReply).toBe(true);
    expect(m.subject).toBe('Bản tin tháng 1/2026');
  });

  test('mail from our own address is suppressed', async () => {
    const [m] = (await parseRaw(
      mail({ from: '"Tổng đài 1022" <1022@DongThap.gov.vn>', messageId: '<own@dongthap.gov.vn>' }),
    )) as InboundMessage[];
    expect(m.suppressAutoReply).toBe(true);
  });

  test('a mail without Message-ID is identified by the SHA-256 of its bytes', async () => {
    const raw = mail({ from: 'a@example.vn' });
    const stored = await parseMail(raw);
    expect(mailDedupeKey(stored)).toMatch(/^sha256:[0-9a-f]{64}$/);
    const [m] = await parseRaw(raw);
    expect(m.externalMessageId).toBe(mailDedupeKey(stored));
  });

  test('malformed and foreign bodies become unsupported events, never throws', () => {
    const a = adapter();
    const [bad] = a.parse(Buffer.from('{not json'), MAIL_JSON_CONTENT_TYPE);
    expect(bad).toMatchObject({ type: 'unsupported', channel: 'email', externalUserId: 'unknown' });
    expect(bad.externalMessageId).toMatch(/^sha256:/);

    const [wrongShape] = a.parse(Buffer.from('{"v":2}'), MAIL_JSON_CONTENT_TYPE);
    expect(wrongShape.type).toBe('unsupported');

    const [raw] = a.parse(fixture('plain.eml'), 'message/rfc822');
    expect(raw).toMatchObject({
      type: 'unsupported',
      externalUserId: 'nguyenvanan@gmail.com',
      externalMessageId: '<CAJ8kPq7xY2mQeZ1o-Hn4bT5w@mail.gmail.com>',
    });

    const [other] = a.parse(Buffer.from('x'), 'text/plain');
    expect(other.type).toBe('unsupported');
  });

  test('a document whose mail could not be parsed is unsupported', () => {
    const raw = fixture('plain.eml');
    const body = JSON.stringify({ v: 1, raw: raw.toString('base64'), receivedAt: null, sha256: 'ab', parsed: null, error: 'boom' });
    const [e] = adapter().parse(Buffer.from(body), MAIL_JSON_CONTENT_TYPE);
    expect(e).toMatchObject({ type: 'unsupported', externalUserId: 'nguyenvanan@gmail.com', reason: 'unparseable mail: boom' });
  });
});

describe('stripQuotedReply', () => {
  test('English Gmail attribution wrapped over two lines', () => {
    const text =
      'Thanks, that helps.\n\nOn Mon, Jan 5, 2026 at 9:00 AM Tong dai 1022 <\n1022@dongthap.gov.vn> wrote:\n\n> Dear citizen,\n> ...\n';
    expect(stripQuotedReply(text)).toBe('Thanks, that helps.');
  });

  test('Outlook original-message block', () => {
    const text =
      'Dạ em cảm ơn.\r\n\r\n________________________________\r\nFrom: Tổng đài 1022 <1022@dongthap.gov.vn>\r\nSent: Monday\r\nSubject: Re: hỏi\r\n\r\nNội dung cũ';
    expect(stripQuotedReply(text)).toBe('Dạ em cảm ơn.');
    expect(stripQuotedReply('Ok\n\n-----Original Message-----\nFrom: x')).toBe('Ok');
  });

  test('trailing "> " lines without attribution, and mails that are only a quote', () => {
    expect(stripQuotedReply('Đồng ý\n> cũ 1\n> cũ 2\n')).toBe('Đồng ý');
    expect(stripQuotedReply('> chỉ có trích dẫn')).toBe('> chỉ có trích dẫn');
  });

  test('keeps text that merely mentions writing', () => {
    const text = 'Tôi đã viết đơn rồi.\nVào hôm qua tôi đã nộp.';
    expect(stripQuotedReply(text)).toBe(text);
  });
});
