import { createFacebookAdapter } from '../../../adapters/facebook';
import type { ChannelAdapter } from '../../../src/channels/kit/contract';
import { graphError, startFakeGraph, type FakeGraph } from '../../fakes/fake-graph';
import { hostedAttachment, memoryRuntime, outboundMessage, rejection } from '../contract-suite';
import { APP_ID, FB_CREDENTIALS, PAGE_TOKEN, PSID, VERSION } from './support';

const HOUR = 3600_000;
let fake: FakeGraph;
let adapter: ChannelAdapter;

beforeEach(async () => {
  fake = await startFakeGraph({
    pageAccessToken: PAGE_TOKEN,
    version: VERSION,
    profiles: { [PSID]: { name: 'Trần Văn Bình', first_name: 'Bình', last_name: 'Trần' } },
  });
  adapter = createFacebookAdapter({ ...FB_CREDENTIALS, graphBase: fake.graphBase, graphVersion: VERSION, appId: APP_ID });
});
afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});

const msg = (o: Parameters<typeof outboundMessage>[2] = {}) => outboundMessage('facebook', PSID, { id: 'out-1', ...o });

describe('messenger send: requests', () => {
  test('text within 24 h → POST /v21.0/me/messages, RESPONSE, Bearer page token', async () => {
    const res = await adapter.send(msg({ text: 'Dạ, anh/chị mang theo CCCD cũ ạ.' }));
    expect(res).toEqual({ providerMessageId: 'm_fake000001' });
    const r = fake.requests[0]!;
    expect(r.method).toBe('POST');
    expect(r.url).toBe(`/${VERSION}/me/messages`);
    expect(r.headers['authorization']).toBe(`Bearer ${PAGE_TOKEN}`);
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.json).toEqual({
      recipient: { id: PSID },
      messaging_type: 'RESPONSE',
      message: { text: 'Dạ, anh/chị mang theo CCCD cũ ạ.', metadata: 'cong1022:out-1' },
    });
  });

  test('operator between 24 h and 7 days → MESSAGE_TAG HUMAN_AGENT', async () => {
    await adapter.send(msg({ author: 'operator', authorName: 'Lan', lastInboundAt: Date.now() - 30 * HOUR }));
    expect(fake.requests[0]!.json).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
  });

  test.each([
    ['bot after 24 h', { author: 'bot' as const, lastInboundAt: Date.now() - 25 * HOUR }],
    ['system after 24 h', { author: 'system' as const, lastInboundAt: Date.now() - 25 * HOUR }],
    ['operator after 7 days', { author: 'operator' as const, lastInboundAt: Date.now() - 8 * 24 * HOUR }],
    ['citizen never wrote', { author: 'operator' as const, lastInboundAt: null }],
  ])('%s → permanent window_closed without calling the API', async (_l, o) => {
    const err = await rejection(adapter.send(msg(o)));
    expect(err).toMatchObject({ channel: 'facebook', code: 'window_closed', retryable: false });
    expect(fake.requests).toHaveLength(0);
  });

  test('quick replies: at most 13, titles cut to 20 characters, on the last message', async () => {
    const quickReplies = Array.from({ length: 15 }, (_, i) => ({
      title: `Lựa chọn số ${i + 1} rất dài về thủ tục`,
      payload: `CHON_${i + 1}`,
    }));
    await adapter.send(msg({ text: 'Chọn một mục:', quickReplies }));
    const qr = fake.requests[0]!.json.message.quick_replies;
    expect(qr).toHaveLength(13);
    expect(qr[0]).toEqual({ content_type: 'text', title: 'Lựa chọn số 1 rất dà', payload: 'CHON_1' });
    for (const q of qr) expect([...q.title].length).toBeLessThanOrEqual(20);
  });

  test('attachments by URL: text first, then one call per attachment; quick replies on the last', async () => {
    const res = await adapter.send(
      msg({
        text: 'Mẫu đơn đây ạ',
        attachments: [hostedAttachment('image', 'mau.png'), hostedAttachment('file', 'mau.pdf')],
        quickReplies: [{ title: 'Cảm ơn', payload: 'THANKS' }],
      }),
    );
    expect(fake.requests.map((r) => r.json.message)).toEqual([
      { text: 'Mẫu đơn đây ạ', metadata: 'cong1022:out-1' },
      {
        attachment: { type: 'image', payload: { url: 'https://1022.dongthap.gov.vn/files/mau.png', is_reusable: true } },
        metadata: 'cong1022:out-1',
      },
      {
        attachment: { type: 'file', payload: { url: 'https://1022.dongthap.gov.vn/files/mau.pdf', is_reusable: true } },
        quick_replies: [{ content_type: 'text', title: 'Cảm ơn', payload: 'THANKS' }],
        metadata: 'cong1022:out-1',
      },
    ]);
    expect(res.providerMessageId).toBe('m_fake000001');
  });

  test("an operator's uploaded file (no URL) → Attachment Upload API, then the text and the file by attachment_id", async () => {
    const pdf = Buffer.from('%PDF-1.4 biên bản');
    const rt = memoryRuntime();
    await adapter.start!({
      ...rt,
      readAttachment: async (id) => (id === 'att-7' ? { data: pdf, mimeType: 'application/pdf', name: 'bien-ban.pdf' } : null),
    });
    await adapter.send(
      msg({
        author: 'operator',
        text: 'Gửi anh/chị biên bản ạ',
        attachments: [{ kind: 'file', attachmentId: 'att-7', name: 'Biên bản.pdf' }],
      }),
    );
    const [upload, ...sends] = fake.requests;
    expect(upload!.method).toBe('POST');
    expect(upload!.url).toBe(`/${VERSION}/me/message_attachments`);
    expect(upload!.headers['authorization']).toBe(`Bearer ${PAGE_TOKEN}`);
    const [[id, file]] = [...fake.uploads];
    expect(file).toEqual({ type: 'file', name: 'Biên bản.pdf', contentType: 'application/pdf', data: pdf });
    expect(sends.map((r) => r.json.message)).toEqual([
      { text: 'Gửi anh/chị biên bản ạ', metadata: 'cong1022:out-1' },
      { attachment: { type: 'file', payload: { attachment_id: id } }, metadata: 'cong1022:out-1' },
    ]);
  });

  test('a file that cannot be sent (no URL, no bytes; upload refused) is left out and logged: the text still goes', async () => {
    const rt = memoryRuntime();
    await adapter.start!({ ...rt, readAttachment: async () => ({ data: Buffer.from('x'), mimeType: 'image/png', name: 'a.png' }) });
    await adapter.send(msg({ author: 'operator', text: 'Chỉ có chữ', attachments: [{ kind: 'file' }] }));
    fake.failNext('/me/message_attachments', graphError(100, 'Invalid file'));
    await adapter.send(msg({ author: 'operator', text: 'Ảnh đây ạ', attachments: [{ kind: 'image', attachmentId: 'att-8' }] }));
    expect(fake.calls('/me/messages').map((r) => r.json.message.text)).toEqual(['Chỉ có chữ', 'Ảnh đây ạ']);
    expect(rt.logs.filter((l) => l.level === 'warn')).toHaveLength(2);
    // A retryable upload failure fails the whole send before anything went out (the retry sends all once).
    fake.failNext('/me/message_attachments', { status: 500, json: { error: { message: 'oops', code: 1 } } });
    const before = fake.calls('/me/messages').length;
    expect(await rejection(adapter.send(msg({ text: 'Lần nữa', attachments: [{ kind: 'image', attachmentId: 'att-8' }] })))).toMatchObject({
      retryable: true,
    });
    expect(fake.calls('/me/messages')).toHaveLength(before);
  });

  test('text over 2000 characters is refused before any call', async () => {
    expect(await rejection(adapter.send(msg({ text: 'x'.repeat(2001) })))).toMatchObject({ code: 'text_too_long', retryable: false });
    expect(fake.requests).toHaveLength(0);
  });

  test('typing on/off → sender_action; never throws', async () => {
    await adapter.typing!(PSID, true);
    await adapter.typing!(PSID, false);
    expect(fake.requests.map((r) => r.json)).toEqual([
      { recipient: { id: PSID }, sender_action: 'typing_on' },
      { recipient: { id: PSID }, sender_action: 'typing_off' },
    ]);
    fake.failNext('/me/messages', graphError(10, 'outside window', 2018278));
    await expect(adapter.typing!(PSID, true)).resolves.toBeUndefined();
  });
});

describe('messenger send: Graph errors', () => {
  test.each([
    [graphError(10, '(#10) This message is sent outside of allowed window.', 2018278), 'window_closed', false],
    [graphError(10, 'outside window', 2534022), 'window_closed', false],
    [graphError(551, "This person isn't available right now.", 1545041), 'user_unavailable', false],
    [graphError(190, 'Error validating access token: Session has expired', 463), 'token_invalid', false],
    [graphError(10, 'Application does not have permission for this action'), 'permission_denied', false],
    [graphError(100, 'Invalid parameter'), 'invalid_request', false],
    [graphError(4, 'Application request limit reached'), 'rate_limited', true],
    [graphError(32, 'Page request limit reached'), 'rate_limited', true],
    [graphError(613, 'Calls to this api have exceeded the rate limit.'), 'rate_limited', true],
    [graphError(1, 'An unknown error occurred'), 'transient', true],
    [graphError(2, 'An unexpected error has occurred. Please retry your request later.'), 'transient', true],
  ])('%#: → %s (retryable %s)', async (reply, label, retryable) => {
    fake.failNext('/me/messages', reply);
    const err = await rejection(adapter.send(msg()));
    expect(err).toMatchObject({ channel: 'facebook', code: label, retryable });
  });

  test('190 says which variable to fix', async () => {
    fake.failNext('/me/messages', graphError(190, 'Error validating access token'));
    expect((await rejection(adapter.send(msg()))).message).toContain('FB_PAGE_ACCESS_TOKEN');
  });

  test('HTTP 500 and 429 + Retry-After → retryable', async () => {
    fake.failNext('/me/messages', { status: 500, json: { error: { message: 'oops', code: 1 } } });
    expect(await rejection(adapter.send(msg()))).toMatchObject({ retryable: true, status: 500 });
    fake.failNext('/me/messages', { status: 429, headers: { 'retry-after': '12' }, json: {} });
    expect(await rejection(adapter.send(msg()))).toMatchObject({ retryable: true, retryAfterMs: 12000 });
  });

  test('a wrong page token → 190 from Graph, permanent', async () => {
    const wrong = createFacebookAdapter({
      ...FB_CREDENTIALS,
      pageAccessToken: 'revoked',
      graphBase: fake.graphBase,
      graphVersion: VERSION,
    });
    expect(await rejection(wrong.send(msg()))).toMatchObject({ code: 'token_invalid', retryable: false });
    fake.violations.length = 0;
  });
});

describe('messenger profile and testConnection', () => {
  test('profile → GET /v21.0/{psid}?fields=…', async () => {
    expect(await adapter.profile!(PSID)).toEqual({ displayName: 'Trần Văn Bình' });
    const r = fake.requests[0]!;
    expect(r.method).toBe('GET');
    expect(r.url).toBe(`/${VERSION}/${PSID}?fields=name,first_name,last_name`);
    expect(r.headers['authorization']).toBe(`Bearer ${PAGE_TOKEN}`);
  });

  test('profile not permitted → null', async () => {
    expect(await adapter.profile!('999999999999')).toBeNull();
  });

  test('testConnection → GET /me with the page token; never throws', async () => {
    expect(await adapter.testConnection()).toEqual({ ok: true, detail: 'Facebook Page Tổng đài 1022 Đồng Tháp (104857623518279)' });
    expect(fake.requests[0]!.url).toBe(`/${VERSION}/me?fields=id,name`);
    fake.failNext('/me', graphError(190, 'Error validating access token'));
    const bad = await adapter.testConnection();
    expect(bad.ok).toBe(false);
    expect(bad.detail).toContain('FB_PAGE_ACCESS_TOKEN');
    const offline = createFacebookAdapter({ ...FB_CREDENTIALS, graphBase: 'http://127.0.0.1:9' });
    expect((await offline.testConnection()).ok).toBe(false);
  });
});
