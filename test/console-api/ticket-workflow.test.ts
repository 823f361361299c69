/**
 * Ticket workflow on PGlite and PostgreSQL: forwarding with a deadline, agency isolation, agency
 * answers (direct and with approval), the processing log (HTML and PDF), overdue/urgent filters,
 * and a phone ticket with its recording.
 */
import { describeConsole, escalation, replyReaching, waitForValue } from './support';

describeConsole('ticket workflow on %s', (f) => {
  let codeA = '';
  let codeB = '';

  beforeAll(async () => {
    codeA = await escalation(f, 'u-wf-a', 'cho tôi gặp tổng đài viên về hồ sơ đất đai');
    codeB = await escalation(f, 'u-wf-b', 'tôi muốn gặp tổng đài viên');
  });
  afterEach(() => {
    expect(f.t.citizenApp.violations).toEqual([]);
  });

  test('forwarding sets the agency, the deadline and logs the note', async () => {
    const due = new Date(Date.now() + 5 * 86_400_000);
    const res = await f
      .as('operator')
      .post(`/api/tickets/${codeA}/forward`)
      .send({ agency: f.agencyA.code, dueAt: due.toISOString(), note: 'Đề nghị trả lời trước hạn' })
      .expect(200);
    expect(res.body).toMatchObject({ code: codeA, status: 'forwarded', agency: { code: f.agencyA.code } });
    expect(new Date(res.body.dueAt).getTime()).toBe(due.getTime());
    await f.as('supervisor').post(`/api/tickets/${codeB}/forward`).send({ agency: f.agencyB.code }).expect(200);
    const detail = (await f.as('operator').get(`/api/tickets/${codeA}`).expect(200)).body;
    const ev = detail.events.find((e: { type: string }) => e.type === 'forwarded');
    expect(ev).toMatchObject({
      actorName: 'Tổng đài viên Lan',
      data: { agency: { code: f.agencyA.code }, note: 'Đề nghị trả lời trước hạn', dueAt: due.toISOString() },
    });
    await f.as('operator').post(`/api/tickets/${codeA}/forward`).send({ agency: 'khong_co' }).expect(400);
    await f.as('operator').post(`/api/tickets/${codeA}/forward`).send({}).expect(400);
    await f.as('agencyA').post(`/api/tickets/${codeA}/forward`).send({ agency: f.agencyB.code }).expect(403);
  });

  test("an agency never sees another agency's tickets", async () => {
    const list = (await f.as('agencyA').get('/api/tickets').expect(200)).body;
    expect(list.items.map((t: { code: string }) => t.code)).toEqual([codeA]);
    expect((await f.as('agencyA').get('/api/tickets').query({ q: codeB }).expect(200)).body.total).toBe(0);
    await f.as('agencyA').get(`/api/tickets/${codeA}`).expect(200);
    await f.as('agencyA').get(`/api/tickets/${codeB}`).expect(404);
    await f.as('agencyA').post(`/api/tickets/${codeB}/reply`).send({ text: 'Không được phép' }).expect(404);
    await f.as('agencyA').post(`/api/tickets/${codeB}/notes`).send({ text: 'x' }).expect(404);
    await f.as('agencyA').get(`/api/tickets/${codeB}/log`).expect(404);
    await f.as('agencyA').get(`/api/tickets/${codeB}/log.pdf`).expect(404);
    await f.as('agencyA').get('/api/proposals').expect(403);
    await f.as('agencyA').get('/api/export/tickets.csv').expect(403);
    expect((await f.as('agencyB').get('/api/tickets').expect(200)).body.items.map((t: { code: string }) => t.code)).toEqual([codeB]);
  });

  test('direct mode: the agency answer goes straight to the citizen', async () => {
    const res = await replyReaching(f, 'agencyA', `/api/tickets/${codeA}/reply`, 'u-wf-a', 'Sở đã tiếp nhận và sẽ trả lời trong 5 ngày.');
    expect(res.body.messageId).toBeTruthy();
  });

  test('approval mode: the answer waits for a reviewer, who may edit it or reject it', async () => {
    await f.as('admin').put('/api/settings').send({ agencyReplyMode: 'approval' }).expect(200);
    try {
      const before = f.t.citizenApp.to('u-wf-b').length;
      const proposed = await f
        .as('agencyB')
        .post(`/api/tickets/${codeB}/reply`)
        .send({ text: 'Nội dung trả lời nháp', final: true })
        .expect(202);
      expect(proposed.body).toEqual({ pending: true, proposalId: expect.any(String) });
      await new Promise((r) => setTimeout(r, 300));
      expect(f.t.citizenApp.to('u-wf-b').length).toBe(before);
      const pending = (await f.as('operator').get('/api/proposals').expect(200)).body;
      expect(pending).toEqual([
        expect.objectContaining({
          id: proposed.body.proposalId,
          ticketCode: codeB,
          text: 'Nội dung trả lời nháp',
          author: 'Đầu mối B',
          agency: { code: f.agencyB.code, name: f.agencyB.name },
        }),
      ]);

      const approved = await f
        .as('operator')
        .post(`/api/proposals/${proposed.body.proposalId}/approve`)
        .send({ text: 'Nội dung trả lời đã duyệt' })
        .expect(200);
      expect(approved.body).toMatchObject({ ok: true, ticketCode: codeB });
      await f.t.citizenApp.waitFor(() => f.t.citizenApp.to('u-wf-b').some((m) => m.text === 'Nội dung trả lời đã duyệt'));
      expect(f.t.citizenApp.to('u-wf-b').some((m) => m.text === 'Nội dung trả lời nháp')).toBe(false);
      await f.as('operator').post(`/api/proposals/${proposed.body.proposalId}/approve`).send({}).expect(409);
      const t = (await f.as('agencyB').get(`/api/tickets/${codeB}`).expect(200)).body;
      expect(t.status).toBe('answered');
      const types = t.events.map((e: { type: string }) => e.type);
      expect(types).toEqual(expect.arrayContaining(['agency_answer_proposed', 'agency_answer_approved', 'replied']));
      expect(t.messages.find((m: { text: string }) => m.text === 'Nội dung trả lời đã duyệt')).toMatchObject({
        author: 'operator',
        authorName: 'Đầu mối B',
      });

      const second = await f.as('agencyB').post(`/api/tickets/${codeB}/reply`).send({ text: 'Trả lời thứ hai' }).expect(202);
      await f.as('supervisor').post(`/api/proposals/${second.body.proposalId}/reject`).send({}).expect(400);
      await f
        .as('supervisor')
        .post(`/api/proposals/${second.body.proposalId}/reject`)
        .send({ reason: 'Cần dẫn căn cứ pháp lý' })
        .expect(200);
      expect((await f.as('operator').get('/api/proposals').expect(200)).body).toEqual([]);
      const log = (await f.as('agencyB').get(`/api/tickets/${codeB}`).expect(200)).body.events;
      expect(log.find((e: { type: string }) => e.type === 'agency_answer_rejected')).toMatchObject({
        data: { reason: 'Cần dẫn căn cứ pháp lý' },
      });
      // Staff answer directly even in approval mode.
      await f.as('operator').post(`/api/tickets/${codeB}/reply`).send({ text: 'Tổng đài viên trả lời' }).expect(202);
      await f.as('operator').post('/api/proposals/00000000-0000-0000-0000-000000000000/approve').send({}).expect(404);
    } finally {
      await f.as('admin').put('/api/settings').send({ agencyReplyMode: 'direct' }).expect(200);
    }
  });

  test('overdue and urgent filters of the ticket list', async () => {
    await f.t.gw.ctx.db.query(`UPDATE tickets SET due_at = now() - interval '1 hour' WHERE code = $1`, [codeA]);
    await f.as('operator').patch(`/api/tickets/${codeB}`).send({ priority: 'urgent' }).expect(200);
    expect(
      (await f.as('operator').get('/api/tickets').query({ overdue: '1' }).expect(200)).body.items.map((t: { code: string }) => t.code),
    ).toEqual([codeA]);
    expect(
      (await f.as('operator').get('/api/tickets').query({ urgent: '1' }).expect(200)).body.items.map((t: { code: string }) => t.code),
    ).toEqual([codeB]);
    expect((await f.as('agencyB').get('/api/tickets').query({ overdue: '1' }).expect(200)).body.total).toBe(0);
  });

  test('a phone ticket keeps its recording', async () => {
    const rec = await f
      .as('operator')
      .post('/api/attachments')
      .set('content-type', 'audio/mpeg')
      .set('x-filename', 'cuoc-goi.mp3')
      .send(Buffer.from('ID3fake-mp3-bytes'))
      .expect(201);
    const t = await f
      .as('operator')
      .post('/api/tickets')
      .send({
        title: 'Cuộc gọi hỏi về sổ đỏ',
        content: 'Công dân hỏi thủ tục',
        callerName: 'Võ Văn Tám',
        callerPhone: '0901234567',
        recordingAttachmentId: rec.body.id,
        agency: f.agencyA.code,
      })
      .expect(201);
    await f
      .as('operator')
      .post('/api/tickets')
      .send({ title: 'x', recordingAttachmentId: '00000000-0000-0000-0000-000000000000' })
      .expect(400);
    const html = (await f.as('agencyA').get(`/api/tickets/${t.body.code}/log`).expect(200)).text;
    expect(html).toContain('Ghi âm cuộc gọi');
    expect(html).toContain('cuoc-goi.mp3');
    // The focal point can listen to the recording of its ticket.
    await f.as('agencyA').get(`/api/attachments/${rec.body.id}`).expect(200);
    await f.as('agencyB').get(`/api/attachments/${rec.body.id}`).expect(404);
  });

  test('the processing log lists every message and event, printable, and as PDF', async () => {
    await f.as('operator').post(`/api/tickets/${codeA}/notes`).send({ text: 'Ghi chú <b>nội bộ</b> & kiểm tra' }).expect(201);
    const detail = await waitForValue(
      async () => (await f.as('operator').get(`/api/tickets/${codeA}`).expect(200)).body,
      (b) => b.messages.every((m: { status: string }) => m.status !== 'queued' && m.status !== 'sending'),
    );
    const res = await f.as('agencyA').get(`/api/tickets/${codeA}/log`).expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html; charset=utf-8/);
    const html = res.text;
    expect(html).toContain(`Nhật ký xử lý phiếu ${codeA}`);
    expect(html).toContain('@media print');
    expect(html).toContain('Chuyển cơ quan xử lý');
    expect(html).toContain('Ghi chú &lt;b&gt;nội bộ&lt;/b&gt; &amp; kiểm tra');
    expect(html).not.toContain('<b>nội bộ</b>');
    expect(detail.events.length).toBeGreaterThan(5);
    for (const e of detail.events) expect(html).toContain(`data-event-id="${e.id}"`);
    expect(detail.messages.length).toBeGreaterThan(0);
    for (const m of detail.messages) expect(html).toContain(`data-message-id="${m.id}"`);
    expect(html).toContain('Tổng đài viên: Tổng đài viên Lan');
    expect(html).toContain('Đầu mối cơ quan: Đầu mối A');

    const pdf = await f.as('operator').get(`/api/tickets/${codeA}/log.pdf`).responseType('blob'); // the body as a Buffer
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect((pdf.body as Buffer).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect((pdf.body as Buffer).length).toBeGreaterThan(2000);
  });
});
