/**
 * What citizens receive, end to end through the citizen-app channel, on PGlite and on PostgreSQL:
 * an emergency gets the advice first and reaches a human at once (urgent ticket, top of the waiting
 * queue, an `alert` for the floor); 112 advice for a drowning; at most two automatic messages for a
 * question, a report and an emergency; an aspect question and its follow-up answered by that aspect.
 */
import request from 'supertest';
import type { FloorAlert } from '../../src/wire/events';
import { databaseKinds } from '../support/databases';
import { citizenMessage, startTestGateway, type TestGateway } from '../support/gateway';
import { waitForValue } from '../support/wait';

const QUESTION_RECEIPT = 'Tổng đài Thông tin dịch vụ công tỉnh Đồng Tháp đã nhận được tin nhắn của anh/chị, xin cám ơn.';

describe.each(databaseKinds())('the bot with citizens on %s', (kind) => {
  let t: TestGateway;
  const alerts: FloorAlert[] = [];
  beforeAll(async () => {
    t = await startTestGateway({ kind });
    t.gw.ctx.bus.on('alert', (a) => alerts.push(a));
  });
  afterAll(async () => {
    await t.stop();
    await t.citizenApp.stop();
  });
  afterEach(() => {
    expect(t.citizenApp.violations).toEqual([]);
  });

  /** The texts a citizen received once `n` arrived, after a pause in which no more may arrive. */
  async function received(user: string, n: number): Promise<string[]> {
    await t.citizenApp.waitFor(() => t.citizenApp.to(user).length >= n, 60_000, `${n} messages to ${user}`);
    await new Promise((r) => setTimeout(r, 400));
    return t.citizenApp.to(user).map((m) => m.text);
  }

  test('a fire report: the 114 advice first, then the receipt with the code; urgent, at the top of the queue, alerted', async () => {
    await t.postCitizen(citizenMessage('u-fire', 'nhà hàng xóm đang cháy lớn')).expect(200);
    const texts = await received('u-fire', 2);
    expect(texts).toHaveLength(2);
    expect(texts[0]).toContain('GỌI NGAY 114');
    const code = t.citizenApp.to('u-fire')[1].ticketCode!;
    expect(texts[1]).toBe(
      `Tin báo của anh/chị đã được chuyển ngay tổng đài viên trực với mã phiếu ${code}. Nếu chưa gọi, xin anh/chị gọi số khẩn cấp ở trên trước.`,
    );

    const conv = (
      await t.gw.ctx.db.query<{ id: string; state: string; urgent: boolean; priority: string }>(
        `SELECT c.id, c.state, c.urgent, t.priority FROM conversations c JOIN tickets t ON t.conversation_id = c.id WHERE c.external_user_id = 'u-fire'`,
      )
    ).rows[0];
    expect(conv).toMatchObject({ state: 'waiting', urgent: true, priority: 'urgent' });
    const ticketId = (await t.gw.ctx.db.query<{ id: string }>('SELECT id FROM tickets WHERE code = $1', [code])).rows[0].id;
    expect(alerts).toContainEqual(
      expect.objectContaining({
        kind: 'emergency',
        conversationId: conv.id,
        ticketId,
        message: expect.stringMatching(/^Khẩn cấp 114 .*cháy lớn/),
      }),
    );

    // A later hand-over has newer activity, yet the emergency stays first in the waiting queue.
    await t.postCitizen(citizenMessage('u-later', 'cho gặp tổng đài viên')).expect(200);
    await received('u-later', 2);
    const auth = await t.login();
    const queue = await waitForValue(
      async () => (await request(t.app).get('/api/conversations').query({ state: 'waiting' }).set('authorization', auth).expect(200)).body,
      (b) => b.items.length >= 2,
    );
    expect(queue.items[0].id).toBe(conv.id);
    expect(queue.items.map((i: { externalUserId: string }) => i.externalUserId)).toEqual(expect.arrayContaining(['u-fire', 'u-later']));

    // Taken over: no longer flagged (the operator holds it).
    await request(t.app).post(`/api/conversations/${conv.id}/takeover`).set('authorization', auth).expect(200);
    const after = await t.gw.ctx.db.query<{ urgent: boolean }>('SELECT urgent FROM conversations WHERE id = $1', [conv.id]);
    expect(after.rows[0].urgent).toBe(false);
  });

  test('a drowning gets the 112 advice', async () => {
    await t.postCitizen(citizenMessage('u-drown', 'có người đuối nước ở bến đò xã An Bình')).expect(200);
    const texts = await received('u-drown', 2);
    expect(texts[0]).toContain('GỌI NGAY 112');
    expect(texts).toHaveLength(2);
  });

  test('a message the bot cannot place but that may tell an emergency: the numbers first, then the receipt; urgent, alerted', async () => {
    // Nothing named, only an old man living alone not seen for two days: the engine hands it over,
    // with emergencies among its best guesses (0.15, where the catalog's words would count from 0.2),
    // and the alert names one.
    // ("nghe mùi khét quá trời ở nhà bên, gõ cửa hổng ai mở" was one until the citizens' messages
    // became training data: it is now answered as a fire. "bên kia sông có tiếng la dữ lắm mà tối quá
    // hổng thấy gì" was one until the eighteenth round: 114 now ranks high enough for its river words
    // to give the rescue advice; "có mùi gì lạ lắm bay qua từ nhà kế bên" until the nineteenth, when
    // it became a fire.)
    const text = 'ông Tư ở một mình, hai ngày nay hổng thấy ra khỏi nhà';
    await t.postCitizen(citizenMessage('u-maybe', text)).expect(200);
    const texts = await received('u-maybe', 2);
    expect(texts).toHaveLength(2);
    expect(texts[0]).toMatch(/^Nếu đang có người gặp nguy hiểm, xin anh\/chị gọi ngay: 113 .*114 .*115 .*112/);
    expect(texts[1]).toMatch(/^Tin báo của anh\/chị đã được chuyển ngay tổng đài viên trực với mã phiếu /);
    const conv = (
      await t.gw.ctx.db.query<{ id: string; state: string; urgent: boolean; priority: string }>(
        `SELECT c.id, c.state, c.urgent, t.priority FROM conversations c JOIN tickets t ON t.conversation_id = c.id WHERE c.external_user_id = 'u-maybe'`,
      )
    ).rows[0];
    expect(conv).toMatchObject({ state: 'waiting', urgent: true, priority: 'urgent' });
    expect(alerts).toContainEqual(
      expect.objectContaining({
        kind: 'emergency',
        conversationId: conv.id,
        message: expect.stringMatching(/^Có thể khẩn cấp \(11[2-5]\): ông Tư ở một mình/),
      }),
    );
  });

  test('a report gets one receipt worded for a report, then the request for details: two messages', async () => {
    await t.postCitizen(citizenMessage('u-report', 'đường ấp 3 bị ngập nặng')).expect(200);
    const texts = await received('u-report', 2);
    expect(texts).toHaveLength(2);
    const code = t.citizenApp.to('u-report')[0].ticketCode!;
    expect(texts[0]).toContain(`đã nhận được phản ánh của anh/chị với mã phiếu ${code}`);
    expect(texts[1]).toMatch(/^Để chuyển đúng nơi xử lý/);
  });

  test('a question about one aspect: the receipt and the answer leading with it; the follow-up gets that aspect only', async () => {
    await t.postCitizen(citizenMessage('u-aspect', 'làm hộ chiếu mất mấy ngày')).expect(200);
    const texts = await received('u-aspect', 2);
    expect(texts).toHaveLength(2);
    expect(texts[0]).toBe(QUESTION_RECEIPT);
    expect(texts[1]).toMatch(/^Cấp hộ chiếu.*\n\nThời hạn giải quyết: /s);
    expect(texts[1]).not.toContain('Phí, lệ phí:');
    expect(t.citizenApp.to('u-aspect')[1].quickReplies).toEqual(expect.arrayContaining(['Lệ phí', 'Hồ sơ']));

    await t.postCitizen(citizenMessage('u-aspect', 'còn lệ phí?')).expect(200);
    const more = await received('u-aspect', 3);
    expect(more).toHaveLength(3);
    expect(more[2]).toMatch(/^Cấp hộ chiếu.*\n\nPhí, lệ phí: /s);
  });
});
