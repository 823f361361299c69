/**
 * What Zalo and Messenger limit, through the real dispatcher against the fake providers, on PGlite and
 * PostgreSQL: an operator's long answer arrives as parts of at most 2,000 characters, in order; once
 * the reply window has closed, a message is failed permanently with the reason and never reaches the
 * provider, and an operator's reply is refused up front.
 */
import request from 'supertest';
import { queueMessage } from '../../src/pipeline/outbound';
import { startFakeGraph, type FakeGraph } from '../fakes/fake-graph';
import { startFakeZalo, type FakeZalo } from '../fakes/fake-zalo';
import { databaseKinds } from '../support/databases';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { facebookSettings, PIPELINE_FACEBOOK, PIPELINE_ZALO, zaloSettings } from '../support/provider-settings';
import { facebookTextMessage, postFacebook, postZalo, zaloTextEvent } from '../support/provider-webhooks';
import { waitFor, waitForValue } from '../support/wait';

const ZALO = PIPELINE_ZALO;
const ZALO_OA_ID = '2974318543902785381';
const FB = PIPELINE_FACEBOOK;
const FB_PAGE_ID = '104857623518279';
const LIMIT = 2000;

/** An operator's long answer: numbered sentences, single-spaced, over `length` characters. */
function longAnswer(length: number): string {
  const out: string[] = [];
  for (let i = 1; out.join(' ').length < length; i++)
    out.push(`Ý ${i}: hồ sơ nộp tại Trung tâm Phục vụ hành chính công hoặc trực tuyến trên Cổng dịch vụ công quốc gia.`);
  return out.join(' ');
}

describe.each(databaseKinds())('Zalo and Messenger limits on %s', (kind) => {
  let zalo: FakeZalo;
  let graph: FakeGraph;
  let t: TestGateway;
  let auth: string;
  let seq = 0;

  beforeAll(async () => {
    zalo = await startFakeZalo(ZALO);
    graph = await startFakeGraph({ pageAccessToken: FB.pageAccessToken, version: FB.graphVersion });
    t = await startTestGateway({
      kind,
      env: { ...zaloSettings(ZALO, zalo), ...facebookSettings(FB, graph) },
    });
    auth = await t.login();
  });
  afterAll(async () => {
    await t.stop();
    await t.citizenApp.stop();
    await zalo.close();
    await graph.close();
  });
  afterEach(() => {
    expect(zalo.violations).toEqual([]);
    expect(graph.violations).toEqual([]);
  });

  /** Texts a fake provider received for a citizen, in order, with the Messenger messaging type. */
  const received = (channel: 'zalo' | 'facebook', userId: string): { text: string; type?: string; tag?: string }[] =>
    channel === 'zalo'
      ? zalo
          .calls('/v3.0/oa/message/cs')
          .map((r) => r.json)
          .filter((b) => b.recipient.user_id === userId)
          .map((b) => ({ text: b.message.text }))
      : graph
          .calls('/me/messages')
          .map((r) => r.json)
          .filter((b) => b.recipient.id === userId && b.message)
          .map((b) => ({ text: b.message.text, type: b.messaging_type, tag: b.tag }));

  /** The citizen writes once and gets the receipt and the answer; returns the conversation id. */
  async function citizenWrites(channel: 'zalo' | 'facebook', userId: string): Promise<string> {
    seq++;
    if (channel === 'zalo')
      await postZalo(t.app, ZALO, zaloTextEvent(ZALO.appId, userId, ZALO_OA_ID, `zmsg-${kind}-${seq}`, 'xin chào')).expect(200);
    else await postFacebook(t.app, FB.appSecret, facebookTextMessage(FB_PAGE_ID, userId, `m_${kind}_${seq}`, 'xin chào')).expect(200);
    await waitFor(() => received(channel, userId).length >= 2, 15_000);
    const r = await t.gw.ctx.db.query<{ id: string }>(`SELECT id FROM conversations WHERE channel = $1 AND external_user_id = $2`, [
      channel,
      userId,
    ]);
    return r.rows[0].id;
  }

  /** Moves the citizen's last message `hours` into the past. */
  const lastWroteHoursAgo = (conversationId: string, hours: number) =>
    t.gw.ctx.db.query(`UPDATE conversations SET last_inbound_at = now() - make_interval(hours => $2::int) WHERE id = $1`, [
      conversationId,
      hours,
    ]);

  /** Queues a bot message as the pipeline does and waits for its final status. */
  async function botMessage(
    conversationId: string,
    channel: string,
    text: string,
  ): Promise<{ id: string; status: string; error: string | null }> {
    const row = await queueMessage(t.gw.ctx.db, { conversationId, channel, authorKind: 'bot', purpose: 'notice', text }, t.gw.ctx.delivery);
    t.gw.ctx.wake();
    return waitForValue(
      async () =>
        (
          await t.gw.ctx.db.query<{ id: string; status: string; error: string | null }>(
            'SELECT id, status, error FROM messages WHERE id = $1',
            [row.id],
          )
        ).rows[0],
      (m) => m.status === 'sent' || m.status === 'failed',
    );
  }

  test.each(['zalo', 'facebook'] as const)(
    '%s: an operator answer of 4,500 characters arrives as parts of at most 2,000, cut at sentence ends, in order',
    async (channel) => {
      const userId = channel === 'zalo' ? '8420553117316492101' : '7348526109934101';
      const conversationId = await citizenWrites(channel, userId);
      const text = longAnswer(4500);
      const res = await request(t.app)
        .post(`/api/conversations/${conversationId}/reply`)
        .set('authorization', auth)
        .send({ text })
        .expect(202);
      const row = await waitForValue(
        async () =>
          (
            await t.gw.ctx.db.query<{ status: string; parts_sent: number }>('SELECT status, parts_sent FROM messages WHERE id = $1', [
              res.body.messageId,
            ])
          ).rows[0],
        (m) => m.status === 'sent',
      );
      expect(row).toEqual({ status: 'sent', parts_sent: 3 });
      const parts = received(channel, userId)
        .map((m) => m.text)
        .filter((p) => text.includes(p));
      expect(parts).toHaveLength(3);
      for (const p of parts) expect([...p].length).toBeLessThanOrEqual(LIMIT);
      for (const p of parts.slice(0, -1)) expect(p).toMatch(/\.$/);
      expect(parts.join(' ')).toBe(text);
    },
  );

  test('Messenger: after 24 h the bot may no longer write, an operator still may (HUMAN_AGENT) for 7 days, then no one', async () => {
    const psid = '7348526109934102';
    const conversationId = await citizenWrites('facebook', psid);
    await lastWroteHoursAgo(conversationId, 25);

    const late = await botMessage(conversationId, 'facebook', 'Thông báo tự động sau 25 giờ');
    expect(late.status).toBe('failed');
    expect(late.error).toMatch(/^window_closed: công dân nhắn lần cuối 25 giờ trước, quá thời hạn 24 giờ của kênh$/);
    expect(received('facebook', psid).map((m) => m.text)).not.toContain('Thông báo tự động sau 25 giờ');
    const failed = await t.gw.ctx.db.query<{ data: { reason: string } }>(
      `SELECT data FROM events WHERE type = 'delivery_failed' AND data->>'messageId' = $1`,
      [late.id],
    );
    expect(failed.rows.map((r) => r.data.reason)).toEqual([late.error]);
    const retries = await t.gw.ctx.db.query(`SELECT 1 FROM jobs WHERE payload->>'messageId' = $1`, [late.id]);
    expect(retries.rowCount).toBe(0);

    await request(t.app)
      .post(`/api/conversations/${conversationId}/reply`)
      .set('authorization', auth)
      .send({ text: 'Tổng đài viên trả lời sau 25 giờ.' })
      .expect(202);
    await waitFor(() => received('facebook', psid).some((m) => m.text === 'Tổng đài viên trả lời sau 25 giờ.'), 15_000);
    expect(received('facebook', psid).find((m) => m.text === 'Tổng đài viên trả lời sau 25 giờ.')).toMatchObject({
      type: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
    });

    await lastWroteHoursAgo(conversationId, 8 * 24);
    const refused = await request(t.app)
      .post(`/api/conversations/${conversationId}/reply`)
      .set('authorization', auth)
      .send({ text: 'Quá 7 ngày.' })
      .expect(409);
    expect(refused.body.details.reason).toMatch(/^window_closed: .*quá thời hạn 168 giờ/);
  });

  test('Zalo: once the reply window (168 h by default) has closed, neither the bot nor an operator can write', async () => {
    const userId = '8420553117316492102';
    const conversationId = await citizenWrites('zalo', userId);
    await lastWroteHoursAgo(conversationId, 167);
    expect((await botMessage(conversationId, 'zalo', 'Còn trong thời hạn.')).status).toBe('sent');
    expect(received('zalo', userId).map((m) => m.text)).toContain('Còn trong thời hạn.');

    await lastWroteHoursAgo(conversationId, 169);
    const before = received('zalo', userId).length;
    const late = await botMessage(conversationId, 'zalo', 'Đã quá thời hạn.');
    expect(late).toMatchObject({ status: 'failed', error: expect.stringMatching(/^window_closed: .*169 giờ trước, quá thời hạn 168 giờ/) });
    const refused = await request(t.app)
      .post(`/api/conversations/${conversationId}/reply`)
      .set('authorization', auth)
      .send({ text: 'Tổng đài viên.' })
      .expect(409);
    expect(refused.body.details.reason).toMatch(/^window_closed/);
    await new Promise((r) => setTimeout(r, 200));
    expect(received('zalo', userId)).toHaveLength(before);
  });
});
