/**
 * The dashboard and the statistics export on a known data set (a past period, so that nothing else
 * in the database counts), with exact figures, on PGlite and PostgreSQL.
 */
import ExcelJS from 'exceljs';
import { databaseKinds } from '../support/databases';
import { startConsole, type ConsoleFixture } from './support';

const at = (local: string) => new Date(`${local}+07:00`).toISOString();

describe.each(databaseKinds())('dashboard on %s', (kind) => {
  let f: ConsoleFixture;
  let f1 = '';
  let f2 = '';

  beforeAll(async () => {
    f = await startConsole(kind);
    const db = f.t.gw.ctx.db;
    const fields = await db.query<{ code: string }>('SELECT code FROM fields ORDER BY sort, code LIMIT 2');
    [f1, f2] = fields.rows.map((r) => r.code);
    const contact = async (name: string, channel: string, ext: string) => {
      const c = (await db.query<{ id: string }>('INSERT INTO contacts (display_name) VALUES ($1) RETURNING id', [name])).rows[0].id;
      const i = (await db.query<{ id: string }>('INSERT INTO contact_identities (contact_id, channel, external_id) VALUES ($1, $2, $3) RETURNING id', [c, channel, ext])).rows[0].id;
      return { c, i };
    };
    const conversation = async (channel: string, ext: string, created: string, state = 'closed') => {
      const k = await contact(`Công dân ${ext}`, channel, ext);
      const r = await db.query<{ id: string }>(
        `INSERT INTO conversations (contact_id, identity_id, channel, external_user_id, state, created_at, last_message_at, closed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6, CASE WHEN $5 = 'closed' THEN $6::timestamptz END) RETURNING id`,
        [k.c, k.i, channel, ext, state, at(created)],
      );
      return { id: r.rows[0].id, contactId: k.c };
    };
    const message = (conv: string, channel: string, direction: 'in' | 'out', created: string, authorUserId: string | null = null) =>
      db.query(
        `INSERT INTO messages (conversation_id, channel, direction, author_kind, author_user_id, text, status, created_at)
         VALUES ($1, $2, $3, $4, $5, 'tin nhắn', $6, $7)`,
        [conv, channel, direction, direction === 'in' ? 'citizen' : 'operator', authorUserId, direction === 'in' ? 'received' : 'sent', at(created)],
      );
    const ticket = async (t: Record<string, unknown>) =>
      (
        await db.query<{ id: string }>(
          `INSERT INTO tickets (code, status, channel, field, agency_id, assignee_id, title, conversation_id, contact_id, created_by, created_at, due_at, first_response_at, closed_at, csat)
           VALUES ($1, $2, $3, $4, $5, $6, 'Phiếu mẫu', $7, $8, 'bot', $9, $10, $11, $12, $13) RETURNING id`,
          [t.code, t.status, t.channel, t.field ?? null, t.agency ?? null, t.assignee ?? null, t.conv ?? null, t.contact ?? null, at(t.created as string), t.due ?? null, t.fr ? at(t.fr as string) : null, t.closed ? at(t.closed as string) : null, t.csat ?? null],
        )
      ).rows[0].id;
    const event = (type: string, conv: string, userId: string, created: string) =>
      db.query(`INSERT INTO events (conversation_id, type, actor_kind, actor_user_id, actor_name, created_at) VALUES ($1, $2, 'operator', $3, 'x', $4)`, [conv, type, userId, at(created)]);

    const op = f.users.operator;
    const c1 = await conversation('zalo', 'd-1', '2025-03-10T09:00:00');
    await message(c1.id, 'zalo', 'in', '2025-03-10T09:00:00');
    await message(c1.id, 'zalo', 'in', '2025-03-10T09:05:00');
    const c2 = await conversation('zalo', 'd-2', '2025-03-10T14:30:00');
    await message(c2.id, 'zalo', 'in', '2025-03-10T14:30:00');
    await ticket({ code: '1022-2025-900001', status: 'closed', channel: 'zalo', field: f1, agency: f.agencyA.id, assignee: op, conv: c2.id, contact: c2.contactId, created: '2025-03-10T14:30:00', fr: '2025-03-10T14:40:00', closed: '2025-03-10T16:30:00', csat: 5 });
    await event('taken_over', c2.id, op, '2025-03-10T14:35:00');
    await message(c2.id, 'zalo', 'out', '2025-03-10T14:40:00', op);
    await event('closed', c2.id, op, '2025-03-10T16:30:00');
    const c3 = await conversation('facebook', 'd-3', '2025-03-11T08:15:00', 'operator');
    await message(c3.id, 'facebook', 'in', '2025-03-11T08:15:00');
    await ticket({ code: '1022-2025-900002', status: 'forwarded', channel: 'facebook', field: f2, agency: f.agencyA.id, assignee: op, conv: c3.id, contact: c3.contactId, created: '2025-03-11T08:15:00', due: at('2025-03-14T08:15:00'), fr: '2025-03-11T08:45:00' });
    await event('taken_over', c3.id, op, '2025-03-11T08:40:00');
    await message(c3.id, 'facebook', 'out', '2025-03-11T08:45:00', op);
    const c4 = await conversation('edongthap', 'd-4', '2025-03-12T20:00:00');
    await message(c4.id, 'edongthap', 'in', '2025-03-12T20:00:00');
    await ticket({ code: '1022-2025-900003', status: 'new', channel: 'phone', assignee: f.users.operator2, created: '2025-03-12T10:00:00', due: new Date(Date.now() + 86_400_000).toISOString() });
    // Outside the period.
    const c5 = await conversation('edongthap', 'd-5', '2025-03-01T10:00:00');
    await message(c5.id, 'edongthap', 'in', '2025-03-01T10:00:00');
    await ticket({ code: '1022-2025-900000', status: 'closed', channel: 'edongthap', field: f1, agency: f.agencyB.id, conv: c5.id, created: '2025-03-01T10:00:00', closed: '2025-03-02T10:00:00', csat: 1 });
  });
  afterAll(async () => {
    await f.stop();
  });

  test('every figure of the period', async () => {
    const d = (await f.as('supervisor').get('/api/stats/dashboard').query({ from: '2025-03-10', to: '2025-03-12' }).expect(200)).body;
    expect(d.period).toEqual({ from: at('2025-03-10T00:00:00'), to: at('2025-03-13T00:00:00') });
    expect(d.totals).toEqual({ conversations: 4, messagesIn: 5, tickets: 3, botResolved: 2, escalated: 2, botResolvedRate: 0.5, open: 2, overdue: 1 });
    expect(d.byDay).toEqual([
      { day: '2025-03-10', conversations: 2, tickets: 1 },
      { day: '2025-03-11', conversations: 1, tickets: 1 },
      { day: '2025-03-12', conversations: 1, tickets: 1 },
    ]);
    expect(d.byHour).toHaveLength(24);
    expect(d.byHour.filter((h: { messages: number }) => h.messages > 0)).toEqual([
      { hour: 8, messages: 1 },
      { hour: 9, messages: 2 },
      { hour: 14, messages: 1 },
      { hour: 20, messages: 1 },
    ]);
    expect(d.byChannel).toEqual([
      { channel: 'zalo', conversations: 2, tickets: 1 },
      { channel: 'facebook', conversations: 1, tickets: 1 },
      { channel: 'edongthap', conversations: 1, tickets: 0 },
      { channel: 'phone', conversations: 0, tickets: 1 },
    ]);
    expect(d.byField).toHaveLength(3);
    expect(d.byField).toEqual(expect.arrayContaining([
      expect.objectContaining({ field: f1, tickets: 1 }),
      expect.objectContaining({ field: f2, tickets: 1 }),
      { field: '', label: 'Chưa phân loại', tickets: 1 },
    ]));
    expect(d.byAgency).toEqual([{ code: f.agencyA.code, name: f.agencyA.name, tickets: 2, open: 1, overdue: 1 }]);
    expect(d.firstResponse).toEqual({ p50_s: 1200, p90_s: 1680 });
    expect(d.resolution).toEqual({ p50_s: 7200, p90_s: 7200 });
    expect(d.csat).toEqual({ average: 5, count: 1, distribution: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 1 } });
    const op = d.operators.find((o: { userId: string }) => o.userId === f.users.operator);
    expect(op).toMatchObject({ name: 'Tổng đài viên Lan', takenOver: 2, replies: 2, closed: 1, firstResponseP50_s: 1200 });
    expect(op.lastActivityAt).not.toBeNull();
    expect(d.operators.find((o: { userId: string }) => o.userId === f.users.operator2)).toMatchObject({ takenOver: 0, replies: 0, closed: 0, firstResponseP50_s: null });
    expect(d.operators.some((o: { userId: string }) => o.userId === f.users.agencyA)).toBe(false);
    expect(d.operators[0].userId).toBe(f.users.operator);
  });

  test('an empty period, the default period, bad periods and roles', async () => {
    const empty = (await f.as('admin').get('/api/stats/dashboard').query({ from: '2024-01-01', to: '2024-01-01' }).expect(200)).body;
    expect(empty.totals).toEqual({ conversations: 0, messagesIn: 0, tickets: 0, botResolved: 0, escalated: 0, botResolvedRate: 0, open: 0, overdue: 0 });
    expect(empty.byDay).toEqual([{ day: '2024-01-01', conversations: 0, tickets: 0 }]);
    expect(empty.firstResponse).toEqual({ p50_s: null, p90_s: null });
    const def = (await f.as('supervisor').get('/api/stats/dashboard').expect(200)).body;
    expect(def.byDay.length).toBeGreaterThanOrEqual(30);
    expect(def.totals.tickets).toBe(0);
    await f.as('supervisor').get('/api/stats/dashboard').query({ from: '2025-03-12', to: '2025-03-10' }).expect(400);
    await f.as('supervisor').get('/api/stats/dashboard').query({ from: 'hôm qua' }).expect(400);
    await f.as('operator').get('/api/stats/dashboard').expect(403);
    await f.as('agencyA').get('/api/export/stats.xlsx').expect(403);
  });

  test('the statistics workbook opens with the right rows', async () => {
    const res = await f
      .as('supervisor')
      .get('/api/export/stats.xlsx')
      .query({ from: '2025-03-10', to: '2025-03-12' })
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      })
      .expect(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as unknown as ArrayBuffer);
    expect(wb.worksheets.map((w) => w.name)).toEqual(['Tổng quan', 'Theo ngày', 'Theo giờ', 'Theo kênh', 'Theo lĩnh vực', 'Theo cơ quan', 'Tổng đài viên', 'Đánh giá']);
    const rows = (name: string) => (wb.getWorksheet(name)!.getSheetValues() as unknown[][]).filter(Boolean).map((r) => r.slice(1));
    const overview = Object.fromEntries(rows('Tổng quan').slice(1).map(([k, v]) => [k, v]));
    expect(overview).toMatchObject({ 'Cuộc hội thoại': 4, 'Tin nhắn của công dân': 5, Phiếu: 3, 'Trợ lý ảo tự giải quyết': 2, 'Phiếu quá hạn': 1, 'Tỷ lệ trợ lý ảo tự giải quyết (%)': 50 });
    expect(rows('Theo ngày')).toEqual([
      ['Ngày', 'Cuộc hội thoại', 'Phiếu'],
      ['2025-03-10', 2, 1],
      ['2025-03-11', 1, 1],
      ['2025-03-12', 1, 1],
    ]);
    expect(rows('Theo giờ')).toHaveLength(25);
    expect(rows('Theo kênh')[1]).toEqual(['Zalo', 'zalo', 2, 1]);
    expect(rows('Theo cơ quan').slice(1)).toEqual([[f.agencyA.name, f.agencyA.code, 2, 1, 1]]);
    expect(rows('Đánh giá').slice(1)).toEqual([[1, 0], [2, 0], [3, 0], [4, 0], [5, 1]]);
    expect(rows('Tổng đài viên').find((r) => r[0] === 'Tổng đài viên Lan')!.slice(0, 4)).toEqual(['Tổng đài viên Lan', 2, 2, 1]);
  });
});
