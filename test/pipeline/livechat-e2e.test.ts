/**
 * The web live chat through the whole gateway, with socket.io-client as the visitor's widget and
 * as the operator's console: message → receipt and bot answer → ticket → takeover (operator name)
 * → typing both ways → operator reply → reconnect with the session token resumes the history →
 * a resent client id is stored once → sessions survive a restart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io as connectClient, type Socket } from 'socket.io-client';
import request from 'supertest';
import type { AddressInfo } from 'node:net';
import { createUser } from '../../src/auth/passwords';
import { loadConfig } from '../../src/config';
import type { Database } from '../../src/db/database';
import { createGateway, type Gateway } from '../../src/gateway';
import { createLogger } from '../../src/logger';
import type { AttachmentAck, MessageAck, WireMessage } from '../../adapters/livechat/protocol';
import { connect, type TestClient } from '../adapters/livechat/harness';
import { databaseKinds, freshDatabaseUrl, openTestDatabase } from '../support/databases';
import { baseTestEnv, prepareDatabase } from '../support/gateway';

const RECEIPT = 'Tổng đài Thông tin dịch vụ công tỉnh Đồng Tháp đã nhận được tin nhắn của anh/chị, xin cám ơn.';
const TICKET_CODE = /1022-\d{4}-\d{6}-[A-Z2-9]{4}/;
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(200, 7)]);

/** Waits for the next `event` whose payload passes `ok`, skipping others. */
async function nextWhere<T>(c: TestClient, event: string, ok: (p: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const p = await c.next<T>(event, Math.max(1, until - Date.now()));
    if (ok(p)) return p;
  }
}

/** Waits for the next `message` event that passes `ok`, skipping others. */
const nextMessage = (c: TestClient, ok: (m: WireMessage) => boolean, timeoutMs?: number): Promise<WireMessage> =>
  nextWhere<WireMessage>(c, 'message', ok, timeoutMs);

async function waitUntil(what: string, check: () => Promise<boolean> | boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.each(databaseKinds())('live chat end to end on %s', (kind) => {
  let db: Database;
  let dataDir: string;
  let gw: Gateway;
  let app: Gateway['app'];
  let url = '';
  let operatorAuth: string;
  let visitor: TestClient;
  let code = '';
  let conversationId = '';
  const sockets: Socket[] = [];

  /** The gateway's settings, the same at every boot. No SESSION_SECRET: the adapter generates one and keeps it in the database. */
  const gatewayConfig = () => loadConfig({ ...baseTestEnv('memory://', dataDir), LIVECHAT_ENABLED: 'true' });

  /** Boots a gateway on the test database, which outlives it like a database server: a restart is stop + boot. */
  const boot = async (): Promise<void> => {
    const config = gatewayConfig();
    gw = await createGateway(config, { logger: createLogger(config.LOG_LEVEL), db, delivery: { backoffBaseMs: 20 } });
    await gw.start();
    await new Promise<void>((r) => gw.server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(gw.server.address() as AddressInfo).port}`;
    app = gw.app;
  };
  const shutdown = async (): Promise<void> => {
    for (const s of sockets.splice(0)) s.disconnect();
    gw.server.closeAllConnections();
    await new Promise<void>((r) => gw.server.close(() => r()));
    await gw.stop();
  };
  const send = (c: TestClient, frame: Record<string, unknown>): Promise<MessageAck> =>
    c.socket.timeout(5000).emitWithAck('message', frame as never);
  const open = async (auth?: Parameters<typeof connect>[1]): Promise<TestClient> => {
    const c = await connect(url, auth);
    sockets.push(c.socket as unknown as Socket);
    return c;
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'cong1022-livechat-'));
    db = await openTestDatabase(await freshDatabaseUrl(kind), dataDir);
    // The first boot finds the admin, the knowledge and the kept model of these phrases made (no training).
    await prepareDatabase(db, gatewayConfig());
    await boot();
    await createUser(db, { username: 'lan', displayName: 'Nguyễn Thị Lan', password: 'lan-password-1', role: 'operator' });
    operatorAuth = `Bearer ${(await request(app).post('/api/auth/token').send({ username: 'lan', password: 'lan-password-1' }).expect(200)).body.token}`;
  }, 60_000);

  afterAll(async () => {
    if (gw) await shutdown();
    await db?.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  test('a question gets the receipt, then the bot answer, with typing while the bot works', async () => {
    visitor = await open();
    expect(visitor.session.visitorId).toMatch(/^v_/);
    expect(visitor.session.token).toBeTruthy();
    expect(visitor.history).toEqual([]);
    const ack = await send(visitor, { clientId: 'q1', text: 'Cho hỏi làm hộ chiếu cần giấy tờ gì?' });
    expect(ack).toEqual({ ok: true, duplicate: false, messageId: `${visitor.session.visitorId}:q1` });
    expect(await visitor.next('typing', 10_000)).toEqual({ on: true });
    const receipt = await nextMessage(visitor, () => true);
    expect(receipt).toMatchObject({ direction: 'out', author: 'system', text: RECEIPT });
    const answer = await nextMessage(visitor, () => true);
    expect(answer.author).toBe('bot');
    expect(answer.text).toMatch(/hộ chiếu/i);
  });

  test('asking for an operator opens a ticket; takeover shows the name; typing both ways; the reply arrives', async () => {
    await send(visitor, { clientId: 'q2', text: 'Cho tôi gặp tổng đài viên' });
    const ticketReceipt = await nextMessage(visitor, (m) => TICKET_CODE.test(m.text));
    code = ticketReceipt.text.match(TICKET_CODE)![0];
    const tk = await request(app).get(`/api/tickets/${code}`).set('authorization', operatorAuth).expect(200);
    expect(tk.body.channel).toBe('livechat');
    conversationId = tk.body.conversation.id;

    const consoleSocket = connectClient(`${url}/console`, { auth: { token: operatorAuth }, transports: ['websocket'], forceNew: true });
    sockets.push(consoleSocket);
    await new Promise<void>((resolve, reject) => {
      consoleSocket.once('connect', () => resolve());
      consoleSocket.once('connect_error', reject);
    });

    await request(app).post(`/api/conversations/${conversationId}/takeover`).set('authorization', operatorAuth).expect(200);
    expect(await visitor.next('operator')).toEqual({ name: 'Nguyễn Thị Lan' });

    // The citizen types: the console sees it on the conversation.
    const seen = new Promise((resolve) => consoleSocket.once('typing', resolve));
    visitor.socket.emit('typing', { on: true });
    expect(await seen).toEqual({ conversationId, channel: 'livechat', on: true });
    // The operator types: the widget shows her name.
    consoleSocket.emit('typing', { conversationId, on: true });
    // (Skipping the bot's own typing while it handled the last message.)
    expect(await nextWhere<{ on: boolean; authorName?: string }>(visitor, 'typing', (e) => !!e.authorName)).toEqual({
      on: true,
      authorName: 'Nguyễn Thị Lan',
    });

    await request(app)
      .post(`/api/tickets/${code}/reply`)
      .set('authorization', operatorAuth)
      .send({ text: 'Chào anh/chị, em là Lan. Anh/chị mang CCCD đến Phòng Quản lý xuất nhập cảnh nhé.' })
      .expect(202);
    const reply = await nextMessage(visitor, (m) => m.author === 'operator');
    expect(reply).toMatchObject({
      direction: 'out',
      authorName: 'Nguyễn Thị Lan',
      text: 'Chào anh/chị, em là Lan. Anh/chị mang CCCD đến Phòng Quản lý xuất nhập cảnh nhé.',
    });
  });

  test('reconnecting with the session token resumes the history; a resent client id is stored once', async () => {
    const { token, visitorId } = visitor.session;
    visitor.socket.disconnect();
    const back = await open({ token });
    expect(back.session.visitorId).toBe(visitorId);
    const lines = back.history.map((m) => [m.author, m.text] as const);
    expect(lines[0]).toEqual(['citizen', 'Cho hỏi làm hộ chiếu cần giấy tờ gì?']);
    expect(lines[1]).toEqual(['system', RECEIPT]);
    expect(lines[2][0]).toBe('bot');
    expect(lines).toContainEqual(['citizen', 'Cho tôi gặp tổng đài viên']);
    expect(back.history[back.history.length - 1]).toMatchObject({ author: 'operator', authorName: 'Nguyễn Thị Lan' });
    expect(back.history.find((m) => m.author === 'citizen')?.externalMessageId).toBe(`${visitorId}:q1`);

    const countOf = async (sql: string, params: unknown[]) => (await gw.ctx.db.query<{ n: number }>(sql, params)).rows[0].n;
    const outBefore = await countOf(`SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1 AND direction = 'out'`, [
      conversationId,
    ]);
    // The widget lost the ack and resends after reconnecting: same client id.
    expect(await send(back, { clientId: 'q1', text: 'Cho hỏi làm hộ chiếu cần giấy tờ gì?' })).toEqual({
      ok: true,
      duplicate: true,
      messageId: `${visitorId}:q1`,
    });
    expect(await send(back, { clientId: 'q2', text: 'Cho tôi gặp tổng đài viên' })).toMatchObject({ ok: true, duplicate: true });
    await new Promise((r) => setTimeout(r, 500));
    expect(
      await countOf(`SELECT count(*)::int AS n FROM messages WHERE channel = 'livechat' AND external_id = $1`, [`${visitorId}:q1`]),
    ).toBe(1);
    expect(
      await countOf(`SELECT count(*)::int AS n FROM messages WHERE conversation_id = $1 AND direction = 'out'`, [conversationId]),
    ).toBe(outBefore);
    visitor = back;
  });

  test('an image from the visitor is stored, shown to operators and readable back by the visitor only', async () => {
    const ack = await send(visitor, {
      clientId: 'img1',
      text: 'Ảnh CCCD của tôi',
      attachments: [{ name: 'cccd.png', mimeType: 'image/png', dataBase64: PNG.toString('base64') }],
    });
    expect(ack).toMatchObject({ ok: true, duplicate: false });
    let attachmentId = '';
    await waitUntil('the image in the ticket', async () => {
      const tk = await request(app).get(`/api/tickets/${code}`).set('authorization', operatorAuth);
      const m = (tk.body.messages as { text: string; attachments: { attachmentId?: string; mimeType?: string }[] }[]).find(
        (x) => x.text === 'Ảnh CCCD của tôi',
      );
      attachmentId = m?.attachments[0]?.attachmentId ?? '';
      return !!attachmentId;
    });
    const mine: AttachmentAck = await visitor.socket.timeout(5000).emitWithAck('attachment', { attachmentId });
    expect(mine).toEqual({ ok: true, name: 'cccd.png', mimeType: 'image/png', dataBase64: PNG.toString('base64') });
    const stranger = await open();
    expect(await stranger.socket.timeout(5000).emitWithAck('attachment', { attachmentId })).toEqual({
      ok: false,
      error: 'Không tìm thấy tệp.',
    });
  });

  test('the session survives a restart of the gateway (the generated secret is kept in the database)', async () => {
    const { token, visitorId } = visitor.session;
    await shutdown();
    await boot();
    const back = await open({ token });
    expect(back.session.visitorId).toBe(visitorId);
    expect(back.history.some((m) => m.author === 'operator' && m.authorName === 'Nguyễn Thị Lan')).toBe(true);
  }, 60_000);
});
