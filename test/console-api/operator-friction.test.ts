/**
 * Friction a new operator hit (issue 13, item 6), on PGlite and PostgreSQL: concurrent take-overs
 * have exactly one winner; a rating reply is recorded as a rating and stays out of the review queue;
 * the ticket's reply route refuses what the dispatcher would fail, as the conversation's route does.
 */
import request from 'supertest';
import { pdfText } from '../../src/reports/processing-log';
import { durationAfter, hoursMinutes } from '../../src/wire/labels';
import { citizenMessage } from '../support/gateway';
import { conversationOf, describeConsole, escalation, waitForValue } from './support';

describeConsole('operator friction on %s', (f) => {
  test('two operators take over at once: exactly one wins, once, and holds the conversation', async () => {
    for (let i = 0; i < 4; i++) {
      const conversationId = await conversationOf(f, await escalation(f, `u-race-${i}`));
      const [a, b] = await Promise.all([
        f.as('operator').post(`/api/conversations/${conversationId}/takeover`),
        f.as('operator2').post(`/api/conversations/${conversationId}/takeover`),
      ]);
      expect([a.status, b.status].sort()).toEqual([200, 409]);
      const loser = a.status === 409 ? a : b;
      expect(loser.body.error).toBe('Cuộc hội thoại đang do tổng đài viên khác xử lý');
      const winner = a.status === 200 ? f.users.operator : f.users.operator2;
      const db = f.t.gw.ctx.db;
      const conv = await db.query<{ state: string; assignee_id: string }>('SELECT state, assignee_id FROM conversations WHERE id = $1', [
        conversationId,
      ]);
      expect(conv.rows[0]).toEqual({ state: 'operator', assignee_id: winner });
      const logged = await db.query<{ user_id: string }>(
        `SELECT actor_user_id AS user_id FROM events WHERE type = 'taken_over' AND conversation_id = $1`,
        [conversationId],
      );
      expect(logged.rows).toEqual([{ user_id: winner }]);
      const ticket = await db.query<{ assignee_id: string }>('SELECT assignee_id FROM tickets WHERE conversation_id = $1', [
        conversationId,
      ]);
      expect(ticket.rows[0].assignee_id).toBe(winner);
    }
  });

  test('taking over a closed conversation is refused; the holder may take over again', async () => {
    const code = await escalation(f, 'u-closed-takeover');
    const conversationId = await conversationOf(f, code);
    await f.as('operator').post(`/api/conversations/${conversationId}/takeover`).expect(200);
    await f.as('operator').post(`/api/conversations/${conversationId}/takeover`).expect(200);
    await f.as('operator').patch(`/api/tickets/${code}`).send({ status: 'closed' }).expect(200);
    const refused = await f.as('operator2').post(`/api/conversations/${conversationId}/takeover`).expect(409);
    expect(refused.body.error).toBe('Cuộc hội thoại đã đóng');
  });

  test('the 5-star reply to the rating question is recorded as a rating, not as a message the bot did not understand', async () => {
    const user = 'u-rating';
    const code = await escalation(f, user);
    await f.as('operator').patch(`/api/tickets/${code}`).send({ status: 'closed', resolution: 'Đã hướng dẫn' }).expect(200);
    await f.t.citizenApp.waitFor(() => f.t.citizenApp.to(user).some((m) => m.quickReplies?.length === 5), 15_000, 'rating question');
    const before = f.t.citizenApp.to(user).length;
    await f.t.postCitizen(citizenMessage(user, '5')).expect(200);
    const ticket = await waitForValue(
      async () => (await f.as('operator').get(`/api/tickets/${code}`).expect(200)).body,
      (t) => t.csat === 5,
    );
    expect(ticket.csat).toBe(5);
    await f.t.citizenApp.waitFor(() => f.t.citizenApp.to(user).length > before, 15_000, 'thanks');
    const review = (await f.as('supervisor').get('/api/review').expect(200)).body as Array<{ text: string; ticketCode: string | null }>;
    expect(review.filter((r) => r.ticketCode === code)).toEqual([]);
    const decision = await f.t.gw.ctx.db.query<{ intent: string }>(
      `SELECT e.data->>'intent' AS intent FROM events e JOIN conversations c ON c.id = e.conversation_id
       WHERE e.type = 'bot_decision' AND c.external_user_id = $1 ORDER BY e.created_at DESC LIMIT 1`,
      [user],
    );
    expect(decision.rows[0].intent).toBe('danh_gia_hai_long');
  });

  test('the sign-in credit line is a setting, readable before signing in', async () => {
    const before = await request(f.t.app).get('/api/auth/branding').expect(200);
    expect(before.body).toEqual({ footerCredit: 'Tổng đài Thông tin dịch vụ công 1022 tỉnh Đồng Tháp' });
    expect(before.body.footerCredit).not.toContain('Thông tin và Truyền thông');
    await f.as('supervisor').put('/api/settings').send({ footerCredit: 'x' }).expect(403);
    const credit = 'Sở Khoa học và Công nghệ tỉnh Đồng Tháp · Tổng đài 1022';
    expect((await f.as('admin').put('/api/settings').send({ footerCredit: credit }).expect(200)).body.footerCredit).toBe(credit);
    expect((await request(f.t.app).get('/api/auth/branding').expect(200)).body).toEqual({ footerCredit: credit });
    await f.as('admin').put('/api/settings').send({ footerCredit: '' }).expect(200);
    expect((await request(f.t.app).get('/api/auth/branding').expect(200)).body).toEqual({ footerCredit: '' });
  });

  test("the ticket's reply route refuses a reply the dispatcher would fail (channel not enabled), like the conversation's", async () => {
    const code = await escalation(f, 'u-no-channel');
    const conversationId = await conversationOf(f, code);
    const db = f.t.gw.ctx.db;
    await db.query(`UPDATE conversations SET channel = 'zalo' WHERE id = $1`, [conversationId]);
    const count = async () =>
      Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM messages WHERE conversation_id = $1`, [conversationId])).rows[0].n);
    const before = await count();
    const viaTicket = await f.as('operator').post(`/api/tickets/${code}/reply`).send({ text: 'Trả lời qua phiếu' }).expect(409);
    const viaConversation = await f
      .as('operator')
      .post(`/api/conversations/${conversationId}/reply`)
      .send({ text: 'Trả lời qua hội thoại' })
      .expect(409);
    expect(viaTicket.body.error).toBe('Kênh zalo chưa được cấu hình; không gửi được tin nhắn');
    expect(viaConversation.body.error).toBe(viaTicket.body.error);
    expect(await count()).toBe(before);
  });
});

describeConsole('Vietnamese labels in exports and the processing log on %s', (f) => {
  test('the CSV export and the processing log show names, not codes; each step once; the agency answers as itself', async () => {
    const code = await escalation(f, 'u-labels');
    const db = f.t.gw.ctx.db;
    const field = (await db.query<{ code: string; name: string }>('SELECT code, name FROM fields ORDER BY code LIMIT 1')).rows[0];
    await f.as('operator').patch(`/api/tickets/${code}`).send({ priority: 'urgent', field: field.code }).expect(200);
    await f.as('operator').post(`/api/tickets/${code}/forward`).send({ agency: f.agencyA.code }).expect(200);
    await f.as('agencyA').post(`/api/tickets/${code}/reply`).send({ text: 'Cơ quan đã tiếp nhận và sẽ xử lý.' }).expect(202);
    await f.t.citizenApp.waitFor(() => f.t.citizenApp.to('u-labels').some((m) => m.text === 'Cơ quan đã tiếp nhận và sẽ xử lý.'));

    const csv = (await f.as('supervisor').get('/api/export/tickets.csv').query({ q: code }).expect(200)).text;
    const [header, row] = csv.replace(/^\uFEFF/, '').split('\r\n');
    const columns = csvCells(header);
    const cells = Object.fromEntries(csvCells(row).map((v, i) => [columns[i], v]));
    expect(cells).toMatchObject({
      'Mã phiếu': code,
      'Trạng thái': 'Đã chuyển cơ quan',
      'Kênh tiếp nhận': 'e-DongThap',
      'Lĩnh vực': field.name,
      'Mức độ': 'Khẩn',
      'Tạo bởi': 'Trợ lý ảo',
    });

    const detail = await waitForValue(
      async () => (await f.as('operator').get(`/api/tickets/${code}`).expect(200)).body,
      (b) => b.messages.every((m: { status: string }) => m.status !== 'queued' && m.status !== 'sending'),
    );
    const html = (await f.as('operator').get(`/api/tickets/${code}/log`).expect(200)).text;
    for (const raw of ['open_ticket', 'nlu_fallback', 'gap_tong_dai_vien', 'asked_for_operator', 'urgent', field.code, '(độ tin cậy'])
      expect(html).not.toContain(raw);
    expect(html).toContain('Gặp tổng đài viên');
    expect(html).toContain(`Lĩnh vực: ${field.name}; Mức độ: Khẩn`);
    // Every event is on the log, but a message's own events (received, sent, replied) fold into its line.
    for (const e of detail.events) expect(html).toContain(`data-event-id="${e.id}"`);
    const rows = html.match(/<tr class="(message|event)"/g) ?? [];
    expect(rows).toHaveLength(detail.messages.length + detail.events.filter((e: { type: string }) => !ECHOES.includes(e.type)).length);
    const agencyLine = html.split('<tr').find((r) => r.includes('Cơ quan đã tiếp nhận và sẽ xử lý.') && r.startsWith(' class="message"'))!;
    expect(agencyLine).toContain('Đầu mối cơ quan: Đầu mối A');
    expect(agencyLine).not.toContain('Tổng đài viên');
  });
});

/** The cells of one RFC 4180 line (quoted cells may hold commas and doubled quotes). */
function csvCells(line: string): string[] {
  return [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g)].slice(0, -1).map((m) => m[1].replace(/^"|"$/g, '').replace(/""/g, '"'));
}

const ECHOES = ['message_received', 'message_sent', 'receipt_sent', 'ticket_receipt_sent', 'replied', 'delivery_failed'];

test('the PDF prints a star rating in words and leaves out emoji its font cannot draw', () => {
  expect(pdfText('5 ⭐')).toBe('5 sao');
  expect(pdfText('⭐')).toBe('sao');
  expect(pdfText('Cảm ơn 👍 nhiều')).toBe('Cảm ơn  nhiều');
  expect(pdfText('Phường 1, TP. Cao Lãnh — 0277')).toBe('Phường 1, TP. Cao Lãnh — 0277');
});

test('response times read as h:mm everywhere: rounded to the minute, hours go on past a day', () => {
  expect(hoursMinutes(0)).toBe('0:00');
  expect(hoursMinutes(29)).toBe('0:00');
  expect(hoursMinutes(600)).toBe('0:10');
  expect(hoursMinutes(3599)).toBe('1:00');
  expect(hoursMinutes(26 * 3600 + 5 * 60)).toBe('26:05');
  expect(hoursMinutes(null)).toBe('');
  expect(hoursMinutes(undefined)).toBe('');
  // The processing log's timings (HTML and PDF) and the ticket panel use it too.
  expect(durationAfter(new Date('2025-03-10T07:30:00Z'), new Date('2025-03-10T09:35:20Z'))).toBe('sau 2:05 (giờ:phút)');
  expect(durationAfter(new Date('2025-03-10T07:30:00Z'), null)).toBe('—');
});
