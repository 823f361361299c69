import { io as connectClient } from 'socket.io-client';
import type { InboundMessage } from '../../../src/channels/kit/contract';
import { socketServerFor } from '../../../src/realtime/io';
import { createLivechatAdapter } from '../../../adapters/livechat';
import type { MessageAck, AttachmentAck, WireMessage } from '../../../adapters/livechat/protocol';
import { identityHash } from '../../../adapters/livechat/verify';
import { connect, IDENTITY_SECRET, sleep, startGateway, type Gateway, type TestClient } from './harness';

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
const PDF = Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n');

let gw: Gateway;
const clients: TestClient[] = [];
async function open(auth?: Parameters<typeof connect>[1]): Promise<TestClient> {
  const c = await connect(gw.url, auth);
  clients.push(c);
  return c;
}

beforeEach(async () => {
  gw = await startGateway({ config: { maxAttachmentBytes: 1024 }, ingestDelayMs: 30 });
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.socket.disconnect();
  await gw.close();
});

function send(c: TestClient, frame: unknown): Promise<MessageAck> {
  return c.socket.timeout(5000).emitWithAck('message', frame as never);
}

describe('session', () => {
  test('a new visitor gets a signed token, and the token resumes the same visitor', async () => {
    const a = await open();
    expect(a.session.visitorId).toMatch(/^v_[0-9a-f-]{36}$/);
    expect(a.session.verified).toBe(false);
    expect(a.session.token).toMatch(/^v1\.v_[0-9a-f-]{36}\.[0-9a-z]+\.[\w-]+$/);
    expect(a.history).toEqual([]);

    const b = await open({ token: a.session.token });
    expect(b.session.visitorId).toBe(a.session.visitorId);
  });

  test('the session announces the limits the widget checks files against', async () => {
    const a = await open();
    expect(a.session.limits).toEqual({
      maxTextLength: 4000,
      maxFileBytes: 1024,
      fileTypes: ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'application/pdf'],
    });
  });

  test('without a configured secret one is generated once and kept in state: tokens survive a restart', async () => {
    await gw.close();
    const state = new Map<string, unknown>();
    gw = await startGateway({ config: { sessionSecret: undefined }, state });
    const a = await open();
    const secret = state.get('session-secret');
    expect(typeof secret).toBe('string');
    expect((secret as string).length).toBeGreaterThanOrEqual(40);
    a.socket.disconnect();
    await gw.close();
    gw = await startGateway({ config: { sessionSecret: undefined }, state });
    const b = await open({ token: a.session.token });
    expect(b.session.visitorId).toBe(a.session.visitorId);
    expect(state.get('session-secret')).toBe(secret);
  });

  test('a forged or tampered token starts a new anonymous visitor', async () => {
    const a = await open();
    const [v, visitorId, iat, sig] = a.session.token!.split('.');
    const otherVisitor = 'v_00000000-0000-4000-8000-000000000000';
    for (const token of [`${v}.${otherVisitor}.${iat}.${sig}`, `${v}.${visitorId}.${iat}.${sig.slice(0, -2)}AA`, 'not-a-token']) {
      const b = await open({ token });
      expect(b.session.visitorId).not.toBe(a.session.visitorId);
      expect(b.session.visitorId).not.toBe(otherVisitor);
    }
  });

  test('a verified identity becomes u_<userId>; a bad hash stays anonymous with auth_error', async () => {
    const good = await open({
      identity: { userId: '079123456789', hash: identityHash(IDENTITY_SECRET, '079123456789'), name: 'Nguyễn Văn A' },
    });
    expect(good.session).toMatchObject({ visitorId: 'u_079123456789', verified: true, token: null });

    await send(good, { clientId: 'c1', text: 'Xin chào' });
    const frame = gw.adapter.parse(gw.ingested[0].body, 'application/json')[0] as InboundMessage;
    expect(frame.externalUserId).toBe('u_079123456789');
    expect(frame.contact).toEqual({ displayName: 'Nguyễn Văn A' });

    const bad = await open({ identity: { userId: '079123456789', hash: identityHash('wrong', '079123456789') } });
    expect(bad.session.visitorId).toMatch(/^v_/);
    expect(bad.session.verified).toBe(false);
    const err = await bad.next<{ code: string; message: string }>('auth_error');
    expect(err.code).toBe('identity_invalid');
    expect(err.message).toMatch(/chế độ khách/);
  });
});

describe('citizen messages', () => {
  test('the ack comes after ingest resolved, with the frame stored for parse', async () => {
    const c = await open();
    const started = Date.now();
    const ack = await send(c, { clientId: 'abc-1', text: 'Làm giấy khai sinh cần gì?' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    expect(ack).toEqual({ ok: true, duplicate: false, messageId: `${c.session.visitorId}:abc-1` });
    expect(gw.ingested).toHaveLength(1);
    const item = gw.ingested[0];
    expect(item.dedupeKey).toBe(`${c.session.visitorId}:abc-1`);
    expect(item.orderingKey).toBe(c.session.visitorId);
    expect(item.contentType).toBe('application/json');
    expect(gw.adapter.parse(item.body, item.contentType)).toEqual([
      expect.objectContaining({
        type: 'message',
        channel: 'livechat',
        externalUserId: c.session.visitorId,
        externalMessageId: `${c.session.visitorId}:abc-1`,
        text: 'Làm giấy khai sinh cần gì?',
        attachments: [],
      }),
    ]);
  });

  test('a resend with the same clientId is acked as duplicate and ingested once', async () => {
    const c = await open();
    expect(await send(c, { clientId: 'same', text: 'Hỏi lần 1' })).toMatchObject({ ok: true, duplicate: false });
    c.socket.disconnect();
    const again = await open({ token: c.session.token });
    expect(await send(again, { clientId: 'same', text: 'Hỏi lần 1' })).toMatchObject({ ok: true, duplicate: true });
    expect(gw.ingested).toHaveLength(1);
    expect(gw.ingestCalls()).toBe(2);
    expect(again.history.map((m) => m.externalMessageId)).toEqual([`${c.session.visitorId}:same`]);
  });

  test('a failed ingest is a retryable refusal, and the resend then succeeds', async () => {
    const c = await open();
    gw.failIngest(true);
    expect(await send(c, { clientId: 'x1', text: 'Câu hỏi' })).toEqual({
      ok: false,
      retryable: true,
      error: expect.stringMatching(/gửi lại/),
    });
    gw.failIngest(false);
    expect(await send(c, { clientId: 'x1', text: 'Câu hỏi' })).toMatchObject({ ok: true, duplicate: false });
  });

  test('attachments: a valid image and PDF are stored; oversize, wrong type and disguised files are refused in Vietnamese', async () => {
    const c = await open();
    const ok = await send(c, {
      clientId: 'f1',
      text: '',
      attachments: [
        { name: 'cccd.png', mimeType: 'image/png', dataBase64: PNG.toString('base64') },
        { name: 'to-khai.pdf', mimeType: 'application/pdf', dataBase64: PDF.toString('base64') },
      ],
    });
    expect(ok).toMatchObject({ ok: true });
    const [ev] = gw.adapter.parse(gw.ingested[0].body, 'application/json') as InboundMessage[];
    expect(ev.attachments).toEqual([
      { kind: 'image', name: 'cccd.png', mimeType: 'image/png', size: PNG.length, data: PNG },
      { kind: 'file', name: 'to-khai.pdf', mimeType: 'application/pdf', size: PDF.length, data: PDF },
    ]);

    const big = await send(c, {
      clientId: 'f2',
      text: 'ảnh',
      attachments: [{ name: 'lon.png', mimeType: 'image/png', dataBase64: Buffer.alloc(2000).toString('base64') }],
    });
    expect(big).toEqual({ ok: false, retryable: false, error: 'Tệp "lon.png" quá lớn (tối đa 1 KB).' });

    const exe = await send(c, {
      clientId: 'f3',
      text: 'tệp',
      attachments: [{ name: 'virus.exe', mimeType: 'application/x-msdownload', dataBase64: 'TVqQAAMAAAAEAAAA' }],
    });
    expect(exe).toEqual({
      ok: false,
      retryable: false,
      error: 'Không hỗ trợ loại tệp của "virus.exe". Chỉ nhận: JPG, PNG, GIF, WEBP, PDF.',
    });

    const disguised = await send(c, {
      clientId: 'f4',
      text: '',
      attachments: [{ name: 'a.pdf', mimeType: 'application/pdf', dataBase64: 'TVqQAAMAAAAEAAAA' }],
    });
    expect(disguised).toMatchObject({ ok: false, error: 'Nội dung tệp "a.pdf" không đúng định dạng PDF.' });

    const long = await send(c, { clientId: 'f5', text: 'a'.repeat(4001) });
    expect(long).toMatchObject({ ok: false, error: 'Tin nhắn quá dài (tối đa 4000 ký tự).' });

    expect(await send(c, { clientId: 'bad:id', text: 'x' })).toMatchObject({ ok: false, retryable: false });
    expect(await send(c, { clientId: 'f6', text: '   ' })).toMatchObject({ ok: false, error: 'Tin nhắn trống.' });
    expect(gw.ingested).toHaveLength(1);
  });

  test('a quick reply is ingested with its payload and the title as text', async () => {
    const c = await open();
    const ack = await c.socket.timeout(3000).emitWithAck('quick_reply', { clientId: 'q1', payload: 'tt_khai_sinh', title: 'Khai sinh' });
    expect(ack).toMatchObject({ ok: true, duplicate: false });
    expect(gw.adapter.parse(gw.ingested[0].body, 'application/json')[0]).toMatchObject({
      type: 'message',
      text: 'Khai sinh',
      quickReplyPayload: 'tt_khai_sinh',
    });
  });

  test('typing from the citizen is relayed to the core on changes only, and off on disconnect', async () => {
    const c = await open();
    c.socket.emit('typing', { on: true });
    c.socket.emit('typing', { on: true });
    await sleep(100);
    c.socket.emit('typing', { on: false });
    c.socket.emit('typing', { on: true });
    await sleep(100);
    c.socket.disconnect();
    await sleep(100);
    const id = c.session.visitorId;
    expect(gw.typing).toEqual([
      { externalUserId: id, on: true },
      { externalUserId: id, on: false },
      { externalUserId: id, on: true },
      { externalUserId: id, on: false },
    ]);
    expect(gw.ingestCalls()).toBe(0);
    expect(c.received).toEqual([]);
  });

  test("the citizen's message is echoed to the visitor's other tabs, not back to the sender", async () => {
    const a = await open();
    const b = await open({ token: a.session.token });
    await send(a, { clientId: 'e1', text: 'Từ tab A' });
    const echo = await b.next<WireMessage>('message');
    expect(echo).toMatchObject({ direction: 'in', author: 'citizen', text: 'Từ tab A', externalMessageId: `${a.session.visitorId}:e1` });
    await sleep(50);
    expect(a.received.filter((r) => r.event === 'message')).toEqual([]);
  });
});

describe('outbound', () => {
  test('send() reaches every tab of the visitor and no one else; history shows it on return', async () => {
    const a = await open();
    const b = await open({ token: a.session.token });
    const stranger = await open();
    const m = await gw.reply(a.session.visitorId, 'Bạn cần mang CCCD và giấy chứng sinh.', {
      quickReplies: [{ title: 'Lệ phí?', payload: 'le_phi' }],
      attachments: [{ kind: 'file', name: 'mau.pdf', url: '/files/mau.pdf', data: PDF }],
    });
    for (const tab of [a, b]) {
      const got = await tab.next<WireMessage>('message');
      expect(got).toMatchObject({
        id: m.id,
        direction: 'out',
        author: 'bot',
        text: 'Bạn cần mang CCCD và giấy chứng sinh.',
        quickReplies: [{ title: 'Lệ phí?', payload: 'le_phi' }],
        attachments: [{ kind: 'file', name: 'mau.pdf', url: `${gw.url}/files/mau.pdf`, size: PDF.length }],
      });
      expect(JSON.stringify(got)).not.toContain('"data"');
    }
    await sleep(50);
    expect(stranger.received).toEqual([]);
    const back = await open({ token: a.session.token });
    expect(back.history.map((h) => h.id)).toEqual([m.id]);
  });

  test('send() to a visitor with no open tab still succeeds', async () => {
    await expect(gw.reply('v_00000000-0000-4000-8000-000000000000', 'Xin chào')).resolves.toBeTruthy();
  });

  test('notify() pushes typing, status and operator to the visitor', async () => {
    const c = await open();
    const id = c.session.visitorId;
    gw.adapter.notify!(id, { type: 'typing', on: true, authorName: 'Lan' });
    gw.adapter.notify!(id, { type: 'operator', name: 'Lan' });
    gw.adapter.notify!(id, { type: 'status', messageId: `${id}:c1`, status: 'read' });
    expect(await c.next('typing')).toEqual({ on: true, authorName: 'Lan' });
    expect(await c.next('operator')).toEqual({ name: 'Lan' });
    expect(await c.next('status')).toEqual({ messageId: `${id}:c1`, status: 'read' });
    await gw.adapter.typing!(id, false);
    expect(await c.next('typing')).toEqual({ on: false });
  });

  test('a stored attachment is readable only from its own conversation', async () => {
    const c = await open();
    await send(c, {
      clientId: 'p1',
      text: '',
      attachments: [{ name: 'a.png', mimeType: 'image/png', dataBase64: PNG.toString('base64') }],
    });
    const again = await open({ token: c.session.token });
    const attachmentId = again.history[0].attachments[0].attachmentId!;
    const mine: AttachmentAck = await again.socket.timeout(3000).emitWithAck('attachment', { attachmentId });
    expect(mine).toEqual({ ok: true, name: 'a.png', mimeType: 'image/png', dataBase64: PNG.toString('base64') });
    const other = await open();
    const theirs: AttachmentAck = await other.socket.timeout(3000).emitWithAck('attachment', { attachmentId });
    expect(theirs).toEqual({ ok: false, error: 'Không tìm thấy tệp.' });
  });

  test('capabilities, testConnection and stop', async () => {
    expect(gw.adapter.capabilities).toEqual({
      maxTextLength: 4000,
      quickReplies: { max: 10, maxTitleLength: 40 },
      attachments: true,
      replyWindowMs: null,
      longForm: false,
    });
    expect(gw.adapter.webhook).toBeUndefined();
    expect(await gw.adapter.testConnection()).toMatchObject({ ok: true });
    await gw.adapter.stop!();
    expect(await gw.adapter.testConnection()).toMatchObject({ ok: false });
    await expect(gw.reply('v_x', 'hi')).rejects.toMatchObject({ name: 'ChannelApiError', retryable: true });
  });
});

describe('the shared socket.io server', () => {
  test('/livechat lives beside another namespace on the one server of src/realtime/io.ts', async () => {
    const io = socketServerFor(gw.httpServer);
    io.of('/console').on('connection', (s) => s.emit('hello', 'console'));
    const other = connectClient(`${gw.url}/console`, { transports: ['websocket'], forceNew: true });
    try {
      const hello = await new Promise<string>((resolve) => other.on('hello', resolve));
      expect(hello).toBe('console');
      const c = await open();
      expect(await send(c, { clientId: 'n1', text: 'Song song với bảng điều khiển' })).toMatchObject({ ok: true });
      // Only one engine: both namespaces ride on the same connection handler.
      expect(io.of('/livechat').sockets.size).toBe(1);
      expect(io.of('/console').sockets.size).toBe(1);
    } finally {
      other.disconnect();
    }
  });

  test('the browser client the widget loads is served at /socket.io/socket.io.min.js', async () => {
    const res = await fetch(`${gw.url}/socket.io/socket.io.min.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect((await res.text()).length).toBeGreaterThan(10_000);
  });

  test('after stop, a new adapter on the same HTTP server takes the namespace over', async () => {
    const c = await open();
    await gw.adapter.stop!();
    await sleep(50);
    expect(c.socket.connected).toBe(false);
    const again = createLivechatAdapter({ sessionSecret: 'session-secret-for-tests', publicBaseUrl: gw.url });
    await again.start!(gw.runtime);
    try {
      const d = await open({ token: c.session.token });
      expect(d.session.visitorId).toBe(c.session.visitorId);
      expect(await send(d, { clientId: 'after-restart', text: 'Vẫn hoạt động' })).toMatchObject({ ok: true, duplicate: false });
    } finally {
      await again.stop!();
    }
  });
});
