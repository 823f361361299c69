/**
 * Agencies are told and reminded, on PGlite and PostgreSQL, with a real Dovecot (the email channel's
 * mailbox) and an SMTP test server: a forward mails the agency's focal-point addresses (code, field,
 * summary, console link, deadline in Vietnam time) and tells the citizen to whom the ticket went; the
 * deadline reminders go once each, even when two nodes look at the same time; focal points see them in
 * the console's bell. Tickets carry a content type and a level, counted by the statistics and exports.
 */
import request from 'supertest';
import type { SmtpSink } from '../adapters/email/support';
import { remindAgencies } from '../../src/operations/agency-notify';
import { databaseKinds } from '../support/databases';
import { citizenMessage, type TestGateway } from '../support/gateway';
import { startMailGateway, type MailTestGateway } from '../support/mail-gateway';
import { waitFor, waitForValue } from '../support/wait';
import { parseCsv } from '../../src/knowledge/csv';

const SCT = ['congthuong@dongthap.gov.vn', 'vanthu.sct@dongthap.gov.vn'];
const CODE = /1022-\d{4}-\d{6}-[A-Z2-9]{4}/;

/** "HH:MM ngày DD/MM/YYYY" of a time in Vietnam (UTC+7), written independently of the code under test. */
function vnDeadline(d: Date): string {
  const v = new Date(d.getTime() + 7 * 3_600_000);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(v.getUTCHours())}:${two(v.getUTCMinutes())} ngày ${two(v.getUTCDate())}/${two(v.getUTCMonth() + 1)}/${v.getUTCFullYear()}`;
}

describe.each(databaseKinds())('agencies told and reminded on %s', (kind) => {
  let mail: MailTestGateway | undefined;
  let smtp: SmtpSink;
  let t: TestGateway;
  let admin: string;
  let focal: string;
  let code: string;
  let dueAt: Date;

  beforeAll(async () => {
    mail = await startMailGateway(kind, '"Tổng đài 1022 Đồng Tháp" <hotline@1022.test>', {
      PUBLIC_BASE_URL: 'https://1022.dongthap.gov.vn',
    });
    ({ smtp, t, admin } = mail);
    await request(t.app)
      .patch('/api/agencies/so_cong_thuong')
      .set('authorization', admin)
      .send({ email: SCT.join('; ') })
      .expect(200);
    await request(t.app)
      .post('/api/users')
      .set('authorization', admin)
      .send({
        username: 'dm.sct',
        displayName: 'Đầu mối Sở Công Thương',
        role: 'agency',
        agency: 'so_cong_thuong',
        password: 'dau-moi-sct-1',
      })
      .expect(201);
    await t.gw.ctx.db.query(`UPDATE users SET must_change_password = false WHERE username = 'dm.sct'`);
    focal = await t.login('dm.sct', 'dau-moi-sct-1');
  }, 180_000);

  afterAll(() => mail?.stop());

  const bell = async () =>
    (await request(t.app).get('/api/notifications').set('authorization', focal).expect(200)).body as {
      items: { id: string; kind: string; ticketCode: string; read: boolean }[];
      unread: number;
    };
  const reminders = async (kind: string) =>
    (await t.gw.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM agency_notifications WHERE kind = $1', [kind])).rows[0].n;
  const mailsAbout = (c: string, subject: RegExp) =>
    smtp.mails.filter((m) => m.mail.subject?.includes(c) && subject.test(m.mail.subject ?? ''));

  test('a forward mails every focal-point address and tells the citizen to whom the ticket went', async () => {
    await t
      .postCitizen(citizenMessage('u-agency-1', 'Chợ Mỹ Phú bán hàng giả, hàng nhái công khai ở đường Nguyễn Huệ từ sáng nay'))
      .expect(200);
    code = (await waitForValue(
      async () =>
        t.citizenApp
          .to('u-agency-1')
          .map((m) => m.text)
          .join('\n')
          .match(CODE)?.[0] ?? '',
      (c) => !!c,
    ))!;
    dueAt = new Date(Date.now() + 3 * 86_400_000);
    const forwarded = await request(t.app)
      .post(`/api/tickets/${code}/forward`)
      .set('authorization', admin)
      .send({ agency: 'so_cong_thuong', dueAt: dueAt.toISOString(), note: 'Đề nghị kiểm tra, xử lý' })
      .expect(200);
    // The level follows the agency (a provincial department) when none was set.
    expect(forwarded.body.level).toBe('tinh');

    await waitFor(() => mailsAbout(code, /chuyển phiếu/).length > 0, 20_000);
    const [mail] = mailsAbout(code, /chuyển phiếu/);
    expect(mail.to.sort()).toEqual([...SCT].sort());
    expect(mail.mail.subject).toBe(`[${code}] Tổng đài 1022 chuyển phiếu đề nghị xử lý`);
    expect(mail.mail.headers.get('auto-submitted')).toBe('auto-generated');
    const body = mail.mail.text ?? '';
    expect(body).toContain('Kính gửi: Sở Công Thương tỉnh Đồng Tháp,');
    expect(body).toContain(`Mã phiếu: ${code}`);
    expect(body).toContain(`Hạn trả lời: ${vnDeadline(dueAt)} (giờ Việt Nam)`);
    expect(body).toContain('Chợ Mỹ Phú bán hàng giả');
    expect(body).toContain('Ghi chú của Tổng đài: Đề nghị kiểm tra, xử lý');
    expect(body).toContain(`https://1022.dongthap.gov.vn/tickets/${code}`);
    expect(body).toMatch(/Lĩnh vực: \S/);

    await t.citizenApp.waitFor(
      () => t.citizenApp.to('u-agency-1').some((m) => m.text.startsWith(`Phiếu ${code} của anh/chị đã được chuyển đến`)),
      15_000,
      'the forward notice',
    );
    const notice = t.citizenApp.to('u-agency-1').find((m) => m.text.startsWith(`Phiếu ${code} của anh/chị`))!;
    expect(notice.text).toBe(
      `Phiếu ${code} của anh/chị đã được chuyển đến Sở Công Thương tỉnh Đồng Tháp để xem xét, giải quyết. Hạn trả lời: ${vnDeadline(dueAt)}. Anh/chị có thể nhắn mã phiếu để tra cứu tình trạng xử lý.`,
    );

    const b = await bell();
    expect(b.unread).toBe(1);
    expect(b.items).toEqual([expect.objectContaining({ kind: 'forwarded', ticketCode: code, read: false })]);
  });

  test('staff have no bell; a focal point marks items read', async () => {
    await request(t.app).get('/api/notifications').set('authorization', admin).expect(403);
    const b = await bell();
    await request(t.app)
      .post('/api/notifications/read')
      .set('authorization', focal)
      .send({ ids: [b.items[0].id] })
      .expect(200);
    expect((await bell()).unread).toBe(0);
  });

  test('a reminder before the deadline and one after it, each sent once even when two nodes look together', async () => {
    // The forward was three days ago and the deadline is in two hours: the "deadline near" reminder is due.
    await t.gw.ctx.db.query(`UPDATE agency_notifications SET created_at = created_at - interval '3 days'`);
    await request(t.app)
      .patch(`/api/tickets/${code}`)
      .set('authorization', admin)
      .send({ dueAt: new Date(Date.now() + 2 * 3_600_000).toISOString() })
      .expect(200);
    // Two rounds at once, as two nodes would run them (the gateway's own periodic round may join in).
    await Promise.all([remindAgencies(t.gw.ctx), remindAgencies(t.gw.ctx)]);
    expect(await reminders('due_soon')).toBe(1);
    await waitFor(() => mailsAbout(code, /sắp đến hạn/).length > 0, 20_000);

    // The deadline passes with no answer from the agency.
    await request(t.app)
      .patch(`/api/tickets/${code}`)
      .set('authorization', admin)
      .send({ dueAt: new Date(Date.now() - 60_000).toISOString() })
      .expect(200);
    await Promise.all([remindAgencies(t.gw.ctx), remindAgencies(t.gw.ctx)]);
    expect(await reminders('overdue')).toBe(1);
    expect(await remindAgencies(t.gw.ctx)).toBe(0);
    await waitFor(() => mailsAbout(code, /quá hạn/).length > 0, 20_000);
    const overdue = mailsAbout(code, /quá hạn/)[0];
    expect(overdue.mail.subject).toBe(`[${code}] Phiếu đã quá hạn trả lời`);
    expect(overdue.mail.text).toContain('đã quá hạn trả lời');
    // Give the workers a moment: nothing else is sent for these deadlines.
    await new Promise((r) => setTimeout(r, 500));
    expect(mailsAbout(code, /sắp đến hạn/)).toHaveLength(1);
    expect(mailsAbout(code, /quá hạn/)).toHaveLength(1);

    const b = await bell();
    expect(b.items.map((i) => i.kind)).toEqual(['overdue', 'due_soon', 'forwarded']);
    expect(b.unread).toBe(2);
    const stored = await t.gw.ctx.db.query<{ kind: string; mail_status: string }>(
      `SELECT kind, mail_status FROM agency_notifications ORDER BY created_at`,
    );
    expect(stored.rows.every((r) => r.mail_status === 'sent')).toBe(true);
  });

  test('content type and level: set on the ticket, counted by the statistics, labelled in the exports', async () => {
    await request(t.app).patch(`/api/tickets/${code}`).set('authorization', admin).send({ contentType: 'khieu_nai' }).expect(200);
    const byType = await request(t.app).get('/api/stats/tickets?by=contentType').set('authorization', admin).expect(200);
    expect(byType.body.items).toContainEqual(expect.objectContaining({ key: 'khieu_nai', label: 'Khiếu nại', total: 1 }));
    const byLevel = await request(t.app).get('/api/stats/tickets?by=level').set('authorization', admin).expect(200);
    expect(byLevel.body.items).toContainEqual(expect.objectContaining({ key: 'tinh', label: 'Cấp tỉnh', total: 1 }));
    const filtered = await request(t.app).get('/api/tickets?contentType=khieu_nai&level=tinh').set('authorization', admin).expect(200);
    expect(filtered.body.items.map((x: { code: string }) => x.code)).toEqual([code]);

    const csv = await request(t.app).get(`/api/export/tickets.csv?q=${code}`).set('authorization', admin).expect(200);
    // Cells may hold commas (Vietnamese labels, texts): a real CSV parse.
    const [exported] = parseCsv(csv.text.replace(/^\uFEFF/, '')).records;
    expect(exported.values['Loại nội dung']).toBe('Khiếu nại');
    expect(exported.values['Cấp thẩm quyền']).toBe('Cấp tỉnh');

    const dash = await request(t.app).get('/api/stats/dashboard').set('authorization', admin).expect(200);
    expect(dash.body.byContentType).toContainEqual({ contentType: 'khieu_nai', label: 'Khiếu nại', tickets: 1 });
    expect(dash.body.byLevel).toContainEqual({ level: 'tinh', label: 'Cấp tỉnh', tickets: 1 });
  });

  test('forwarding suggestions start with the commune the text names, a former name included', async () => {
    const r = await request(t.app)
      .post('/api/tickets')
      .set('authorization', admin)
      .send({ title: 'Đường ngập nước', content: 'Đường vào ấp 3 xa Tan Thanh B ngập sâu sau mưa', field: 'ha_tang_giao_thong' })
      .expect(201);
    const s = await request(t.app).get(`/api/tickets/${r.body.code}/agency-suggestions`).set('authorization', admin).expect(200);
    expect(s.body[0]).toMatchObject({ code: 'xa_tan_ho_co', reason: 'place', matched: 'xa tan thanh b' });
    // The field's agencies follow; no ward the text does not name.
    expect(s.body.slice(1).every((a: { reason: string; kind: string }) => a.reason === 'field' && a.kind !== 'commune')).toBe(true);
    expect(s.body.length).toBeGreaterThan(1);
  });
});
