/**
 * The dashboard and the statistics export on a known data set (a past period, so that nothing else
 * in the database counts), with exact figures, on PGlite and PostgreSQL.
 */
import ExcelJS from 'exceljs';
import { refreshStats, resetStats } from '../../src/store/stats-rollup';
import { eachTicketBatch, listTickets } from '../../src/store/tickets';
import { describeConsole } from './support';

const at = (local: string) => new Date(`${local}+07:00`).toISOString();

/** A conversation of the data set. */
interface Conversation {
  id: string;
  contactId: string;
  channel: string;
  created: string;
}

describeConsole('dashboard on %s', (f) => {
  let f1 = '';
  let f2 = '';

  beforeAll(async () => {
    const db = f.t.gw.ctx.db;
    const fields = await db.query<{ code: string }>('SELECT code FROM fields ORDER BY sort, code LIMIT 2');
    [f1, f2] = fields.rows.map((r) => r.code);
    const contact = async (name: string, channel: string, ext: string) => {
      const c = (await db.query<{ id: string }>('INSERT INTO contacts (display_name) VALUES ($1) RETURNING id', [name])).rows[0].id;
      const i = (
        await db.query<{ id: string }>(
          'INSERT INTO contact_identities (contact_id, channel, external_id) VALUES ($1, $2, $3) RETURNING id',
          [c, channel, ext],
        )
      ).rows[0].id;
      return { c, i };
    };
    /** A citizen's conversation, opened by their message at `created`. */
    const conversation = async (channel: string, ext: string, created: string, state = 'closed'): Promise<Conversation> => {
      const k = await contact(`Công dân ${ext}`, channel, ext);
      const r = await db.query<{ id: string }>(
        `INSERT INTO conversations (contact_id, identity_id, channel, external_user_id, state, created_at, last_message_at, closed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $6, CASE WHEN $5 = 'closed' THEN $6::timestamptz END) RETURNING id`,
        [k.c, k.i, channel, ext, state, at(created)],
      );
      const conv: Conversation = { id: r.rows[0].id, contactId: k.c, channel, created };
      await message(conv.id, channel, 'in', created);
      return conv;
    };
    const message = (conv: string, channel: string, direction: 'in' | 'out', created: string, authorUserId: string | null = null) =>
      db.query(
        `INSERT INTO messages (conversation_id, channel, direction, author_kind, author_user_id, text, status, created_at)
         VALUES ($1, $2, $3, $4, $5, 'tin nhắn', $6, $7)`,
        [
          conv,
          channel,
          direction,
          direction === 'in' ? 'citizen' : 'operator',
          authorUserId,
          direction === 'in' ? 'received' : 'sent',
          at(created),
        ],
      );
    /** What a ticket opened from `conv` takes from it: channel, conversation, citizen and time. */
    const openedFrom = (conv: Conversation) => ({ channel: conv.channel, conv: conv.id, contact: conv.contactId, created: conv.created });
    const ticket = async (code: string, status: string, t: Record<string, unknown>) =>
      (
        await db.query<{ id: string }>(
          `INSERT INTO tickets (code, status, channel, field, agency_id, assignee_id, title, conversation_id, contact_id, created_by, created_at, due_at, first_response_at, closed_at, csat)
           VALUES ($1, $2, $3, $4, $5, $6, 'Phiếu mẫu', $7, $8, 'bot', $9, $10, $11, $12, $13) RETURNING id`,
          [
            code,
            status,
            t.channel,
            t.field ?? null,
            t.agency ?? null,
            t.assignee ?? null,
            t.conv ?? null,
            t.contact ?? null,
            at(t.created as string),
            t.due ?? null,
            t.fr ? at(t.fr as string) : null,
            t.closed ? at(t.closed as string) : null,
            t.csat ?? null,
          ],
        )
      ).rows[0].id;
    const event = (type: string, conv: string, userId: string, created: string) =>
      db.query(
        `INSERT INTO events (conversation_id, type, actor_kind, actor_user_id, actor_name, created_at) VALUES ($1, $2, 'operator', $3, 'x', $4)`,
        [conv, type, userId, at(created)],
      );

    const op = f.users.operator;
    /** The operator takes `conv` over from the bot and answers it, then maybe closes it: what the ticket opened from `conv` records. */
    const handle = async (conv: Conversation, takenOver: string, answered: string, closed?: string) => {
      await event('taken_over', conv.id, op, takenOver);
      await message(conv.id, conv.channel, 'out', answered, op);
      if (closed) await event('closed', conv.id, op, closed);
      return { ...openedFrom(conv), assignee: op, fr: answered, closed };
    };

    const c1 = await conversation('zalo', 'd-1', '2025-03-10T09:00:00');
    await message(c1.id, 'zalo', 'in', '2025-03-10T09:05:00');
    const c2 = await conversation('zalo', 'd-2', '2025-03-10T14:30:00');
    const t2 = await handle(c2, '2025-03-10T14:35:00', '2025-03-10T14:40:00', '2025-03-10T16:30:00');
    await ticket('1022-2025-900001', 'closed', { field: f1, agency: f.agencyA.id, csat: 5, ...t2 });
    const c3 = await conversation('facebook', 'd-3', '2025-03-11T08:15:00', 'operator');
    const t3 = await handle(c3, '2025-03-11T08:40:00', '2025-03-11T08:45:00');
    await ticket('1022-2025-900002', 'forwarded', { field: f2, agency: f.agencyA.id, due: at('2025-03-14T08:15:00'), ...t3 });
    await conversation('edongthap', 'd-4', '2025-03-12T20:00:00');
    await ticket('1022-2025-900003', 'new', {
      channel: 'phone',
      assignee: f.users.operator2,
      created: '2025-03-12T10:00:00',
      due: new Date(Date.now() + 86_400_000).toISOString(),
    });
    // Outside the period; its ticket names no citizen.
    const c5 = await conversation('edongthap', 'd-5', '2025-03-01T10:00:00');
    await ticket('1022-2025-900000', 'closed', {
      field: f1,
      agency: f.agencyB.id,
      csat: 1,
      ...openedFrom(c5),
      contact: null,
      closed: '2025-03-02T10:00:00',
    });
  });

  /** A supervisor's workbook export of the period, and the answer that carried it. */
  const workbook = async (path: string) => {
    const res = await f.as('supervisor').get(path).query({ from: '2025-03-10', to: '2025-03-12' }).responseType('blob').expect(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as unknown as ArrayBuffer);
    return { res, wb };
  };

  test('every figure of the period', async () => {
    const d = (await f.as('supervisor').get('/api/stats/dashboard').query({ from: '2025-03-10', to: '2025-03-12' }).expect(200)).body;
    expect(d.period).toEqual({ from: at('2025-03-10T00:00:00'), to: at('2025-03-13T00:00:00') });
    expect(d.totals).toEqual({
      conversations: 4,
      messagesIn: 5,
      tickets: 3,
      botResolved: 2,
      escalated: 2,
      botResolvedRate: 0.5,
      open: 2,
      overdue: 1,
    });
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
    expect(d.byField).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: f1, tickets: 1 }),
        expect.objectContaining({ field: f2, tickets: 1 }),
        { field: '', label: 'Chưa phân loại', tickets: 1 },
      ]),
    );
    expect(d.byAgency).toEqual([{ code: f.agencyA.code, name: f.agencyA.name, tickets: 2, open: 1, overdue: 1 }]);
    expect(d.firstResponse).toEqual({ p50_s: 1200, p90_s: 1680 });
    expect(d.resolution).toEqual({ p50_s: 7200, p90_s: 7200 });
    expect(d.csat).toEqual({ average: 5, count: 1, distribution: { 1: 0, 2: 0, 3: 0, 4: 0, 5: 1 } });
    const op = d.operators.find((o: { userId: string }) => o.userId === f.users.operator);
    expect(op).toMatchObject({ name: 'Tổng đài viên Lan', takenOver: 2, replies: 2, closed: 1, firstResponseP50_s: 1200 });
    expect(op.lastActivityAt).not.toBeNull();
    expect(d.operators.find((o: { userId: string }) => o.userId === f.users.operator2)).toMatchObject({
      takenOver: 0,
      replies: 0,
      closed: 0,
      firstResponseP50_s: null,
    });
    expect(d.operators.some((o: { userId: string }) => o.userId === f.users.agencyA)).toBe(false);
    // Operators only: admins and supervisors are listed nowhere in the table, even without activity (operator2 has none).
    expect(d.operators.some((o: { userId: string }) => [f.users.admin, f.users.supervisor].includes(o.userId))).toBe(false);
    expect(d.operators[0].userId).toBe(f.users.operator);
  });

  test('an empty period, the default period, bad periods and roles', async () => {
    const empty = (await f.as('admin').get('/api/stats/dashboard').query({ from: '2024-01-01', to: '2024-01-01' }).expect(200)).body;
    expect(empty.totals).toEqual({
      conversations: 0,
      messagesIn: 0,
      tickets: 0,
      botResolved: 0,
      escalated: 0,
      botResolvedRate: 0,
      open: 0,
      overdue: 0,
    });
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
    const { res, wb } = await workbook('/api/export/stats.xlsx');
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(wb.worksheets.map((w) => w.name)).toEqual([
      'Tổng quan',
      'Theo ngày',
      'Theo giờ',
      'Theo kênh',
      'Theo lĩnh vực',
      'Theo loại nội dung',
      'Theo cấp thẩm quyền',
      'Theo cơ quan',
      'Tổng đài viên',
      'Đánh giá',
    ]);
    const rows = (name: string) => (wb.getWorksheet(name)!.getSheetValues() as unknown[][]).filter(Boolean).map((r) => r.slice(1));
    const overview = Object.fromEntries(
      rows('Tổng quan')
        .slice(1)
        .map(([k, v]) => [k, v]),
    );
    expect(overview).toMatchObject({
      'Cuộc hội thoại': 4,
      'Tin nhắn của công dân': 5,
      Phiếu: 3,
      'Trợ lý ảo tự giải quyết': 2,
      'Phiếu quá hạn': 1,
      'Tỷ lệ trợ lý ảo tự giải quyết (%)': 50,
      // The exclusive end (13/03 00:00) shown as the period's last second; durations as h:mm.
      Từ: '10/03/2025 00:00:00',
      Đến: '12/03/2025 23:59:59',
      'Phản hồi đầu tiên, trung vị (giờ:phút)': '0:20',
      'Phản hồi đầu tiên, P90 (giờ:phút)': '0:28',
      'Thời gian giải quyết, trung vị (giờ:phút)': '2:00',
    });
    expect(rows('Theo ngày')).toEqual([
      ['Ngày', 'Cuộc hội thoại', 'Phiếu'],
      ['2025-03-10', 2, 1],
      ['2025-03-11', 1, 1],
      ['2025-03-12', 1, 1],
    ]);
    expect(rows('Theo giờ')).toHaveLength(25);
    expect(rows('Theo kênh')[1]).toEqual(['Zalo', 'zalo', 2, 1]);
    expect(rows('Theo cơ quan').slice(1)).toEqual([[f.agencyA.name, f.agencyA.code, 2, 1, 1]]);
    expect(rows('Đánh giá').slice(1)).toEqual([
      [1, 0],
      [2, 0],
      [3, 0],
      [4, 0],
      [5, 1],
    ]);
    expect(
      rows('Tổng đài viên')
        .find((r) => r[0] === 'Tổng đài viên Lan')!
        .slice(0, 4),
    ).toEqual(['Tổng đài viên Lan', 2, 2, 1]);
  });

  test('ticket statistics by day, hour, field, agency and operator, with filters', async () => {
    const stats = async (by: string, extra: Record<string, string> = {}) =>
      (
        await f
          .as('supervisor')
          .get('/api/stats/tickets')
          .query({ by, from: '2025-03-10', to: '2025-03-12', ...extra })
          .expect(200)
      ).body.items as Record<string, unknown>[];
    const pick = (rows: Record<string, unknown>[]) => rows.map((r) => [r.key, r.label, r.total]);
    expect(pick(await stats('day'))).toEqual([
      ['2025-03-10', '10/03/2025', 1],
      ['2025-03-11', '11/03/2025', 1],
      ['2025-03-12', '12/03/2025', 1],
    ]);
    expect(pick(await stats('hour'))).toEqual([
      ['08', '08h', 1],
      ['10', '10h', 1],
      ['14', '14h', 1],
    ]);
    const byOperator = await stats('operator');
    expect(pick(byOperator)).toEqual([
      ['op', 'Tổng đài viên Lan', 2],
      ['op2', 'Tổng đài viên Hùng', 1],
    ]);
    expect(byOperator[0]).toMatchObject({
      closed: 1,
      open: 1,
      overdue: 1,
      from_bot: 2,
      csat_avg: 5,
      first_response_p50_s: 1200,
      resolution_p50_s: 7200,
    });
    const byField = await stats('field');
    expect(byField.map((r) => r.key).sort()).toEqual(['', f1, f2].sort());
    expect(byField.find((r) => r.key === '')).toMatchObject({ label: 'Chưa phân loại', total: 1 });
    expect(pick(await stats('agency'))).toEqual([
      [f.agencyA.code, f.agencyA.name, 2],
      ['', 'Chưa chuyển', 1],
    ]);
    expect(pick(await stats('channel', { agency: f.agencyA.code }))).toEqual([
      ['facebook', 'facebook', 1],
      ['zalo', 'zalo', 1],
    ]);
    expect(pick(await stats('day', { q: 'Công dân d-2' }))).toEqual([['2025-03-10', '10/03/2025', 1]]);
  });

  test('daily roll-ups give the same figures as the tables, and a change to a rolled-up day shows at once', async () => {
    const db = f.t.gw.ctx.db;
    const get = async (from: string, to: string) =>
      (await f.as('supervisor').get('/api/stats/dashboard').query({ from, to }).expect(200)).body;
    // Whole days, and a period cut inside its first and last days.
    const periods: [string, string][] = [
      ['2025-03-01', '2025-03-12'],
      [at('2025-03-10T12:00:00'), at('2025-03-12T18:00:00')],
    ];

    await resetStats(db);
    const live = [];
    for (const [from, to] of periods) live.push(await get(from, to));
    const { rolled } = await refreshStats(db);
    expect(rolled).toBeGreaterThan(260); // every day from 2025-03-01 to the day before yesterday at least
    const rolledUp = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM stats_daily WHERE day = vn_day('2025-03-10T12:00:00+07')`,
    );
    expect(rolledUp.rows[0].n).toBeGreaterThan(5);
    for (const [i, [from, to]] of periods.entries()) {
      const d = await get(from, to);
      expect({ ...d, operators: d.operators.map((o: { lastActivityAt: unknown }) => ({ ...o, lastActivityAt: null })) }).toEqual({
        ...live[i],
        operators: live[i].operators.map((o: { lastActivityAt: unknown }) => ({ ...o, lastActivityAt: null })),
      });
    }
    expect(live[1].totals).toMatchObject({ conversations: 2, tickets: 3, messagesIn: 2 }); // from 12:00 on the 10th to 18:00 on the 12th

    // A rolled-up day changes (a ticket answered and rated later, a late e-mail): marked, and recomputed on the next read.
    await db.query(`UPDATE tickets SET status = 'closed', closed_at = '2025-03-13T08:15:00+07', csat = 3 WHERE code = '1022-2025-900002'`);
    await db.query(`INSERT INTO messages (conversation_id, channel, direction, author_kind, text, status, created_at)
                    SELECT conversation_id, 'facebook', 'in', 'citizen', 'thư đến muộn', 'received', '2025-03-11T23:30:00+07' FROM tickets WHERE code = '1022-2025-900002'`);
    const dirty = await db.query<{ day: number }>(`SELECT day FROM stats_dirty ORDER BY day`);
    expect(dirty.rows.map((r) => r.day)).toEqual([20158]); // 2025-03-11
    const after = await get('2025-03-10', '2025-03-12');
    expect(after.totals).toMatchObject({ messagesIn: 6, open: 1, overdue: 0 });
    expect(after.csat).toEqual({ average: 4, count: 2, distribution: { 1: 0, 2: 0, 3: 1, 4: 0, 5: 1 } });
    expect(after.byHour.find((h: { hour: number }) => h.hour === 23).messages).toBe(1);
    expect((await db.query(`SELECT 1 FROM stats_dirty`)).rows).toHaveLength(0);

    // Writes for today do not mark anything: today is always read from the tables.
    await db.query(`INSERT INTO messages (conversation_id, channel, direction, author_kind, text, status)
                    SELECT conversation_id, 'facebook', 'in', 'citizen', 'hôm nay', 'received' FROM tickets WHERE code = '1022-2025-900002'`);
    expect((await db.query(`SELECT 1 FROM stats_dirty`)).rows).toHaveLength(0);

    // Two refreshes at once (two gateways on one server) agree.
    await resetStats(db);
    await Promise.all([refreshStats(db), refreshStats(db)]);
    expect(await get('2025-03-10', '2025-03-12')).toEqual(after);
  });

  test('exports read tickets in keyset batches: every ticket once, newest first, ties included', async () => {
    const db = f.t.gw.ctx.db;
    await db.query(
      `INSERT INTO tickets (code, status, channel, title, created_by, created_at) VALUES ('1022-2025-900004', 'new', 'phone', 'Cùng thời điểm', 'operator', $1)`,
      [at('2025-03-10T14:30:00')],
    );
    const period = { from: new Date(at('2025-03-10T00:00:00')), to: new Date(at('2025-03-13T00:00:00')) };
    const all = await listTickets(db, period, 1, 100);
    const batches: string[][] = [];
    const total = await eachTicketBatch(
      db,
      period,
      't.code AS code',
      async (rows) => void batches.push(rows.map((r) => String(r.code))),
      1,
    );
    expect(total).toBe(4);
    expect(batches.flat()).toEqual(all.items.map((t) => t.code));
    expect(new Set(batches.flat()).size).toBe(4);
    expect(batches.flat().slice(0, 2)).toEqual(['1022-2025-900003', '1022-2025-900002']);
    // A consumer that stops early (the client went away) ends the reading.
    let seen = 0;
    await eachTicketBatch(db, period, 't.code', async () => ++seen < 2, 1);
    expect(seen).toBe(2);
    const csv = (await f.as('supervisor').get('/api/export/tickets.csv').query({ from: '2025-03-10', to: '2025-03-12' }).expect(200)).text;
    const lines = csv
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(5);
    // Times in Vietnam time, durations as hours:minutes, empty cells for what did not happen.
    const header = lines[0].split(',');
    const row = Object.fromEntries(
      lines
        .find((l) => l.startsWith('1022-2025-900001'))!
        .split(',')
        .map((v, i) => [header[i], v]),
    );
    expect(row).toMatchObject({
      'Thời điểm tạo': '2025-03-10 14:30:00',
      'Phản hồi đầu tiên': '2025-03-10 14:40:00',
      'Đã đóng': '2025-03-10 16:30:00',
      'Hạn xử lý': '',
      'Thời gian đến phản hồi đầu (giờ:phút)': '0:10',
      'Thời gian đến khi đóng (giờ:phút)': '2:00',
      'Đánh giá (1-5)': '5',
      'Cơ quan xử lý': f.agencyA.name,
      'Tổng đài viên': 'Tổng đài viên Lan',
      'Công dân': 'Công dân d-2',
    });
    const { wb } = await workbook('/api/export/tickets.xlsx');
    const ws = wb.worksheets[0];
    const cells = ws.getRow(1).values as unknown[];
    const xrow = [...Array(ws.rowCount).keys()].map((i) => ws.getRow(i + 1)).find((r) => r.getCell(1).value === '1022-2025-900001')!;
    const cell = (h: string) => xrow.getCell(cells.indexOf(h)).value;
    expect(cell('Thời điểm tạo')).toEqual(new Date('2025-03-10T14:30:00Z')); // shown as 10/03/2025 14:30
    // A duration cell: two hours as a fraction of a day, shown as [h]:mm (exceljs reads a time-formatted
    // number back as a Date counted from Excel's day zero, 30/12/1899).
    expect(cell('Thời gian đến khi đóng (giờ:phút)')).toEqual(new Date(Date.UTC(1899, 11, 30, 2, 0, 0)));
    expect(xrow.getCell(cells.indexOf('Thời gian đến khi đóng (giờ:phút)')).numFmt).toBe('[h]:mm');
    expect(cell('Đánh giá (1-5)')).toBe(5);
    expect(cell('Hạn xử lý')).toBeNull();
  });
});
