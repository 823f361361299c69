/**
 * One full conversation per provider channel through the real pipeline, against fake provider
 * servers that check every request: webhook → receipt → bot answer → hand-over → operator reply.
 */
import request from 'supertest';
import { startFakeGraph, type FakeGraph } from '../fakes/fake-graph';
import { startFakeZalo, type FakeZalo } from '../fakes/fake-zalo';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { facebookTextMessage, postFacebook, postZalo, zaloTextEvent } from '../support/provider-webhooks';
import { waitForValue } from '../support/wait';

const RECEIPT = 'Tổng đài Thông tin dịch vụ công tỉnh Đồng Tháp đã nhận được thông tin góp ý, phản ánh của Quý khách, xin cám ơn.';

async function until(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Zalo OA end to end', () => {
  const ZALO = {
    appId: '1839120465573816298',
    appSecret: 'zalo-app-secret',
    accessToken: 'at-1',
    refreshToken: 'rt-1',
    oaSecret: 'oa-secret-key',
  };
  let zalo: FakeZalo;
  let t: TestGateway;
  const sent = () => zalo.calls('/v3.0/oa/message/cs').map((r) => r.json as { recipient: { user_id: string }; message: { text?: string } });

  beforeAll(async () => {
    zalo = await startFakeZalo({
      appId: ZALO.appId,
      appSecret: ZALO.appSecret,
      accessToken: ZALO.accessToken,
      refreshToken: ZALO.refreshToken,
      profiles: { '8420553117316492130': 'Lê Thị Hoa' },
    });
    t = await startTestGateway({
      kind: 'pglite',
      env: {
        ZALO_APP_ID: ZALO.appId,
        ZALO_APP_SECRET: ZALO.appSecret,
        ZALO_OA_SECRET_KEY: ZALO.oaSecret,
        ZALO_ACCESS_TOKEN: ZALO.accessToken,
        ZALO_REFRESH_TOKEN: ZALO.refreshToken,
        ZALO_API_BASE: zalo.apiBase,
        ZALO_OAUTH_BASE: zalo.oauthBase,
      },
    });
  });
  afterAll(async () => {
    await t.stop();
    await t.citizenApp.stop();
    await zalo.close();
  });

  const post = (event: Record<string, unknown>) => postZalo(t.app, ZALO, event);
  const textEvent = (msgId: string, text: string) => zaloTextEvent(ZALO.appId, '8420553117316492130', '2974318543902785381', msgId, text);

  test('receipt, answer, hand-over and an operator reply reach the citizen through the CS endpoint', async () => {
    await post(textEvent('z-1', 'cho hỏi làm hộ chiếu cần giấy tờ gì')).expect(200);
    await post(textEvent('z-1', 'cho hỏi làm hộ chiếu cần giấy tờ gì')).expect(200); // provider retry
    await until(() => sent().length >= 2, 'receipt and answer');
    expect(sent()[0]).toMatchObject({ recipient: { user_id: '8420553117316492130' }, message: { text: RECEIPT } });
    expect(sent()[1].message.text).toMatch(/hộ chiếu/i);

    await post(textEvent('z-2', 'cho tôi gặp tổng đài viên')).expect(200);
    await until(() => sent().some((m) => /1022-\d{4}-\d{6}/.test(m.message.text ?? '')), 'ticket receipt');
    const code = sent()
      .map((m) => m.message.text ?? '')
      .join(' ')
      .match(/1022-\d{4}-\d{6}/)![0];
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
  const FB = { appSecret: 'fb-app-secret', verifyToken: 'verify-me', pageToken: 'page-token-1', version: 'v21.0' };
  let graph: FakeGraph;
  let t: TestGateway;
  const texts = () =>
    graph
      .calls('/me/messages')
      .map((r) => r.json as { recipient: { id: string }; message?: { text: string }; sender_action?: string })
      .filter((m) => m.message);

  beforeAll(async () => {
    graph = await startFakeGraph({
      pageAccessToken: FB.pageToken,
      version: FB.version,
      profiles: { '7348526109934187': { first_name: 'Minh', last_name: 'Trần' } },
    });
    t = await startTestGateway({
      kind: 'pglite',
      env: {
        FB_APP_SECRET: FB.appSecret,
        FB_VERIFY_TOKEN: FB.verifyToken,
        FB_PAGE_ACCESS_TOKEN: FB.pageToken,
        FB_GRAPH_BASE: graph.graphBase,
        FB_GRAPH_VERSION: FB.version,
      },
    });
  });
  afterAll(async () => {
    await t.stop();
    await t.citizenApp.stop();
    await graph.close();
  });

  const post = (raw: string) => postFacebook(t.app, FB.appSecret, raw);
  // Meta escapes non-ASCII as \uXXXX: the signature is over these exact bytes.
  const message = (mid: string, text: string) => facebookTextMessage('104857623518279', '7348526109934187', mid, text);

  test('handshake, then receipt, answer and operator reply through the Send API', async () => {
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
    await until(() => texts().some((m) => /1022-\d{4}-\d{6}/.test(m.message!.text)), 'ticket receipt');
    const code = texts()
      .map((m) => m.message!.text)
      .join(' ')
      .match(/1022-\d{4}-\d{6}/)![0];
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
