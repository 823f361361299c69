/**
 * The operators' inbox on PGlite and PostgreSQL: list, filters, counters, search, conversation view
 * with delivery status, replies that reach the citizen app, notes, typing, attachments, contact
 * merge and canned replies.
 */
import { citizenMessage } from '../support/gateway';
import { conversationOf, describeConsole, escalation, replyReaching, waitForValue } from './support';

type Summary = {
  id: string;
  externalUserId: string;
  state: string;
  ticket: { code: string; priority: string } | null;
  contact: { id: string; displayName: string };
  replyWindow: unknown;
  lastMessage: unknown;
};

describeConsole('console inbox on %s', { ATTACHMENT_MAX_BYTES: '200000' }, (f) => {
  let code1 = '';
  let code3 = '';
  let conv1 = '';
  let conv2 = '';
  let conv3 = '';
  let field = '';

  const list = async (query: Record<string, string>, role: 'operator' | 'supervisor' = 'operator') =>
    (await f.as(role).get('/api/conversations').query(query).expect(200)).body as {
      items: Summary[];
      total: number;
      counts: Record<string, number>;
    };
  const users = (items: Summary[]) => items.map((i) => i.externalUserId).sort();

  beforeAll(async () => {
    field = (await f.t.gw.ctx.db.query<{ code: string }>('SELECT code FROM fields ORDER BY sort, code LIMIT 1')).rows[0].code;
    code1 = await escalation(f, 'u-in-1', 'cho tôi gặp tổng đài viên', { name: 'Trần Thị Hoa', phone: '0911000001' });
    await f.t
      .postCitizen(
        citizenMessage('u-in-2', 'Cho em hỏi làm giấy khai sinh cho con cần giấy tờ gì ạ?', { name: 'Lê Văn Bình', phone: '0911000002' }),
      )
      .expect(200);
    await f.t.citizenApp.waitFor(() => f.t.citizenApp.to('u-in-2').length >= 2);
    code3 = await escalation(f, 'u-in-3', 'tôi cần gặp tổng đài viên gấp', { name: 'Phạm Minh', phone: '0911000003' });
    conv1 = await conversationOf(f, code1);
    conv3 = await conversationOf(f, code3);
    conv2 = (await f.t.gw.ctx.db.query<{ id: string }>(`SELECT id FROM conversations WHERE external_user_id = 'u-in-2'`)).rows[0].id;
    await f.as('operator').patch(`/api/tickets/${code3}`).send({ priority: 'urgent', field }).expect(200);
    await f.as('operator').post(`/api/tickets/${code1}/forward`).send({ agency: f.agencyA.code, note: 'Nhờ cơ quan trả lời' }).expect(200);
  });
  afterEach(() => {
    expect(f.t.citizenApp.violations).toEqual([]);
  });

  test('the open inbox lists every conversation, newest activity first, with counters', async () => {
    const open = await list({});
    expect(users(open.items)).toEqual(['u-in-1', 'u-in-2', 'u-in-3']);
    expect(open.total).toBe(3);
    expect(open.counts).toEqual({ bot: 1, waiting: 2, mine: 0, open: 3, closed: 0, urgent: 1 });
    const times = open.items.map((i) => new Date((i.lastMessage as { at: string }).at).getTime());
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const one = open.items.find((i) => i.externalUserId === 'u-in-1')!;
    expect(one).toMatchObject({
      channel: 'edongthap',
      state: 'waiting',
      contact: { displayName: 'Trần Thị Hoa', phone: '0911000001' },
      ticket: { code: code1, status: 'forwarded', agency: { code: f.agencyA.code } },
      replyWindow: { closesAt: null, closed: false },
    });
  });

  test('filters: state, channel, field, agency, urgent', async () => {
    expect(users((await list({ state: 'bot' })).items)).toEqual(['u-in-2']);
    expect(users((await list({ state: 'waiting' })).items)).toEqual(['u-in-1', 'u-in-3']);
    expect((await list({ state: 'closed' })).items).toEqual([]);
    expect(users((await list({ channel: 'edongthap' })).items)).toHaveLength(3);
    expect((await list({ channel: 'zalo' })).total).toBe(0);
    expect(users((await list({ urgent: '1' })).items)).toEqual(['u-in-3']);
    expect(users((await list({ field })).items)).toEqual(['u-in-3']);
    const byAgency = await list({ agency: f.agencyA.code });
    expect(users(byAgency.items)).toEqual(['u-in-1']);
    expect(byAgency.counts.open).toBe(1);
    await f.as('operator').get('/api/conversations').query({ state: 'nope' }).expect(400);
  });

  test('search by ticket code, name, phone, e-mail and message words', async () => {
    await f.t.gw.ctx.db.query(`UPDATE contacts SET email = 'pham.minh@example.vn' WHERE phone = '0911000003'`);
    expect(users((await list({ q: code1 })).items)).toEqual(['u-in-1']);
    expect(users((await list({ q: code3.slice(-11) })).items)).toEqual(['u-in-3']);
    expect(users((await list({ q: 'Hoa' })).items)).toEqual(['u-in-1']);
    expect(users((await list({ q: '0911000002' })).items)).toEqual(['u-in-2']);
    expect(users((await list({ q: 'pham.minh@example' })).items)).toEqual(['u-in-3']);
    expect(users((await list({ q: 'khai sinh' })).items)).toEqual(['u-in-2']);
    expect(users((await list({ q: 'gấp' })).items)).toEqual(['u-in-3']);
    // The bot's receipt says "dịch vụ công" to every citizen: its texts are not searched.
    expect((await list({ q: 'dịch vụ công' })).total).toBe(0);
    expect((await list({ q: 'không-có-ai-như-vậy' })).total).toBe(0);
  });

  test('the conversation view: history with bot intents and delivery status, contact card, ticket and log', async () => {
    const d = await waitForValue(
      async () => (await f.as('operator').get(`/api/conversations/${conv2}`).expect(200)).body,
      (b) =>
        b.messages
          .filter((m: { direction: string; status: string }) => m.direction === 'out')
          .every((m: { status: string }) => m.status === 'sent'),
    );
    expect(d.conversation).toMatchObject({ id: conv2, state: 'bot', externalUserId: 'u-in-2' });
    expect(d.ticket).toBeNull();
    expect(d.contact).toMatchObject({ displayName: 'Lê Văn Bình', phone: '0911000002', tickets: [] });
    expect(d.contact.identities).toEqual([expect.objectContaining({ channel: 'edongthap', externalId: 'u-in-2' })]);
    const [incoming, receipt, answer] = d.messages;
    expect(incoming).toMatchObject({ direction: 'in', author: 'citizen', status: 'received', intent: { name: 'tt_khai_sinh' } });
    expect(receipt).toMatchObject({ direction: 'out', author: 'system', purpose: 'receipt', status: 'sent' });
    expect(receipt.sentAt).not.toBeNull();
    expect(answer).toMatchObject({ direction: 'out', author: 'bot', purpose: 'answer', status: 'sent', intent: { name: 'tt_khai_sinh' } });
    expect(answer.intent.confidence).toBeGreaterThan(0);
    // Operators read intents by their Vietnamese name (the procedure's title), never the raw id.
    expect(incoming.intent.label).toBe('Đăng ký khai sinh');
    expect(answer.intent.label).toBe('Đăng ký khai sinh');
    expect(JSON.stringify(d.messages)).not.toContain('storageKey');
    expect(d.events.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['conversation_opened', 'message_received', 'bot_decision', 'message_sent']),
    );
    const withTicket = (await f.as('operator').get(`/api/conversations/${conv1}`).expect(200)).body;
    expect(withTicket.ticket).toMatchObject({ code: code1, status: 'forwarded' });
    expect(withTicket.events.map((e: { type: string }) => e.type)).toEqual(
      expect.arrayContaining(['ticket_created', 'escalated', 'forwarded']),
    );
    await f.as('operator').get('/api/conversations/00000000-0000-0000-0000-000000000000').expect(404);
    await f.as('operator').get('/api/conversations/not-a-uuid').expect(404);
    await f.as('agencyA').get(`/api/conversations/${conv1}`).expect(403);
    await f.as('agencyA').get('/api/conversations').expect(403);
  });

  test('a reply reaches the citizen; a bot conversation is taken over; a failed delivery shows its reason', async () => {
    const res = await replyReaching(
      f,
      'operator',
      `/api/conversations/${conv2}/reply`,
      'u-in-2',
      'Chào anh Bình, tổng đài viên Lan xin hỗ trợ thêm.',
    );
    const view = await waitForValue(
      async () => (await f.as('operator').get(`/api/conversations/${conv2}`).expect(200)).body,
      (b) => b.messages.find((m: { id: string }) => m.id === res.body.messageId)?.status === 'sent',
    );
    expect(view.conversation).toMatchObject({ state: 'operator', assignee: { name: 'Tổng đài viên Lan' } });
    expect(view.messages.find((m: { id: string }) => m.id === res.body.messageId)).toMatchObject({
      author: 'operator',
      authorName: 'Tổng đài viên Lan',
      status: 'sent',
    });
    expect(view.events.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['taken_over', 'replied']));
    // An operator's words are searched like a citizen's.
    expect(users((await list({ q: 'hỗ trợ thêm' })).items)).toEqual(['u-in-2']);
    const mine = await list({ state: 'mine' });
    expect(users(mine.items)).toEqual(['u-in-2']);
    expect(mine.counts.mine).toBe(1);
    expect((await list({ state: 'mine' }, 'supervisor')).total).toBe(0);

    // A reply on a ticket's conversation answers the ticket.
    await f.as('operator').post(`/api/conversations/${conv1}/reply`).send({ text: 'Phiếu của chị đã chuyển cơ quan.' }).expect(202);
    const t1 = (await f.as('operator').get(`/api/tickets/${code1}`).expect(200)).body;
    expect(t1.firstResponseAt).not.toBeNull();

    f.t.citizenApp.alwaysFail = 500;
    try {
      const failing = await f.as('operator').post(`/api/conversations/${conv3}/reply`).send({ text: 'Tin này sẽ không tới.' }).expect(202);
      const failed = await waitForValue(
        async () => (await f.as('operator').get(`/api/conversations/${conv3}`).expect(200)).body,
        (b) => b.messages.find((m: { id: string }) => m.id === failing.body.messageId)?.status === 'failed',
        // Given up 2 s after queueing (the test gateway's setting); the rest is room for a loaded machine.
        30_000,
      );
      const m = failed.messages.find((x: { id: string }) => x.id === failing.body.messageId);
      expect(m.status).toBe('failed');
      expect(m.error).toBeTruthy();
      expect(failed.events.map((e: { type: string }) => e.type)).toContain('delivery_failed');
    } finally {
      f.t.citizenApp.alwaysFail = null;
    }
    await f.as('operator').post(`/api/conversations/${conv2}/reply`).send({ text: '' }).expect(400);
    await f.as('agencyA').post(`/api/conversations/${conv2}/reply`).send({ text: 'x' }).expect(403);
  });

  test('notes stay internal; typing is accepted', async () => {
    const before = f.t.citizenApp.to('u-in-1').length;
    await f.as('operator').post(`/api/conversations/${conv1}/notes`).send({ text: 'Công dân gọi lại lúc 15h' }).expect(201);
    const d = (await f.as('operator').get(`/api/conversations/${conv1}`).expect(200)).body;
    expect(d.events.find((e: { type: string }) => e.type === 'note')).toMatchObject({
      actorName: 'Tổng đài viên Lan',
      data: { text: 'Công dân gọi lại lúc 15h' },
    });
    await new Promise((r) => setTimeout(r, 200));
    expect(f.t.citizenApp.to('u-in-1').length).toBe(before);
    await f.as('operator').post(`/api/conversations/${conv1}/notes`).send({ text: '  ' }).expect(400);
    const typing = await f.as('operator').post(`/api/conversations/${conv1}/typing`).send({ on: true }).expect(200);
    expect(typing.body).toEqual({ ok: true, delivered: false });
  });

  test('attachments: upload, download, limits, access', async () => {
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(100, 7)]);
    const up = await f
      .as('operator')
      .post('/api/attachments')
      .set('content-type', 'image/png')
      .set('x-filename', encodeURIComponent('ảnh chụp giấy tờ.png'))
      .send(png)
      .expect(201);
    expect(up.body).toMatchObject({ name: 'ảnh chụp giấy tờ.png', mimeType: 'image/png', size: png.length });
    const down = await f
      .as('operator')
      .get(`/api/attachments/${up.body.id}`)
      .responseType('blob') // the body as a Buffer
      .expect(200);
    expect(Buffer.compare(down.body as Buffer, png)).toBe(0);
    expect(down.headers['content-type']).toBe('image/png');
    expect(down.headers['content-disposition']).toMatch(/^inline;/);
    const big = await f
      .as('operator')
      .post('/api/attachments')
      .set('content-type', 'application/pdf')
      .send(Buffer.alloc(300_000, 1))
      .expect(413);
    expect(big.body.error).toMatch(/Tệp quá lớn/);
    const exe = await f
      .as('operator')
      .post('/api/attachments')
      .set('content-type', 'application/x-msdownload')
      .send(Buffer.from('MZ'))
      .expect(415);
    expect(exe.body.error).toMatch(/loại tệp không được hỗ trợ/);
    await f.as('agencyA').get(`/api/attachments/${up.body.id}`).expect(404);
    await f.as('operator').get('/api/attachments/00000000-0000-0000-0000-000000000000').expect(404);
    // The citizen app cannot carry files.
    const refused = await f
      .as('operator')
      .post(`/api/conversations/${conv1}/reply`)
      .send({ text: 'Mời xem tệp', attachmentIds: [up.body.id] })
      .expect(400);
    expect(refused.body.error).toMatch(/không gửi được tệp/);
  });

  test('two contacts of one person are merged', async () => {
    const c1 = (await f.as('operator').get(`/api/conversations/${conv1}`).expect(200)).body.contact.id;
    const c3 = (await f.as('operator').get(`/api/conversations/${conv3}`).expect(200)).body.contact.id;
    const merged = await f.as('operator').post('/api/contacts/merge').send({ keepId: c1, mergeId: c3 }).expect(200);
    expect(merged.body.id).toBe(c1);
    expect(merged.body.identities.map((i: { externalId: string }) => i.externalId).sort()).toEqual(['u-in-1', 'u-in-3']);
    expect(merged.body.tickets.map((t: { code: string }) => t.code).sort()).toEqual([code1, code3].sort());
    expect(merged.body.email).toBe('pham.minh@example.vn');
    expect((await f.as('operator').get(`/api/contacts/${c3}`).expect(200)).body.id).toBe(c1);
    const d3 = (await f.as('operator').get(`/api/conversations/${conv3}`).expect(200)).body;
    expect(d3.contact.id).toBe(c1);
    expect(d3.events.some((e: { type: string }) => e.type === 'contacts_merged')).toBe(true);
    await f.as('operator').post('/api/contacts/merge').send({ keepId: c1, mergeId: c3 }).expect(409);
    await f.as('operator').post('/api/contacts/merge').send({ keepId: c1, mergeId: c1 }).expect(400);
  });

  test('canned replies: supervisors edit, every operator reads', async () => {
    await f.as('operator').post('/api/canned-replies').send({ shortcut: 'chao', title: 'Chào', text: 'Xin chào' }).expect(403);
    const created = await f
      .as('supervisor')
      .post('/api/canned-replies')
      .send({ shortcut: '/chao', title: 'Lời chào', text: 'Tổng đài 1022 xin chào anh/chị.' })
      .expect(201);
    expect(created.body).toMatchObject({ shortcut: 'chao', title: 'Lời chào' });
    await f.as('supervisor').post('/api/canned-replies').send({ shortcut: 'chao', title: 'x', text: 'y' }).expect(409);
    await f.as('supervisor').post('/api/canned-replies').send({ shortcut: 'có dấu', title: 'x', text: 'y' }).expect(400);
    const listed = (await f.as('operator').get('/api/canned-replies').expect(200)).body;
    expect(listed.map((c: { shortcut: string }) => c.shortcut)).toEqual(['chao']);
    const patched = await f
      .as('admin')
      .patch(`/api/canned-replies/${created.body.id}`)
      .send({ text: 'Xin chào, Tổng đài 1022 nghe.' })
      .expect(200);
    expect(patched.body.text).toBe('Xin chào, Tổng đài 1022 nghe.');
    await f.as('supervisor').delete(`/api/canned-replies/${created.body.id}`).expect(204);
    expect((await f.as('operator').get('/api/canned-replies').expect(200)).body).toEqual([]);
    await f.as('supervisor').delete(`/api/canned-replies/${created.body.id}`).expect(404);
  });
});
