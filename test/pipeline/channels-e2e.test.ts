/**
 * One full conversation per provider channel through the real pipeline, against fake provider
 * servers that check every request: webhook → receipt → bot answer → hand-over → operator reply.
 */
import request from 'supertest';
import { startFakeGraph } from '../fakes/fake-graph';
import { startFakeZalo } from '../fakes/fake-zalo';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { facebookSettings, PIPELINE_FACEBOOK, PIPELINE_ZALO, zaloSettings } from '../support/provider-settings';
import { facebookTextMessage, postFacebook, postZalo, zaloTextEvent } from '../support/provider-webhooks';
import { waitForValue } from '../support/wait';

const RECEIPT = 'Tổng đài Thông tin dịch vụ công tỉnh Đồng Tháp đã nhận được tin nhắn của anh/chị, xin cám ơn.';

/**
 * A PGlite gateway wired by `settings` to the fake provider that `startFake` starts, both running for the
 * tests of the enclosing describe (`fake` and `t` are set once they run).
 */
function gatewayWith<F extends { close(): Promise<void> }>(startFake: () => Promise<F>, settings: (fake: F) => Record<string, string>) {
  const run = {} as { fake: F; t: TestGateway };
  beforeAll(async () => {
    run.fake = await startFake();
    run.t = await startTestGateway({ kind: 'pglite', env: settings(run.fake) });
  });
  afterAll(async () => {
    await run.t.stop();
    await run.t.citizenApp.stop();
    await run.fake.close();
  });
  return run;
}

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Zalo OA end to end', () => {
  const ZALO = PIPELINE_ZALO;
  const run = gatewayWith(
    () => startFakeZalo({ ...ZALO, profiles: { '8420553117316492130': 'Lê Thị Hoa' } }),
    (zalo) => zaloSettings(ZALO, zalo),
  );
  const sent = () =>
    run.fake.calls('/v3.0/oa/message/cs').map((r) => r.json as { recipient: { user_id: string }; message: { text?: string } });

  const post = (event: Record<string, unknown>) => postZalo(run.t.app, ZALO, event);
  const textEvent = (msgId: string, text: string) => zaloTextEvent(ZALO.appId, '8420553117316492130', '2974318543902785381', msgId, text);

  test('receipt, answer, hand-over and an operator reply reach the citizen through the CS endpoint', async () => {
    const { t, fake: zalo } = run;
    await post(textEvent('z-1', 'cho hỏi làm hộ chiếu cần giấy tờ gì')).expect(200);
    await post(textEvent('z-1', 'cho hỏi làm hộ chiếu cần giấy tờ gì')).expect(200); // provider retry
    await until(() => sent().length >= 2, 'receipt and answer');
    expect(sent()[0]).toMatchObject({ recipient: { user_id: '8420553117316492130' }, message: { text: RECEIPT } });
    expect(sent()[1].message.text).toMatch(/hộ chiếu/i);

    await post(textEvent('z-2', 'cho tôi gặp tổng đài viên')).expect(200);
    await until(() => sent().some((m) => /1022-\d{4}-\d{6}-[A-Z2-9]{4}/.test(m.message.text ?? '')), 'ticket receipt');
    const code = sent()
      .map((m) => m.message.text ?? '')
      .join(' ')
      .match(/1022-\d{4}-\d{6}-[A-Z2-9]{4}/)![0];
    const auth = await t.login();
    const ticket = await request(t.app).get(`/api/tickets/${code}`).set('authorization', auth).expect(200);
    expect(ticket.body.channel).toBe('zalo');
    expect(ticket.body.contact.displayName).toBe('Lê Thị Hoa'); // from the profile endpoint
    await request(t.app)
      .post(`/api/tickets/${code}/reply`)
      .set('authorization', auth)
      .send({ text: 'Tổng đài viên Zalo xin trả lời anh/chị.' })
      .expect(202);
    await until(() => sent().some((m) => m.message.text === 'Tổng đài viên Zalo xin trả lời anh/chị.'), 'operator reply');

    // Zalo reports the message seen: the status reaches the console.
    const replyRow = await waitForValue(
      async () =>
        (
          await t.gw.ctx.db.query<{ external_id: string | null }>(
            `SELECT external_id FROM messages WHERE text = 'Tổng đài viên Zalo xin trả lời anh/chị.'`,
          )
        ).rows[0],
      (r) => !!r?.external_id,
    );
    await post({
      app_id: ZALO.appId,
      event_name: 'user_seen_message',
      timestamp: String(Date.now()),
      sender: { id: '2974318543902785381' },
      recipient: { id: '8420553117316492130' },
      message: { msg_ids: [replyRow.external_id], msg_id: replyRow.external_id },
    }).expect(200);
    const seen = await waitForValue(
      async () => (await request(t.app).get(`/api/tickets/${code}`).set('authorization', auth)).body,
      (b) => b.messages.some((m: { status: string }) => m.status === 'read'),
    );
    expect(seen.messages.some((m: { status: string }) => m.status === 'read')).toBe(true);
    expect(zalo.violations).toEqual([]);
    expect(sent().filter((m) => m.message.text === RECEIPT)).toHaveLength(1);
  });
});

describe('Facebook Messenger end to end', () => {
  const FB = PIPELINE_FACEBOOK;
  const run = gatewayWith(
    () =>
      startFakeGraph({
        pageAccessToken: FB.pageAccessToken,
        version: FB.graphVersion,
        profiles: { '7348526109934187': { first_name: 'Minh', last_name: 'Trần' } },
      }),
    (graph) => facebookSettings(FB, graph),
  );
  const texts = () =>
    run.fake
      .calls('/me/messages')
      .map((r) => r.json as { recipient: { id: string }; message?: { text: string }; sender_action?: string })
      .filter((m) => m.message);

  const post = (raw: string) => postFacebook(run.t.app, FB.appSecret, raw);
  // Meta escapes non-ASCII as \uXXXX: the signature is over these exact bytes.
  const message = (mid: string, text: string) => facebookTextMessage('104857623518279', '7348526109934187', mid, text);

  test('handshake, then receipt, answer and operator reply through the Send API', async () => {
    const { t, fake: graph } = run;
    const hs = await request(t.app)
      .get('/webhooks/facebook')
      .query({ 'hub.mode': 'subscribe', 'hub.verify_token': FB.verifyToken, 'hub.challenge': '12345' })
      .expect(200);
    expect(hs.text).toBe('12345');
    await request(t.app)
      .get('/webhooks/facebook')
      .query({ 'hub.mode': 'subscribe', 'hub.verify_token': 'wrong', 'hub.challenge': '1' })
      .expect(403);

    await post(message('m_1', 'làm lại căn cước bị mất thì sao ạ')).expect(200);
    await until(() => texts().length >= 2, 'receipt and answer');
    expect(texts()[0]).toMatchObject({ recipient: { id: '7348526109934187' }, message: { text: RECEIPT } });
    expect(texts()[1].message!.text).toMatch(/căn cước/i);

    await post(message('m_2', 'gặp nhân viên tư vấn giúp em')).expect(200);
    await until(() => texts().some((m) => /1022-\d{4}-\d{6}-[A-Z2-9]{4}/.test(m.message!.text)), 'ticket receipt');
    const code = texts()
      .map((m) => m.message!.text)
      .join(' ')
      .match(/1022-\d{4}-\d{6}-[A-Z2-9]{4}/)![0];
    const auth = await t.login();
    await request(t.app)
      .post(`/api/tickets/${code}/reply`)
      .set('authorization', auth)
      .send({ text: 'Tổng đài viên Messenger trả lời.' })
      .expect(202);
    await until(() => texts().some((m) => m.message!.text === 'Tổng đài viên Messenger trả lời.'), 'operator reply');
    const body = graph
      .calls('/me/messages')
      .map((r) => r.json as { messaging_type: string; message?: { text: string } })
      .find((m) => m.message?.text === 'Tổng đài viên Messenger trả lời.')!;
    expect(body.messaging_type).toBe('RESPONSE');
    expect(graph.violations).toEqual([]);
    await post('{"object": "page", "entry": [').expect(400);
  });
});
