/**
 * The knowledge base editor on PGlite and PostgreSQL: versions, stale-version conflicts, diff and
 * restore, the bot's answer changing right after a save, previews per channel, training phrases
 * with background retraining, and the review queue.
 */
import { retrainIdle } from '../../src/operations/retrain';
import { citizenMessage } from '../support/gateway';
import { describeConsole, escalation, waitForValue } from './support';

describeConsole('knowledge base editor on %s', (f) => {
  const tryBot = async (text: string, channel?: string) =>
    (await f.as('admin').post('/api/bot/try').send({ text, channel }).expect(200)).body;

  test('list and read procedures', async () => {
    const all = (await f.as('supervisor').get('/api/kb/procedures').expect(200)).body;
    expect(all.find((p: { intent: string }) => p.intent === 'tt_khai_sinh')).toMatchObject({
      intent: 'tt_khai_sinh',
      version: 1,
      updatedBy: null,
    });
    const found = (await f.as('supervisor').get('/api/kb/procedures').query({ q: 'khai sinh' }).expect(200)).body;
    expect(found.map((p: { intent: string }) => p.intent)).toContain('tt_khai_sinh');
    expect((await f.as('supervisor').get('/api/kb/procedures').query({ q: 'dang ky khai sinh' }).expect(200)).body.length).toBeGreaterThan(
      0,
    );
    const field = all.find((p: { intent: string }) => p.intent === 'tt_khai_sinh').field;
    expect(
      (await f.as('supervisor').get('/api/kb/procedures').query({ field }).expect(200)).body.every(
        (p: { field: string }) => p.field === field,
      ),
    ).toBe(true);
    const one = (await f.as('supervisor').get('/api/kb/procedures/tt_khai_sinh').expect(200)).body;
    expect(one).toMatchObject({ version: 1, procedure: { intent: 'tt_khai_sinh' } });
    await f.as('supervisor').get('/api/kb/procedures/tt_khong_co').expect(404);
    await f.as('operator').get('/api/kb/procedures').expect(403);
  });

  test('save → new version → the bot answers with it → diff → 409 on a stale version → restore', async () => {
    const { procedure, version } = (await f.as('admin').get('/api/kb/procedures/tt_khai_sinh').expect(200)).body;
    const before = await tryBot('cho hỏi về thủ tục đăng ký khai sinh cho con', 'zalo');
    expect(before.decision.intent).toBe('tt_khai_sinh');
    expect(before.parse.intent.name).toBe('tt_khai_sinh');
    expect(before.answer.text).not.toContain('Từ 2026 đăng ký khai sinh liên thông');

    const edited = { ...procedure, summary: `Từ 2026 đăng ký khai sinh liên thông trên VNeID. ${procedure.summary}` };
    const saved = await f.as('admin').put('/api/kb/procedures/tt_khai_sinh').send({ procedure: edited, baseVersion: version }).expect(200);
    expect(saved.body).toMatchObject({
      version: version + 1,
      updatedBy: 'Quản trị viên',
      diff: [{ path: 'summary', before: procedure.summary, after: edited.summary }],
    });
    const after = await tryBot('cho hỏi về thủ tục đăng ký khai sinh cho con', 'zalo');
    expect(after.answer.text).toContain('Từ 2026 đăng ký khai sinh liên thông');

    const stale = await f
      .as('admin')
      .put('/api/kb/procedures/tt_khai_sinh')
      .send({ procedure: { ...procedure, fee: 'Miễn phí' }, baseVersion: version })
      .expect(409);
    expect(stale.body.error).toMatch(/Quản trị viên/);
    expect(stale.body.details).toMatchObject({ currentVersion: version + 1 });

    const versions = (await f.as('supervisor').get('/api/kb/procedures/tt_khai_sinh/versions').expect(200)).body;
    expect(versions.map((v: { version: number }) => v.version)).toEqual([version + 1, version]);
    expect(versions[0]).toMatchObject({
      user: 'Quản trị viên',
      diff: [{ path: 'summary', before: procedure.summary, after: edited.summary }],
    });
    expect(versions[1].diff).toEqual([]);

    const restored = await f.as('admin').post('/api/kb/procedures/tt_khai_sinh/restore').send({ version }).expect(200);
    expect(restored.body).toMatchObject({ version: version + 2, procedure: { summary: procedure.summary } });
    expect((await tryBot('cho hỏi về thủ tục đăng ký khai sinh cho con', 'zalo')).answer.text).not.toContain(
      'Từ 2026 đăng ký khai sinh liên thông',
    );
    expect(
      (await f.as('admin').get('/api/kb/procedures').expect(200)).body.find((p: { intent: string }) => p.intent === 'tt_khai_sinh'),
    ).toMatchObject({ version: version + 2, updatedBy: 'Quản trị viên' });
    await f.as('admin').post('/api/kb/procedures/tt_khai_sinh/restore').send({ version: 99 }).expect(404);
    const events = await f.t.gw.ctx.db.query<{ type: string }>(
      `SELECT type FROM events WHERE type IN ('kb_saved', 'kb_restored') ORDER BY id`,
    );
    expect(events.rows.map((e) => e.type)).toEqual(['kb_saved', 'kb_restored']);
  });

  test('invalid procedures and roles are refused', async () => {
    const { procedure, version } = (await f.as('admin').get('/api/kb/procedures/tt_khai_sinh').expect(200)).body;
    const bad = await f
      .as('admin')
      .put('/api/kb/procedures/tt_khai_sinh')
      .send({ procedure: { ...procedure, documents: [] }, baseVersion: version })
      .expect(400);
    expect(bad.body.details).toEqual([expect.objectContaining({ path: 'documents' })]);
    await f
      .as('admin')
      .put('/api/kb/procedures/tt_khai_sinh')
      .send({ procedure: { ...procedure, intent: 'tt_ket_hon' }, baseVersion: version })
      .expect(400);
    await f
      .as('admin')
      .put('/api/kb/procedures/tt_khai_sinh')
      .send({ procedure: { ...procedure, field: 'khong_co' }, baseVersion: version })
      .expect(400);
    await f.as('admin').put('/api/kb/procedures/tt_khai_sinh').send({ procedure }).expect(400);
    await f.as('supervisor').put('/api/kb/procedures/tt_khai_sinh').send({ procedure, baseVersion: version }).expect(403);
    await f.as('operator').put('/api/kb/procedures/tt_khai_sinh').send({ procedure, baseVersion: version }).expect(403);
  });

  test('preview per channel, as each channel shows it', async () => {
    const { procedure } = (await f.as('admin').get('/api/kb/procedures/tt_khai_sinh').expect(200)).body;
    const p = (
      await f
        .as('admin')
        .post('/api/kb/preview')
        .send({ procedure: { ...procedure, title: 'Tiêu đề xem trước' } })
        .expect(200)
    ).body;
    expect(Object.keys(p)).toEqual(expect.arrayContaining(['zalo', 'facebook', 'email']));
    expect(p.zalo.text).toContain('Tiêu đề xem trước');
    expect(p.zalo.quickReplies).toEqual([]);
    expect(p.zalo.text).toMatch(/1\. Xem chi tiết/);
    expect(p.facebook.quickReplies.map((q: { title: string }) => q.title)).toContain('Xem chi tiết');
    expect(p.email.text).toContain('CĂN CỨ PHÁP LÝ');
    expect(p.email.text).toContain('TIÊU ĐỀ XEM TRƯỚC');
    // A draft with missing parts is still previewed.
    expect(
      (
        await f
          .as('admin')
          .post('/api/kb/preview')
          .send({ procedure: { title: 'Nháp' } })
          .expect(200)
      ).body.zalo.text,
    ).toContain('Nháp');
    await f.as('admin').post('/api/kb/preview').send({}).expect(400);
  });

  test('service answers are versioned too', async () => {
    const list = (await f.as('admin').get('/api/kb/services').expect(200)).body;
    expect(list.find((s: { id: string }) => s.id === 'chao_hoi')).toMatchObject({ intent: 'chao_hoi', version: 1 });
    const { service, version } = (await f.as('admin').get('/api/kb/services/chao_hoi').expect(200)).body;
    const saved = await f
      .as('admin')
      .put('/api/kb/services/chao_hoi')
      .send({ service: { ...service, text: 'Kính chào Quý khách đến với Tổng đài 1022!' }, baseVersion: version })
      .expect(200);
    expect(saved.body.version).toBe(version + 1);
    const versions = (await f.as('admin').get('/api/kb/services/chao_hoi/versions').expect(200)).body;
    expect(versions[0].diff).toEqual([{ path: 'text', before: service.text, after: 'Kính chào Quý khách đến với Tổng đài 1022!' }]);
    const greeting = await tryBot('xin chào');
    expect(greeting.decision.intent).toBe('chao_hoi');
    expect(greeting.answer.text).toBe('Kính chào Quý khách đến với Tổng đài 1022!');
  });

  test('training phrases: add → retrain in the background → the engine knows it; delete', async () => {
    const counts = (await f.as('admin').get('/api/training').expect(200)).body;
    const ketHon = counts.find((c: { intent: string }) => c.intent === 'tt_ket_hon');
    expect(ketHon.count).toBeGreaterThan(0);
    // The review queue's intent picker reads these names: every intent has one, none is its raw id.
    expect(ketHon.label).toMatch(/kết hôn/i);
    for (const c of counts as { intent: string; label: string }[]) expect(c.label).not.toBe(c.intent);
    const phrase = 'quokka zyxwv lấy vợ ở xã plugh';
    const added = await f.as('admin').post('/api/training/tt_ket_hon').send({ text: phrase }).expect(201);
    expect(added.body).toMatchObject({ intent: 'tt_ket_hon', text: phrase, source: 'console' });
    await f.as('admin').post('/api/training/tt_ket_hon').send({ text: phrase }).expect(409);
    await f.as('admin').post('/api/training/tt_khong_co').send({ text: 'abc def' }).expect(400);
    await f.as('supervisor').post('/api/training/tt_ket_hon').send({ text: 'abc def' }).expect(403);
    await retrainIdle(f.t.gw.ctx);
    const parsed = await f.t.gw.ctx.nlu.parse(phrase);
    expect(parsed.intent_ranking[0].name).toBe('tt_ket_hon');
    expect(
      (await f.as('admin').get('/api/training').expect(200)).body.find((c: { intent: string }) => c.intent === 'tt_ket_hon').count,
    ).toBe(ketHon.count + 1);
    expect((await f.as('admin').get('/api/training/tt_ket_hon').expect(200)).body[0]).toMatchObject({ id: added.body.id, text: phrase });
    await f.as('admin').delete(`/api/training/examples/${added.body.id}`).expect(204);
    await f.as('admin').delete(`/api/training/examples/${added.body.id}`).expect(404);
    await retrainIdle(f.t.gw.ctx);
  });

  test('review queue: fallbacks and re-classified tickets; train one in a click, dismiss another', async () => {
    await f.t.postCitizen(citizenMessage('u-rv-1', 'qwrtzp vbnmkl xcvbqq')).expect(200);
    await f.t.postCitizen(citizenMessage('u-rv-2', 'jjkkll mmnnbb ppoouu')).expect(200);
    const queue = await waitForValue(
      async () =>
        (await f.as('supervisor').get('/api/review').expect(200)).body as {
          messageId: string;
          text: string;
          nluIntent: string;
          reason: string;
          ticketCode: string | null;
        }[],
      (q) => q.filter((i) => i.reason === 'fallback').length >= 2,
    );
    const one = queue.find((i) => i.text === 'qwrtzp vbnmkl xcvbqq')!;
    const two = queue.find((i) => i.text === 'jjkkll mmnnbb ppoouu')!;
    expect(one).toMatchObject({ nluIntent: 'nlu_fallback', correctedIntent: null });
    await f.as('operator').get('/api/review').expect(403);
    await f.as('admin').post(`/api/review/${one.messageId}`).send({ intent: 'tt_ket_hon' }).expect(201);
    await f.as('admin').post(`/api/review/${one.messageId}`).send({ intent: 'tt_ket_hon' }).expect(409);
    await f.as('admin').post(`/api/review/${two.messageId}/dismiss`).expect(200);
    const left = (await f.as('supervisor').get('/api/review').expect(200)).body.map((i: { messageId: string }) => i.messageId);
    expect(left).not.toContain(one.messageId);
    expect(left).not.toContain(two.messageId);
    expect(
      (await f.as('admin').get('/api/training/tt_ket_hon').expect(200)).body.some(
        (e: { text: string; source: string }) => e.text === 'qwrtzp vbnmkl xcvbqq' && e.source === 'review',
      ),
    ).toBe(true);

    // An operator re-classifies a ticket: its first message comes to the queue.
    const code = await escalation(f, 'u-rv-3', 'cho tôi gặp tổng đài viên hỏi việc hộ tịch');
    const field = (await f.t.gw.ctx.db.query<{ code: string }>('SELECT code FROM fields ORDER BY code DESC LIMIT 1')).rows[0].code;
    await f.as('operator').patch(`/api/tickets/${code}`).send({ field }).expect(200);
    const withTicket = (await f.as('supervisor').get('/api/review').expect(200)).body;
    expect(withTicket.find((i: { ticketCode: string }) => i.ticketCode === code)).toMatchObject({
      reason: 'reclassified',
      text: 'cho tôi gặp tổng đài viên hỏi việc hộ tịch',
    });
    await retrainIdle(f.t.gw.ctx);
  });
});
