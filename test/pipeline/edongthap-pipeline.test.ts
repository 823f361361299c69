/**
 * The whole pipeline through the citizen-app channel, on PGlite and on PostgreSQL:
 * webhook → stored → receipt → bot answer or ticket → operator takes over, replies, closes.
 */
import request from 'supertest';
import { databaseKinds } from '../support/databases';
import { citizenMessage, signEdt, startTestGateway, type TestGateway } from '../support/gateway';
import { waitForValue } from '../support/wait';

describe.each(databaseKinds())('citizen-app pipeline on %s', (kind) => {
  let t: TestGateway;
  beforeAll(async () => {
    t = await startTestGateway({ kind });
  });
  afterAll(async () => {
    await t.stop();
    await t.citizenApp.stop();
  });
  afterEach(() => {
    expect(t.citizenApp.violations).toEqual([]);
  });

  test('a procedure question gets the receipt, then the answer from the knowledge base', async () => {
    const res = await t.postCitizen(citizenMessage('u-answer', 'Cho em hỏi làm giấy khai sinh cho con cần giấy tờ gì ạ?')).expect(200);
    expect(res.body).toEqual({ ok: true, duplicate: false });
    await t.citizenApp.waitFor(() => t.citizenApp.to('u-answer').length >= 2);
    const [receipt, answer] = t.citizenApp.to('u-answer');
    // A question's receipt: worded for a message that arrived, not for a report (docs/contract.md, "Receipts").
    expect(receipt.text).toBe('Tổng đài Thông tin dịch vụ công tỉnh Đồng Tháp đã nhận được tin nhắn của anh/chị, xin cám ơn.');
    expect(receipt.ticketCode).toBeNull();
    expect(answer.text).toMatch(/khai sinh/i);
    expect(answer.quickReplies.length).toBeGreaterThan(0);
    // The dispatcher logs `message_sent` once the callback has answered.
    const events = await waitForValue(
      async () => {
        const r = await t.gw.ctx.db.query<{ type: string; data: { intent?: string } }>(
          `SELECT e.type, e.data FROM events e JOIN conversations c ON c.id = e.conversation_id WHERE c.external_user_id = 'u-answer' ORDER BY e.id`,
        );
        return r.rows;
      },
      (rows) => rows.filter((e) => e.type === 'message_sent').length >= 2,
    );
    const decision = events.find((e) => e.type === 'bot_decision');
    expect(decision?.data.intent).toBe('tt_khai_sinh');
    expect(events.map((e) => e.type)).toEqual(
      expect.arrayContaining(['conversation_opened', 'message_received', 'receipt_sent', 'message_sent']),
    );
  });

  test('the same webhook twice stores one message and sends one receipt', async () => {
    const body = citizenMessage('u-dup', 'xin chào');
    await t.postCitizen(body).expect(200);
    const again = await t.postCitizen(body).expect(200);
    expect(again.body.duplicate).toBe(true);
    await t.citizenApp.waitFor(() => t.citizenApp.to('u-dup').length >= 2);
    await new Promise((r) => setTimeout(r, 300));
    const msgs = await t.gw.ctx.db.query(
      `SELECT m.id FROM messages m JOIN conversations c ON c.id = m.conversation_id WHERE c.external_user_id = 'u-dup' AND m.direction = 'in'`,
    );
    expect(msgs.rowCount).toBe(1);
    expect(t.citizenApp.to('u-dup').filter((m) => m.text.startsWith('Tổng đài Thông tin dịch vụ công')).length).toBe(1);
    expect(t.citizenApp.to('u-dup').some((m) => m.id.endsWith('#duplicate'))).toBe(false);
  });

  test('something the bot cannot answer opens a ticket; the operator takes over, replies and closes', async () => {
    await t.postCitizen(citizenMessage('u-ticket', 'Tôi muốn gặp tổng đài viên để trao đổi việc riêng')).expect(200);
    // The ticket receipt: the message whose text gives the code (later messages carry the code too).
    const isTicketReceipt = (m: { ticketCode: string | null; text: string }) => !!m.ticketCode && m.text.includes(m.ticketCode);
    await t.citizenApp.waitFor(() => t.citizenApp.to('u-ticket').some(isTicketReceipt));
    const withCode = t.citizenApp.to('u-ticket').find(isTicketReceipt)!;
    expect(withCode.ticketCode).toMatch(/^1022-\d{4}-\d{6}-[A-Z2-9]{4}$/);
    expect(withCode.text).toContain(withCode.ticketCode!);
    const code = withCode.ticketCode!;

    const auth = await t.login();
    const list = await request(t.app).get('/api/tickets').query({ q: code }).set('authorization', auth).expect(200);
    expect(list.body.total).toBe(1);
    expect(list.body.items[0]).toMatchObject({ code, status: 'new', channel: 'edongthap', createdBy: 'bot' });
    expect(list.body.items[0].contact).toMatchObject({ displayName: 'Nguyễn Văn A', externalId: 'u-ticket' });

    const detail = await request(t.app).get(`/api/tickets/${code}`).set('authorization', auth).expect(200);
    expect(detail.body.messages[0]).toMatchObject({ direction: 'in', author: 'citizen' });
    expect(detail.body.events.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['message_received', 'bot_decision', 'ticket_created', 'escalated']),
    );
    const conversationId = detail.body.conversation.id;
    expect(detail.body.conversation.state).toBe('waiting');

    await request(t.app).post(`/api/conversations/${conversationId}/takeover`).set('authorization', auth).expect(200);
    const before = t.citizenApp.to('u-ticket').length;
    await t.postCitizen(citizenMessage('u-ticket', 'thủ tục khai sinh cần gì')).expect(200);
    await new Promise((r) => setTimeout(r, 500));
    expect(t.citizenApp.to('u-ticket').length).toBe(before); // the bot stays silent

    await request(t.app)
      .post(`/api/tickets/${code}/reply`)
      .set('authorization', auth)
      .send({ text: 'Chào anh, tổng đài viên xin trả lời như sau.' })
      .expect(202);
    await t.citizenApp.waitFor(() => t.citizenApp.to('u-ticket').some((m) => m.text === 'Chào anh, tổng đài viên xin trả lời như sau.'));
    const reply = t.citizenApp.to('u-ticket').find((m) => m.text.startsWith('Chào anh'))!;
    expect(reply.ticketCode).toBe(code);

    await request(t.app)
      .post(`/api/conversations/${conversationId}/close`)
      .set('authorization', auth)
      .send({ resolution: 'Đã hướng dẫn' })
      .expect(200);
    await t.citizenApp.waitFor(() => t.citizenApp.to('u-ticket').some((m) => /đánh giá/.test(m.text)));
    await t.postCitizen(citizenMessage('u-ticket', '5')).expect(200);
    const after = await waitForValue(
      async () => (await request(t.app).get(`/api/tickets/${code}`).set('authorization', auth)).body,
      (b) => b.csat === 5,
    );
    expect(after).toMatchObject({ status: 'closed', resolution: 'Đã hướng dẫn', csat: 5 });
    expect(after.firstResponseAt).not.toBeNull();
    const types = after.events.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['taken_over', 'bot_silent', 'replied', 'closed', 'csat_recorded']));
  });

  test('an emergency is answered at once even while an operator holds the conversation, and the ticket turns urgent', async () => {
    await t.postCitizen(citizenMessage('u-urgent', 'cho gặp tổng đài viên')).expect(200);
    await t.citizenApp.waitFor(() => t.citizenApp.to('u-urgent').some((m) => m.ticketCode));
    const code = t.citizenApp.to('u-urgent').find((m) => m.ticketCode)!.ticketCode!;
    const auth = await t.login();
    const detail = await request(t.app).get(`/api/tickets/${code}`).set('authorization', auth).expect(200);
    await request(t.app).post(`/api/conversations/${detail.body.conversation.id}/takeover`).set('authorization', auth).expect(200);
    await t.postCitizen(citizenMessage('u-urgent', 'cháy nhà hàng xóm rồi cứu với')).expect(200);
    await t.citizenApp.waitFor(() => t.citizenApp.to('u-urgent').some((m) => /114/.test(m.text)));
    const ticket = await waitForValue(
      async () => (await request(t.app).get(`/api/tickets/${code}`).set('authorization', auth)).body,
      (b) => b.priority === 'urgent',
    );
    expect(ticket.priority).toBe('urgent');
  });

  test('bad input is refused and stores nothing', async () => {
    const count = async () => (await t.gw.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM inbound_events')).rows[0].n;
    const before = await count();
    const raw = JSON.stringify(citizenMessage('u-bad', 'xin chào'));
    await request(t.app)
      .post('/webhooks/edongthap')
      .set('content-type', 'application/json')
      .set('x-signature', 'sha256=' + '0'.repeat(64))
      .send(raw)
      .expect(401);
    await request(t.app).post('/webhooks/edongthap').set('content-type', 'application/json').send(raw).expect(401);
    // The signature is checked over the raw bytes before any parsing: unsigned garbage is a 401 …
    await request(t.app)
      .post('/webhooks/edongthap')
      .set('content-type', 'application/json')
      .set('x-signature', 'x')
      .send('{"id": ')
      .expect(401);
    // … and signed garbage a 400.
    await request(t.app)
      .post('/webhooks/edongthap')
      .set('content-type', 'application/json')
      .set('x-signature', signEdt('{"id": '))
      .send('{"id": ')
      .expect(400);
    const huge = JSON.stringify(citizenMessage('u-bad', 'a'.repeat(1_100_000)));
    await request(t.app).post('/webhooks/edongthap').set('content-type', 'application/json').set('x-signature', 'x').send(huge).expect(413);
    await request(t.app).post('/webhooks/nope').send('{}').expect(404);
    await request(t.app).post('/webhooks/zalo').send('{}').expect(404); // disabled without credentials
    expect(await count()).toBe(before);
  });

  test('an event that is not a message is stored, acknowledged and not processed', async () => {
    const res = await t.postCitizen({ id: 'weird-1', userId: 'u-weird', event: 'typing', timestamp: Date.now() }).expect(200);
    expect(res.body.duplicate).toBe(false);
    await new Promise((r) => setTimeout(r, 300));
    expect(t.citizenApp.to('u-weird')).toEqual([]);
    const ev = await t.gw.ctx.db.query<{ processed_at: Date | null }>(
      `SELECT processed_at FROM inbound_events WHERE dedupe_key = 'weird-1'`,
    );
    expect(ev.rows[0].processed_at).not.toBeNull();
  });

  test('health, readiness and metrics', async () => {
    await request(t.app).get('/healthz').expect(200);
    const ready = await request(t.app).get('/readyz').expect(200);
    expect(ready.body.database).toBe(kind);
    const metrics = await request(t.app).get('/metrics').expect(200);
    expect(metrics.text).toMatch(/cong1022_messages_in_total\{channel="edongthap"\} \d+/);
    expect(metrics.text).toMatch(/cong1022_webhook_ack_seconds_bucket/);
    expect(metrics.text).toMatch(/cong1022_queue_depth/);
    const openapi = await request(t.app).get('/api/openapi.json').expect(200);
    expect(Object.keys(openapi.body.paths)).toEqual(
      expect.arrayContaining(['/api/tickets', '/api/tickets/{code}/reply', '/webhooks/{channel}']),
    );
  });
});
