/**
 * Live chat's pre-chat form and "seen by operator" through the whole gateway, on PGlite and PostgreSQL:
 * the form off lets anyone write; switched on by an admin, a new visitor must send valid fields and the
 * consent before a first message (a script that skips the form is refused), name and phone land on the
 * contact and the consent is recorded with its text; an operator's console marking the newest message
 * shows "seen" on the visitor's tabs — on PostgreSQL also on a tab connected to another node.
 */
import { createHash } from 'node:crypto';
import request from 'supertest';
import { createUser } from '../../../src/auth/passwords';
import type { MessageAck, PrechatAck, PrechatView } from '../../../adapters/livechat/protocol';
import { databaseKinds } from '../../support/databases';
import { startTestGateway, type TestGateway } from '../../support/gateway';
import { waitForValue } from '../../support/wait';
import { connect, type TestClient } from './harness';

const CONSENT = 'Tôi đồng ý cho Tổng đài 1022 xử lý họ tên và số điện thoại của tôi để giải quyết yêu cầu (Nghị định 13/2023/NĐ-CP).';

describe.each(databaseKinds())('pre-chat form and seen marker on %s', (kind) => {
  let t: TestGateway;
  let second: TestGateway | null = null;
  let admin = '';
  let operator = '';
  const clients: TestClient[] = [];

  const open = async (token?: string | null, node: TestGateway = t): Promise<TestClient> => {
    const c = await connect(node.url, token ? { token } : {});
    clients.push(c);
    return c;
  };
  const send = (c: TestClient, clientId: string, text: string): Promise<MessageAck> =>
    c.socket.timeout(5000).emitWithAck('message', { clientId, text });
  const submit = (c: TestClient, frame: Record<string, unknown>): Promise<PrechatAck> =>
    c.socket.timeout(5000).emitWithAck('prechat', frame as never);
  const formOf = async (c: TestClient): Promise<PrechatView | null> => (await c.next<{ form: PrechatView | null }>('prechat')).form;
  const conversationOf = (visitorId: string) =>
    waitForValue(
      async () =>
        (
          await t.gw.ctx.db.query<{ id: string; contact_id: string }>(
            `SELECT id, contact_id FROM conversations WHERE channel = 'livechat' AND external_user_id = $1`,
            [visitorId],
          )
        ).rows[0],
      (r) => !!r,
    );
  const putPrechat = (form: Record<string, unknown>) =>
    request(t.app)
      .put('/api/settings')
      .set('authorization', admin)
      .send({ livechatPrechat: { enabled: true, name: 'optional', phone: 'optional', consentText: CONSENT, ...form } });

  beforeAll(async () => {
    t = await startTestGateway({ kind, env: { LIVECHAT_ENABLED: 'true' } });
    admin = await t.login();
    await createUser(t.gw.ctx.db, { username: 'mai', displayName: 'Lê Thị Mai', password: 'mai-password-1', role: 'operator' });
    operator = await t.login('mai', 'mai-password-1');
  }, 60_000);
  afterEach(() => {
    for (const c of clients.splice(0)) c.socket.disconnect();
  });
  afterAll(async () => {
    await second?.stop();
    await t?.stop();
    await t?.citizenApp.stop();
  });

  test('off by default: no form, a first message is accepted; the settings show the default consent text', async () => {
    const v = await open();
    expect(await formOf(v)).toBeNull();
    expect(await send(v, 'a1', 'Cho hỏi thủ tục đăng ký kết hôn')).toMatchObject({ ok: true });
    const settings = await request(t.app).get('/api/settings').set('authorization', admin).expect(200);
    expect(settings.body.livechatPrechat).toMatchObject({ enabled: false, name: 'optional', phone: 'optional' });
    expect(settings.body.livechatPrechat.consentText).toMatch(/Nghị định 13\/2023\/NĐ-CP/);
  });

  test('admins only; invalid settings are refused', async () => {
    await request(t.app)
      .put('/api/settings')
      .set('authorization', operator)
      .send({ livechatPrechat: { enabled: true, name: 'optional', phone: 'optional', consentText: CONSENT } })
      .expect(403);
    await putPrechat({ name: 'sometimes' }).expect(400);
    await putPrechat({ consentText: 'ngắn' }).expect(400);
  });

  test('switched on: a new visitor gets the form, cannot skip it, and must send valid fields and the consent', async () => {
    await putPrechat({ name: 'required', phone: 'optional' }).expect(200);
    const v = await open();
    const form = await formOf(v);
    expect(form).toEqual({
      name: 'required',
      phone: 'optional',
      consentText: CONSENT,
      consentVersion: expect.stringMatching(/^[0-9a-f]{12}$/),
    });
    const version = form!.consentVersion;

    // A script skipping the form: refused, nothing stored.
    expect(await send(v, 'b1', 'Xin chào')).toEqual({
      ok: false,
      retryable: false,
      code: 'prechat_required',
      error: expect.stringMatching(/đồng ý/),
    });
    const stored = await t.gw.ctx.db.query(`SELECT 1 FROM inbound_events WHERE dedupe_key LIKE $1`, [`%${v.session.visitorId}%`]);
    expect(stored.rows).toHaveLength(0);

    expect(await submit(v, { name: 'Trần Thị Hoa', consent: false, consentVersion: version })).toMatchObject({
      ok: false,
      field: 'consent',
    });
    expect(await submit(v, { name: 'Trần Thị Hoa', consentVersion: version })).toMatchObject({ ok: false, field: 'consent' });
    expect(await submit(v, { name: ' ', consent: true, consentVersion: version })).toMatchObject({ ok: false, field: 'name' });
    expect(await submit(v, { name: 'Trần Thị Hoa', phone: '12345', consent: true, consentVersion: version })).toMatchObject({
      ok: false,
      field: 'phone',
      error: expect.stringMatching(/Số điện thoại không hợp lệ/),
    });
    expect(await submit(v, { name: 'Trần Thị Hoa', consent: true, consentVersion: 'outdated0000' })).toMatchObject({
      ok: false,
      field: 'consent',
    });
    expect(await send(v, 'b2', 'Xin chào')).toMatchObject({ ok: false, code: 'prechat_required' });

    // A second tab of the visitor hides its form when the first one is filled.
    const tab2 = await open(v.session.token);
    expect(await formOf(tab2)).not.toBeNull();
    expect(await submit(v, { name: '  Trần Thị Hoa ', phone: '+84 912.345.678', consent: true, consentVersion: version })).toEqual({
      ok: true,
    });
    expect(await tab2.next('prechat')).toEqual({ form: null });

    expect(await send(v, 'b3', 'Cho hỏi thủ tục cấp lại căn cước')).toMatchObject({ ok: true, duplicate: false });
    const conv = await conversationOf(v.session.visitorId);
    const contact = await t.gw.ctx.db.query<{ display_name: string; phone: string }>(
      'SELECT display_name, phone FROM contacts WHERE id = $1',
      [conv.contact_id],
    );
    expect(contact.rows[0]).toEqual({ display_name: 'Trần Thị Hoa', phone: '0912345678' });

    // Operators see the contact's fields and the consent (when, which text).
    const detail = await request(t.app).get(`/api/conversations/${conv.id}`).set('authorization', operator).expect(200);
    expect(detail.body.contact).toMatchObject({ displayName: 'Trần Thị Hoa', phone: '0912345678' });
    const consents = await request(t.app).get(`/api/contacts/${conv.contact_id}/consents`).set('authorization', operator).expect(200);
    expect(consents.body).toEqual([
      expect.objectContaining({
        channel: 'livechat',
        purpose: 'prechat',
        text: CONSENT,
        textHash: createHash('sha256').update(CONSENT).digest('hex'),
        name: 'Trần Thị Hoa',
        phone: '0912345678',
        givenAt: expect.any(String),
      }),
    ]);
    expect(consents.body[0].textHash.startsWith(version)).toBe(true);

    // A reconnection of a visitor who consented shows no form.
    const back = await open(v.session.token);
    expect(await formOf(back)).toBeNull();
  }, 60_000);

  test('required phone accepts a landline; an open conversation from before the form goes on', async () => {
    await putPrechat({ enabled: false }).expect(200);
    const early = await open();
    expect(await formOf(early)).toBeNull();
    const idle = await open();
    expect(await formOf(idle)).toBeNull();
    expect(await send(early, 'e1', 'Cho hỏi giờ làm việc của bộ phận một cửa')).toMatchObject({ ok: true });
    await conversationOf(early.session.visitorId);

    await putPrechat({ name: 'off', phone: 'required' }).expect(200);
    // A tab opened while the form was off cannot start a conversation once it is on.
    expect(await send(idle, 'i1', 'Xin chào')).toMatchObject({ ok: false, code: 'prechat_required' });
    const again = await open(early.session.token);
    expect(await formOf(again)).toBeNull();
    expect(await send(again, 'e2', 'Xin cảm ơn')).toMatchObject({ ok: true });

    const v = await open();
    const form = (await formOf(v))!;
    expect(form).toMatchObject({ name: 'off', phone: 'required' });
    expect(await submit(v, { consent: true, consentVersion: form.consentVersion })).toMatchObject({ ok: false, field: 'phone' });
    expect(await submit(v, { phone: '0277 3851 234', name: 'ignored', consent: true, consentVersion: form.consentVersion })).toEqual({
      ok: true,
    });
    const consent = await t.gw.ctx.db.query<{ phone: string; name: string | null }>(
      `SELECT phone, name FROM contact_consents WHERE external_id = $1`,
      [v.session.visitorId],
    );
    expect(consent.rows).toEqual([{ phone: '02773851234', name: null }]);
    await putPrechat({ enabled: false }).expect(200);
  }, 60_000);

  test('an operator displaying the newest message shows "seen" on every tab of the visitor; the marker only moves forward', async () => {
    await putPrechat({ enabled: false }).expect(200);
    const v = await open();
    await formOf(v);
    expect(await send(v, 's1', 'Cho hỏi làm hộ chiếu ở đâu?')).toMatchObject({ ok: true });
    const conv = await conversationOf(v.session.visitorId);
    // Wait for the bot's answer, so the newest message is not the citizen's own.
    const messages = await waitForValue<Array<{ id: string; direction: string }>>(
      async () => (await request(t.app).get(`/api/conversations/${conv.id}`).set('authorization', operator).expect(200)).body.messages,
      (ms) => ms.some((m) => m.direction === 'out'),
    );
    const newest = messages[messages.length - 1];
    const seen = await request(t.app)
      .post(`/api/conversations/${conv.id}/seen`)
      .set('authorization', operator)
      .send({ messageId: newest.id })
      .expect(200);
    expect(seen.body).toMatchObject({ messageId: newest.id, citizenMessageId: `${v.session.visitorId}:s1` });
    expect(await v.next('seen', 5000)).toEqual({ messageId: `${v.session.visitorId}:s1`, seenAt: new Date(seen.body.seenAt).getTime() });

    // A tab opened later gets the marker after the history.
    const tab2 = await open(v.session.token);
    expect(await tab2.next('seen')).toMatchObject({ messageId: `${v.session.visitorId}:s1` });

    // An older message does not move it back, and sends nothing; a message of another conversation is a 404.
    const older = await request(t.app)
      .post(`/api/conversations/${conv.id}/seen`)
      .set('authorization', operator)
      .send({ messageId: messages[0].id })
      .expect(200);
    expect(older.body.messageId).toBe(newest.id);
    await expect(v.next('seen', 500)).rejects.toThrow(/no seen event/);
    const other = await t.gw.ctx.db.query<{ id: string }>('SELECT id FROM messages WHERE conversation_id <> $1 LIMIT 1', [conv.id]);
    await request(t.app)
      .post(`/api/conversations/${conv.id}/seen`)
      .set('authorization', operator)
      .send({ messageId: other.rows[0].id })
      .expect(404);
    await request(t.app).post(`/api/conversations/${conv.id}/seen`).send({ messageId: newest.id }).expect(401);
  }, 60_000);

  if (kind === 'postgres') {
    test('across nodes: the marker set on one node reaches tabs on another node, once each', async () => {
      second = await startTestGateway({ kind, databaseUrl: t.databaseUrl, citizenApp: t.citizenApp, env: { LIVECHAT_ENABLED: 'true' } });
      const onB = await open(null, second);
      await formOf(onB);
      const onA = await open(onB.session.token, t);
      expect(await send(onB, 'x1', 'Cho hỏi thủ tục chứng thực bản sao')).toMatchObject({ ok: true });
      const conv = await conversationOf(onB.session.visitorId);
      const last = await waitForValue(
        async () =>
          (
            await t.gw.ctx.db.query<{ id: string }>(`SELECT id FROM messages WHERE conversation_id = $1 ORDER BY created_at DESC LIMIT 1`, [
              conv.id,
            ])
          ).rows[0],
        (r) => !!r,
      );
      await request(t.app)
        .post(`/api/conversations/${conv.id}/seen`)
        .set('authorization', operator)
        .send({ messageId: last.id })
        .expect(200);
      const want = { messageId: `${onB.session.visitorId}:x1`, seenAt: expect.any(Number) };
      expect(await onB.next('seen', 10_000)).toEqual(want);
      expect(await onA.next('seen', 10_000)).toEqual(want);
      // Exactly once per tab: no second copy through the other node.
      await expect(onB.next('seen', 1000)).rejects.toThrow(/no seen event/);
      await expect(onA.next('seen', 200)).rejects.toThrow(/no seen event/);
    }, 90_000);
  }
});
