/**
 * Ticket lookup by code, end to end on PGlite and PostgreSQL: a ticket an operator opened from a phone
 * call and forwarded to an agency; the citizen asks for its status through the citizen app's webhook
 * and the bot's answer, read from the live ticket, reaches the fake app.
 */
import request from 'supertest';
import { databaseKinds } from '../support/databases';
import { citizenMessage, startTestGateway, type TestGateway } from '../support/gateway';
import { waitForValue } from '../support/wait';

const RECEIPT = /^Tổng đài Thông tin dịch vụ công tỉnh Đồng Tháp đã nhận/;

describe.each(databaseKinds())('ticket lookup by code on %s', (kind) => {
  let t: TestGateway;
  let code: string;
  beforeAll(async () => {
    t = await startTestGateway({ kind });
    const auth = await t.login();
    const created = await request(t.app)
      .post('/api/tickets')
      .set('authorization', auth)
      .send({
        channel: 'phone',
        title: 'Mất điện kéo dài ở phường Mỹ Phú',
        content: 'Gọi lúc 8 giờ',
        callerName: 'Phạm Văn Tư',
        callerPhone: '0939111222',
      })
      .expect(201);
    code = created.body.code;
    await request(t.app).post(`/api/tickets/${code}/forward`).set('authorization', auth).send({ agency: 'so_cong_thuong' }).expect(200);
  });
  afterAll(async () => {
    await t.stop();
    await t.citizenApp.stop();
  });
  afterEach(() => {
    expect(t.citizenApp.violations).toEqual([]);
  });

  /** Sends the citizen's messages one by one, each after the bot has answered the one before; returns what the app received. */
  async function conversation(userId: string, ...texts: string[]): Promise<string[]> {
    for (const text of texts) {
      const before = t.citizenApp.to(userId).filter((m) => !RECEIPT.test(m.text)).length;
      await t.postCitizen(citizenMessage(userId, text)).expect(200);
      await t.citizenApp.waitFor(
        () => t.citizenApp.to(userId).filter((m) => !RECEIPT.test(m.text)).length > before,
        15_000,
        `the answer to "${text}"`,
      );
    }
    return t.citizenApp.to(userId).map((m) => m.text);
  }

  test('a code in the question gets the status and the agency handling it', async () => {
    expect(code).toMatch(/^1022-\d{4}-\d{6}$/);
    const got = await conversation('u-lookup-1', `Cho tôi tra cứu phiếu ${code}`);
    expect(got).toHaveLength(2);
    expect(got[0]).toMatch(RECEIPT);
    expect(got[1]).toBe(`Phiếu ${code}: đã chuyển cơ quan có thẩm quyền xử lý. Cơ quan xử lý: Sở Công Thương tỉnh Đồng Tháp.`);
    const decision = await waitForValue(
      async () =>
        (
          await t.gw.ctx.db.query<{ data: { intent?: string } }>(
            `SELECT e.data FROM events e JOIN conversations c ON c.id = e.conversation_id WHERE c.external_user_id = 'u-lookup-1' AND e.type = 'bot_decision'`,
          )
        ).rows,
      (rows) => rows.length > 0,
    );
    expect(decision[0].data.intent).toBe('tra_cuu_phan_anh');
  });

  test('asked for a lookup, the bot asks for the code; the code alone then gets the status', async () => {
    const got = await conversation('u-lookup-2', 'tôi muốn tra cứu tình trạng xử lý phản ánh', code);
    expect(got.slice(1)).toEqual([
      'Anh/chị vui lòng gửi mã phiếu (dạng 1022-2026-000123) để Trợ lý ảo tra cứu.',
      `Phiếu ${code}: đã chuyển cơ quan có thẩm quyền xử lý. Cơ quan xử lý: Sở Công Thương tỉnh Đồng Tháp.`,
    ]);
  });

  test('the answer follows the ticket: once closed, the lookup says so', async () => {
    const auth = await t.login();
    await request(t.app)
      .patch(`/api/tickets/${code}`)
      .set('authorization', auth)
      .send({ status: 'closed', resolution: 'Đã khắc phục' })
      .expect(200);
    const got = await conversation('u-lookup-3', `tra cứu phiếu ${code}`);
    expect(got[1]).toBe(`Phiếu ${code}: đã hoàn thành. Cơ quan xử lý: Sở Công Thương tỉnh Đồng Tháp.`);
  });

  test('an unknown code is answered as not found, and no ticket is opened', async () => {
    const tickets = async () => (await t.gw.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM tickets')).rows[0].n;
    const before = await tickets();
    const got = await conversation('u-lookup-4', 'tra cứu phiếu 1022-2020-999999');
    expect(got[1]).toBe('Không tìm thấy phiếu 1022-2020-999999. Anh/chị vui lòng kiểm tra lại mã phiếu (dạng 1022-2026-000123).');
    expect(await tickets()).toBe(before);
  });
});
