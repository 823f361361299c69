/**
 * Administration on PGlite and PostgreSQL: users and roles, password changes and resets, TOTP
 * two-factor login, settings that take effect at once, channels, the agency and field directories
 * with CSV import, and the role matrix of every console route.
 */
import { authenticator } from 'otplib';
import request from 'supertest';
import { citizenMessage } from '../support/gateway';
import { addUser, describeConsole, type ConsoleFixture } from './support';

describeConsole('administration on %s', (f) => {
  const login = (username: string, password: string, totp?: string) =>
    request(f.t.app).post('/api/auth/token').send({ username, password, totp });

  test('users: create, list, change role, deactivate, reset the password', async () => {
    const created = await addUser(f, { username: 'Nguyen.Lan', displayName: 'Nguyễn Thị Lan', role: 'operator', password: 'tam-thoi-123' });
    expect(created.body).toMatchObject({
      username: 'nguyen.lan',
      role: 'operator',
      mustChangePassword: true,
      active: true,
      totpEnabled: false,
      agency: null,
    });
    await f
      .as('admin')
      .post('/api/users')
      .send({ username: 'nguyen.lan', displayName: 'x', role: 'operator', password: 'tam-thoi-123' })
      .expect(409);
    await f
      .as('admin')
      .post('/api/users')
      .send({ username: 'agency.x', displayName: 'x', role: 'agency', password: 'tam-thoi-123' })
      .expect(400);
    await f.as('admin').post('/api/users').send({ username: 'ab', displayName: 'x', role: 'operator', password: 'short' }).expect(400);
    await f
      .as('supervisor')
      .post('/api/users')
      .send({ username: 'sup.made', displayName: 'x', role: 'admin', password: 'tam-thoi-123' })
      .expect(403);

    const list = (await f.as('operator').get('/api/users').expect(200)).body;
    expect(list.find((u: { username: string }) => u.username === 'ag-a')).toMatchObject({
      role: 'agency',
      agency: { code: f.agencyA.code },
    });
    await f.as('agencyA').get('/api/users').expect(403);

    const token = (await login('nguyen.lan', 'tam-thoi-123').expect(200)).body.token;
    const toAgency = await f
      .as('admin')
      .patch(`/api/users/${created.body.id}`)
      .send({ role: 'agency', agency: f.agencyB.code })
      .expect(200);
    expect(toAgency.body).toMatchObject({ role: 'agency', agency: { code: f.agencyB.code } });
    await request(f.t.app).get('/api/me').set('authorization', `Bearer ${token}`).expect(401); // a role change signs out
    await f.as('admin').patch(`/api/users/${created.body.id}`).send({ role: 'operator' }).expect(200);
    await f.as('admin').patch(`/api/users/${created.body.id}`).send({ active: false }).expect(200);
    await login('nguyen.lan', 'tam-thoi-123').expect(401);
    await f.as('admin').patch(`/api/users/${created.body.id}`).send({ active: true, displayName: 'Nguyễn Thị Lan (ca đêm)' }).expect(200);

    const reset = await f.as('admin').post(`/api/users/${created.body.id}/reset-password`).expect(200);
    expect(reset.body.temporaryPassword).toMatch(/^[A-Za-z0-9]{12}$/);
    await login('nguyen.lan', 'tam-thoi-123').expect(401);
    const afterReset = await login('nguyen.lan', reset.body.temporaryPassword).expect(200);
    expect(afterReset.body.user).toMatchObject({ mustChangePassword: true, displayName: 'Nguyễn Thị Lan (ca đêm)' });
    await f.as('admin').patch('/api/users/00000000-0000-0000-0000-000000000000').send({ active: false }).expect(404);
    // The last admin cannot remove itself.
    await f.as('admin').patch(`/api/users/${f.users.admin}`).send({ role: 'operator' }).expect(409);
    const types = (
      await f.t.gw.ctx.db.query<{ type: string }>(`SELECT DISTINCT type FROM events WHERE type LIKE 'user_%' OR type = 'password_reset'`)
    ).rows.map((r) => r.type);
    expect(types).toEqual(expect.arrayContaining(['user_created', 'user_updated', 'password_reset']));
  });

  test('my password and two-factor login', async () => {
    await f.as('operator2').post('/api/me/password').send({ current: 'sai-mat-khau', next: 'mat-khau-moi-1' }).expect(400);
    await f.as('operator2').post('/api/me/password').send({ current: 'op2-password-1', next: 'ngan' }).expect(400);
    await f.as('operator2').post('/api/me/password').send({ current: 'op2-password-1', next: 'mat-khau-moi-1' }).expect(200);
    await f.as('operator2').get('/api/me').expect(200); // this session stays signed in
    await login('op2', 'op2-password-1').expect(401);
    const fresh = (await login('op2', 'mat-khau-moi-1').expect(200)).body;
    expect(fresh.user.mustChangePassword).toBe(false);
    const auth = `Bearer ${fresh.token}`;

    const setup = await request(f.t.app).post('/api/me/totp/setup').set('authorization', auth).expect(200);
    // Each code is accepted once (no replay): successive steps use codes of successive time steps.
    const codeAt = (steps: number) => authenticator.clone({ epoch: Date.now() + steps * 30_000 }).generate(setup.body.secret);
    const totp = (step: 'enable' | 'disable', code: string) =>
      request(f.t.app).post(`/api/me/totp/${step}`).set('authorization', auth).send({ code });
    expect(setup.body.otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
    await totp('enable', '000000').expect(400);
    await totp('enable', codeAt(-1)).expect(200);
    const needs = await login('op2', 'mat-khau-moi-1').expect(401);
    expect(needs.body.details).toEqual({ totpRequired: true });
    await login('op2', 'mat-khau-moi-1', '123456').expect(401);
    await login('op2', 'mat-khau-moi-1', codeAt(0)).expect(200);
    expect(
      (await f.as('admin').get('/api/users').expect(200)).body.find((u: { username: string }) => u.username === 'op2').totpEnabled,
    ).toBe(true);
    await totp('disable', '000000').expect(400);
    await totp('disable', codeAt(1)).expect(200);
    await login('op2', 'mat-khau-moi-1').expect(200);
  });

  test('settings take effect at once: the next new conversation gets the new receipt', async () => {
    const current = (await f.as('supervisor').get('/api/settings').expect(200)).body;
    expect(current).toMatchObject({
      agencyReplyMode: 'direct',
      receipt: { default: expect.any(String) },
      officeHours: { open: expect.any(String) },
    });
    await f.as('supervisor').put('/api/settings').send({ agencyReplyMode: 'approval' }).expect(403);
    await f
      .as('admin')
      .put('/api/settings')
      .send({ officeHours: { ...current.officeHours, open: '25:00' } })
      .expect(400);
    await f.as('admin').put('/api/settings').send({ nope: 1 }).expect(400);
    await f.as('admin').put('/api/settings').send({}).expect(400);
    const text = 'Tổng đài 1022 đã nhận tin nhắn của Quý khách (thử nghiệm cấu hình).';
    const saved = await f
      .as('admin')
      .put('/api/settings')
      .send({ receipt: { default: text } })
      .expect(200);
    expect(saved.body.receipt.default).toBe(text);
    await f.t.postCitizen(citizenMessage('u-settings', 'xin chào')).expect(200);
    await f.t.citizenApp.waitFor(() => f.t.citizenApp.to('u-settings').length >= 1);
    expect(f.t.citizenApp.to('u-settings')[0].text).toBe(text);
    const ticketReceipt = await f.as('admin').put('/api/settings').send({ ticketReceipt: 'Mã phiếu của Quý khách: {code}.' }).expect(200);
    expect(ticketReceipt.body.ticketReceipt.default).toBe('Mã phiếu của Quý khách: {code}.');
    await f.as('admin').put('/api/settings').send({ receipt: current.receipt, ticketReceipt: current.ticketReceipt }).expect(200);
    expect((await f.t.gw.ctx.db.query(`SELECT 1 FROM events WHERE type = 'settings_changed'`)).rows.length).toBe(3);
  });

  test('channels and their connection test', async () => {
    const channels = (await f.as('admin').get('/api/channels').expect(200)).body;
    expect(channels.find((c: { channel: string }) => c.channel === 'edongthap')).toMatchObject({
      enabled: true,
      capabilities: { maxTextLength: expect.any(Number) },
    });
    expect(channels.find((c: { channel: string }) => c.channel === 'zalo')).toMatchObject({ enabled: false, capabilities: null });
    const ok = await f.as('admin').post('/api/channels/edongthap/test').expect(200);
    expect(ok.body.ok).toBe(true);
    f.t.citizenApp.violations.length = 0; // the check is a HEAD request, outside the callback contract
    const off = await f.as('admin').post('/api/channels/zalo/test').expect(200);
    expect(off.body).toMatchObject({ ok: false, detail: expect.stringMatching(/chưa được cấu hình/) });
    await f.as('admin').post('/api/channels/telegram/test').expect(404);
    await f.as('supervisor').get('/api/channels').expect(403);
  });

  test('agencies: create, change, import CSV with a bad line', async () => {
    const fields = (await f.as('operator').get('/api/fields').expect(200)).body as { code: string; name: string; sortOrder: number }[];
    expect(fields.length).toBeGreaterThan(0);
    const fieldCode = fields[0].code;
    const made = await f
      .as('admin')
      .post('/api/agencies')
      .send({ code: 'so_thu_nghiem', name: 'Sở Thử nghiệm', kind: 'department', fields: [fieldCode] })
      .expect(201);
    expect(made.body).toMatchObject({ code: 'so_thu_nghiem', kind: 'department', fields: [fieldCode], active: true, parent: null });
    await f.as('admin').post('/api/agencies').send({ code: 'so_thu_nghiem', name: 'Trùng' }).expect(409);
    await f.as('admin').post('/api/agencies').send({ code: 'Có Dấu', name: 'x' }).expect(400);
    await f
      .as('admin')
      .post('/api/agencies')
      .send({ code: 'so_x', name: 'x', fields: ['khong_co'] })
      .expect(400);
    const patched = await f.as('admin').patch('/api/agencies/so_thu_nghiem').send({ phone: '0277 3999 999', active: false }).expect(200);
    expect(patched.body).toMatchObject({ phone: '0277 3999 999', active: false, name: 'Sở Thử nghiệm' });
    expect(
      (await f.as('operator').get('/api/agencies').query({ q: 'thử nghiệm' }).expect(200)).body.map((a: { code: string }) => a.code),
    ).toEqual(['so_thu_nghiem']);
    await f.as('operator').post('/api/agencies').send({ code: 'x1', name: 'x' }).expect(403);
    // Forwarding to an inactive agency is refused.
    const csv = [
      'code,name,kind,parent,phone,email,fields,aliases,notes',
      `so_moi,Sở Mới,department,,0277 1,somoi@dongthap.gov.vn,${fieldCode},Sở mới;SM,`,
      `so_thu_nghiem,"Sở Thử nghiệm, đổi tên",department,,,,${fieldCode},,Ghi chú`,
      'so_loi,Sở Lỗi,bo_nganh,,,,,,',
      'xa_moi,Xã Mới,commune,khong_co_cap_tren,,not-an-email,,,',
      `phuong_moi,Phường Mới,commune,so_moi,,,${fieldCode},,`,
    ].join('\r\n');
    const imported = await f.as('admin').post('/api/agencies/import').set('content-type', 'text/csv').send(csv).expect(200);
    expect(imported.body.created).toBe(2);
    expect(imported.body.updated).toBe(1);
    expect(imported.body.errors.map((e: { line: number }) => e.line)).toEqual([4, 5]);
    expect(imported.body.errors[0].message).toMatch(/cột "kind"/);
    expect(imported.body.errors[1].message).toMatch(/thư điện tử/);
    expect((await f.as('operator').get('/api/agencies').query({ q: 'so_thu_nghiem' }).expect(200)).body[0].name).toBe(
      'Sở Thử nghiệm, đổi tên',
    );
    const badHeader = await f.as('admin').post('/api/agencies/import').set('content-type', 'text/csv').send('ma,ten\nx,y\n').expect(200);
    expect(badHeader.body).toMatchObject({ created: 0, updated: 0, errors: [{ line: 1 }] });
    await f.as('admin').post('/api/agencies/import').set('content-type', 'text/csv').send('').expect(400);
  });

  test('fields: create, rename, import', async () => {
    const made = await f.as('admin').post('/api/fields').send({ code: 'linh_vuc_moi', name: 'Lĩnh vực mới' }).expect(201);
    expect(made.body.sortOrder).toBeGreaterThan(0);
    await f.as('admin').post('/api/fields').send({ code: 'linh_vuc_moi', name: 'x' }).expect(409);
    await f.as('admin').patch('/api/fields/linh_vuc_moi').send({ name: 'Lĩnh vực mới (đổi tên)' }).expect(200);
    await f.as('admin').patch('/api/fields/khong_co').send({ name: 'x' }).expect(404);
    const imported = await f
      .as('admin')
      .post('/api/fields/import')
      .set('content-type', 'text/csv')
      .send('code,name,sort_order\nlv_a,Lĩnh vực A,900\nlv_b,Lĩnh vực B,abc\nlinh_vuc_moi,Lĩnh vực mới,5\n')
      .expect(200);
    expect(imported.body).toMatchObject({ created: 1, updated: 1, errors: [{ line: 3, message: expect.stringMatching(/thứ tự/) }] });
    const fields = (await f.as('agencyA').get('/api/fields').expect(200)).body;
    expect(fields.find((x: { code: string }) => x.code === 'linh_vuc_moi')).toEqual({
      code: 'linh_vuc_moi',
      name: 'Lĩnh vực mới',
      sortOrder: 5,
    });
  });

  test('role matrix: every console route refuses the roles that may not use it', async () => {
    const id = '00000000-0000-0000-0000-000000000000';
    const adminOnly: [string, string][] = [
      ['post', '/api/users'],
      ['patch', `/api/users/${id}`],
      ['post', `/api/users/${id}/reset-password`],
      ['put', '/api/settings'],
      ['get', '/api/channels'],
      ['post', '/api/channels/zalo/test'],
      ['post', '/api/agencies'],
      ['patch', '/api/agencies/x'],
      ['post', '/api/agencies/import'],
      ['post', '/api/fields'],
      ['patch', '/api/fields/x'],
      ['post', '/api/fields/import'],
      ['put', '/api/kb/procedures/tt_khai_sinh'],
      ['post', '/api/kb/procedures/tt_khai_sinh/restore'],
      ['put', '/api/kb/services/chao_hoi'],
      ['post', '/api/training/tt_khai_sinh'],
      ['delete', '/api/training/examples/1'],
      ['post', `/api/review/${id}`],
      ['post', `/api/review/${id}/dismiss`],
    ];
    const supervisors: [string, string][] = [
      ['get', '/api/stats/dashboard'],
      ['get', '/api/export/stats.xlsx'],
      ['get', '/api/settings'],
      ['get', '/api/kb/procedures'],
      ['get', '/api/kb/procedures/tt_khai_sinh/versions'],
      ['get', '/api/kb/services'],
      ['post', '/api/kb/preview'],
      ['get', '/api/training'],
      ['post', '/api/bot/try'],
      ['get', '/api/review'],
      ['post', '/api/canned-replies'],
      ['patch', `/api/canned-replies/${id}`],
      ['delete', `/api/canned-replies/${id}`],
    ];
    const staff: [string, string][] = [
      ['get', '/api/conversations'],
      ['get', `/api/conversations/${id}`],
      ['post', `/api/conversations/${id}/reply`],
      ['post', `/api/conversations/${id}/notes`],
      ['post', `/api/conversations/${id}/typing`],
      ['post', '/api/attachments'],
      ['get', `/api/contacts/${id}`],
      ['post', '/api/contacts/merge'],
      ['get', '/api/canned-replies'],
      ['post', '/api/tickets/1022-2026-000001/forward'],
      ['get', '/api/proposals'],
      ['post', `/api/proposals/${id}/approve`],
      ['post', `/api/proposals/${id}/reject`],
      ['get', '/api/users'],
    ];
    const call = (role: Parameters<ConsoleFixture['as']>[0], method: string, path: string) =>
      (f.as(role) as unknown as Record<string, (p: string) => request.Test>)[method](path);
    for (const [method, path] of adminOnly) {
      for (const role of ['supervisor', 'operator', 'agencyA'] as const) {
        const res = await call(role, method, path);
        if (res.status !== 403) throw new Error(`${role} ${method} ${path} → ${res.status}`);
      }
      const anon = await (request(f.t.app) as unknown as Record<string, (p: string) => request.Test>)[method](path);
      expect(anon.status).toBe(401);
    }
    for (const [method, path] of supervisors) {
      for (const role of ['operator', 'agencyA'] as const) {
        const res = await call(role, method, path);
        if (res.status !== 403) throw new Error(`${role} ${method} ${path} → ${res.status}`);
      }
      const sup = await call('supervisor', method, path);
      if (sup.status === 403 || sup.status === 401) throw new Error(`supervisor ${method} ${path} → ${sup.status}`);
    }
    for (const [method, path] of staff) {
      const res = await call('agencyA', method, path);
      if (res.status !== 403) throw new Error(`agency ${method} ${path} → ${res.status}`);
      const op = await call('operator', method, path);
      if (op.status === 403 || op.status === 401) throw new Error(`operator ${method} ${path} → ${op.status}`);
    }
    // Every role manages its own password and two-factor login, and reads the directories.
    for (const role of ['agencyA', 'operator', 'supervisor'] as const) {
      await call(role, 'post', '/api/me/totp/setup').expect(200);
      await call(role, 'get', '/api/agencies').expect(200);
      await call(role, 'get', '/api/fields').expect(200);
    }
  });
});
