/**
 * Private ticket status lookup, end to end on PGlite and PostgreSQL, through the citizen app's webhook:
 * the contact who owns a ticket (same contact, same channel) gets its status at once; anyone else — and
 * anyone asking about a code that does not exist, with the same words — must first give the last 4
 * digits of the phone on the ticket. Codes carry a random part, so they cannot be enumerated.
 */
import request from 'supertest';
import { databaseKinds } from '../support/databases';
import { citizenMessage, startTestGateway, type TestGateway } from '../support/gateway';
import { waitForValue } from '../support/wait';

const RECEIPT = /^Tổng đài Thông tin dịch vụ công tỉnh Đồng Tháp đã nhận/;
const CODE = /1022-\d{4}-\d{6}-[A-Z2-9]{4}/;
const verifyQuestion = (code: string) =>
  `Để bảo mật thông tin, anh/chị vui lòng gửi 4 số cuối của số điện thoại đã cung cấp khi gửi phiếu ${code}.`;
const notFound = (code: string) =>
  `Không tìm thấy phiếu ${code} có số điện thoại kết thúc bằng 4 số anh/chị gửi. Anh/chị vui lòng kiểm tra lại mã phiếu (dạng 1022-2026-000123-AB7K) và số điện thoại.`;

describe.each(databaseKinds())('private ticket lookup on %s', (kind) => {
  let t: TestGateway;
  let auth: string;
  let code: string;
  beforeAll(async () => {
    t = await startTestGateway({ kind });
    auth = await t.login();
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

  const texts = (userId: string) => t.citizenApp.to(userId).map((m) => m.text);

  /** Sends one message and waits for the bot's next answer (not a receipt); returns it. */
  async function ask(userId: string, text: string): Promise<string> {
    const before = texts(userId).filter((m) => !RECEIPT.test(m)).length;
    await t.postCitizen(citizenMessage(userId, text)).expect(200);
    await t.citizenApp.waitFor(() => texts(userId).filter((m) => !RECEIPT.test(m)).length > before, 15_000, `the answer to "${text}"`);
    return texts(userId).filter((m) => !RECEIPT.test(m))[before];
  }

  test('codes are 1022-YYYY-NNNNNN and a random part: neighbours do not share it', async () => {
    expect(code).toMatch(/^1022-\d{4}-\d{6}-[A-Z2-9]{4}$/);
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await request(t.app)
        .post('/api/tickets')
        .set('authorization', auth)
        .send({ title: `Phiếu thử ${i}` })
        .expect(201);
      codes.push(r.body.code);
    }
    const numbers = codes.map((c) => Number(c.split('-')[2]));
    expect(numbers).toEqual(numbers.map((_, i) => numbers[0] + i));
    expect(new Set(codes.map((c) => c.split('-')[3])).size).toBeGreaterThan(1);
    // The code found by an operator's search and the ticket page, whatever the case typed.
    await request(t.app).get(`/api/tickets/${codes[0].toLowerCase()}`).set('authorization', auth).expect(200);
  });

  test('someone else asking about a ticket gets its status only with the last 4 digits of its phone', async () => {
    expect(await ask('u-lookup-1', `Cho tôi tra cứu phiếu ${code}`)).toBe(verifyQuestion(code));
    expect(await ask('u-lookup-1', '1222')).toBe(
      `Phiếu ${code}: đã chuyển cơ quan có thẩm quyền xử lý. Cơ quan xử lý: Sở Công Thương tỉnh Đồng Tháp.`,
    );
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

  test('wrong digits give nothing away, and after three tries the bot stops asking', async () => {
    expect(await ask('u-lookup-2', 'tôi muốn tra cứu tình trạng xử lý phản ánh')).toBe(
      'Anh/chị vui lòng gửi mã phiếu (dạng 1022-2026-000123-AB7K) để Trợ lý ảo tra cứu.',
    );
    expect(await ask('u-lookup-2', code)).toBe(verifyQuestion(code));
    expect(await ask('u-lookup-2', '9999')).toBe(notFound(code));
    expect(await ask('u-lookup-2', '1 1 1 1')).toBe(notFound(code));
    expect(await ask('u-lookup-2', '2222')).toBe(notFound(code));
    // No fourth try: the right digits now are just a message the bot does not take as a check.
    expect(await ask('u-lookup-2', '1222')).not.toMatch(/^Phiếu /);
  });

  test('an unknown code gets the same question as a real one, and no ticket is opened', async () => {
    const tickets = async () => (await t.gw.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM tickets')).rows[0].n;
    const before = await tickets();
    const unknown = '1022-2020-999999-ABCD';
    expect(await ask('u-lookup-4', `tra cứu phiếu ${unknown}`)).toBe(verifyQuestion(unknown));
    expect(await ask('u-lookup-4', '1222')).toBe(notFound(unknown));
    expect(await tickets()).toBe(before);
  });

  test('the owner asking again later on the same channel gets the status at once, with or without the random part', async () => {
    await ask('u-owner', 'Đèn đường hư trên đường Nguyễn Huệ, phường Mỹ Phú từ tối hôm qua tới giờ, nhờ kiểm tra sửa giúp');
    const own = (await waitForValue(
      async () => texts('u-owner').join('\n').match(CODE)?.[0] ?? '',
      (c) => c !== '',
    ))!;
    // Closed by an operator: the conversation ends; the citizen writes again later.
    await request(t.app)
      .patch(`/api/tickets/${own}`)
      .set('authorization', auth)
      .send({ status: 'closed', resolution: 'Đã thay bóng đèn' })
      .expect(200);
    await t.citizenApp.waitFor(() => texts('u-owner').some((m) => /đánh giá/i.test(m)), 15_000, 'the rating question');
    expect(await ask('u-owner', `tra cứu phiếu ${own}`)).toMatch(new RegExp(`^Phiếu ${own}: đã hoàn thành\\.`));
    const withoutSuffix = own.slice(0, -5);
    expect(await ask('u-owner', `phiếu ${withoutSuffix} sao rồi`)).toMatch(new RegExp(`^Phiếu ${own}: đã hoàn thành\\.`));
    // The same code from another citizen: the phone question, not the status.
    expect(await ask('u-stranger', `tra cứu phiếu ${own}`)).toBe(verifyQuestion(own));
    // A citizen-app contact's phone is on the contact card (0909123456): its last digits prove it.
    expect(await ask('u-stranger', '3456')).toMatch(new RegExp(`^Phiếu ${own}: đã hoàn thành\\.`));
  });

  test('the answer follows the ticket: once closed, the lookup says so', async () => {
    await request(t.app)
      .patch(`/api/tickets/${code}`)
      .set('authorization', auth)
      .send({ status: 'closed', resolution: 'Đã khắc phục' })
      .expect(200);
    expect(await ask('u-lookup-3', `tra cứu phiếu ${code}`)).toBe(verifyQuestion(code));
    expect(await ask('u-lookup-3', 'số cuối là 1222')).toBe(`Phiếu ${code}: đã hoàn thành. Cơ quan xử lý: Sở Công Thương tỉnh Đồng Tháp.`);
  });
});
