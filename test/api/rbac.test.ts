/** Every /api route checks authentication and role; agency users see only their agency's tickets. */
import request from 'supertest';
import { createUser } from '../../src/auth/passwords';
import { citizenMessage, startTestGateway, type TestGateway } from '../support/gateway';

const ROUTES: [string, string][] = [
  ['get', '/api/me'],
  ['get', '/api/tickets'],
  ['post', '/api/tickets'],
  ['get', '/api/tickets/1022-2026-000001'],
  ['patch', '/api/tickets/1022-2026-000001'],
  ['post', '/api/tickets/1022-2026-000001/reply'],
  ['post', '/api/tickets/1022-2026-000001/notes'],
  ['post', '/api/conversations/00000000-0000-0000-0000-000000000000/takeover'],
  ['post', '/api/conversations/00000000-0000-0000-0000-000000000000/release'],
  ['post', '/api/conversations/00000000-0000-0000-0000-000000000000/close'],
  ['get', '/api/stats/tickets'],
  ['get', '/api/export/tickets.csv'],
  ['get', '/api/export/tickets.xlsx'],
  ['post', '/api/auth/logout'],
];

describe('access control', () => {
  let t: TestGateway;
  const tokens: Record<string, string> = {};
  let agencyA = '';
  let codeA = '';
  let codeB = '';

  beforeAll(async () => {
    t = await startTestGateway({ kind: 'pglite' });
    const db = t.gw.ctx.db;
    const agencies = await db.query<{ id: string; code: string }>(`SELECT id, code FROM agencies ORDER BY code LIMIT 2`);
    expect(agencies.rowCount).toBe(2);
    agencyA = agencies.rows[0].code;
    await createUser(db, { username: 'op', displayName: 'Tổng đài viên Lan', password: 'op-password-1', role: 'operator' });
    await createUser(db, { username: 'sup', displayName: 'Giám sát Minh', password: 'sup-password-1', role: 'supervisor' });
    await createUser(db, {
      username: 'ag',
      displayName: 'Đầu mối A',
      password: 'ag-password-1',
      role: 'agency',
      agencyId: agencies.rows[0].id,
    });
    tokens.admin = await t.login();
    tokens.operator = await t.login('op', 'op-password-1');
    tokens.supervisor = await t.login('sup', 'sup-password-1');
    tokens.agency = await t.login('ag', 'ag-password-1');
    const a = await request(t.app)
      .post('/api/tickets')
      .set('authorization', tokens.operator)
      .send({ title: 'Cuộc gọi A', content: 'Nội dung A', agency: agencyA, callerName: 'Trần Thị B', callerPhone: '0912345678' })
      .expect(201);
    const b = await request(t.app)
      .post('/api/tickets')
      .set('authorization', tokens.operator)
      .send({ title: 'Cuộc gọi B', content: 'Nội dung B', agency: agencies.rows[1].code })
      .expect(201);
    codeA = a.body.code;
    codeB = b.body.code;
  });
  afterAll(async () => {
    await t.stop();
    await t.citizenApp.stop();
  });

  test.each(ROUTES)('%s %s needs a valid token', async (method, path) => {
    await (request(t.app) as unknown as Record<string, (p: string) => request.Test>)[method](path).expect(401);
    await (request(t.app) as unknown as Record<string, (p: string) => request.Test>)
      [method](path)
      .set('authorization', 'Bearer nope')
      .expect(401);
  });

  test('operators cannot read statistics or exports; supervisors can', async () => {
    for (const path of ['/api/stats/tickets', '/api/export/tickets.csv', '/api/export/tickets.xlsx']) {
      await request(t.app).get(path).set('authorization', tokens.operator).expect(403);
      await request(t.app).get(path).set('authorization', tokens.agency).expect(403);
      await request(t.app).get(path).set('authorization', tokens.supervisor).expect(200);
    }
  });

  test('agency users see only tickets forwarded to their agency', async () => {
    const list = await request(t.app).get('/api/tickets').set('authorization', tokens.agency).expect(200);
    expect(list.body.items.map((i: { code: string }) => i.code)).toEqual([codeA]);
    await request(t.app).get(`/api/tickets/${codeA}`).set('authorization', tokens.agency).expect(200);
    await request(t.app).get(`/api/tickets/${codeB}`).set('authorization', tokens.agency).expect(404);
    await request(t.app).patch(`/api/tickets/${codeB}`).set('authorization', tokens.agency).send({ status: 'answered' }).expect(404);
    await request(t.app).patch(`/api/tickets/${codeA}`).set('authorization', tokens.agency).send({ agency: null }).expect(403);
    await request(t.app).post('/api/tickets').set('authorization', tokens.agency).send({ title: 'x' }).expect(403);
    await request(t.app)
      .post('/api/conversations/00000000-0000-0000-0000-000000000000/takeover')
      .set('authorization', tokens.agency)
      .expect(403);
  });

  test('a phone-call ticket keeps the caller and is logged', async () => {
    const res = await request(t.app).get(`/api/tickets/${codeA}`).set('authorization', tokens.operator).expect(200);
    expect(res.body).toMatchObject({
      channel: 'phone',
      createdBy: 'operator',
      callerName: 'Trần Thị B',
      callerPhone: '0912345678',
      status: 'assigned',
    });
    expect(res.body.agency.code).toBe(agencyA);
    expect(res.body.events[0]).toMatchObject({ type: 'ticket_created', actorKind: 'operator', actorName: 'Tổng đài viên Lan' });
  });

  test('forwarding to an agency, statistics and exports reflect the tickets', async () => {
    await t.postCitizen(citizenMessage('u-rbac', 'cho tôi gặp tổng đài viên')).expect(200);
    await t.citizenApp.waitFor(() => t.citizenApp.to('u-rbac').some((m) => m.ticketCode));
    const code = t.citizenApp.to('u-rbac').find((m) => m.ticketCode)!.ticketCode!;
    const patched = await request(t.app)
      .patch(`/api/tickets/${code}`)
      .set('authorization', tokens.operator)
      .send({ agency: agencyA, field: 'ho_tich', note: 'Chuyển xử lý' })
      .expect(200);
    expect(patched.body).toMatchObject({ status: 'forwarded', field: 'ho_tich' });
    const detail = await request(t.app).get(`/api/tickets/${code}`).set('authorization', tokens.agency).expect(200);
    expect(detail.body.events.some((e: { type: string }) => e.type === 'forwarded')).toBe(true);

    const stats = await request(t.app)
      .get('/api/stats/tickets')
      .query({ by: 'agency' })
      .set('authorization', tokens.supervisor)
      .expect(200);
    const row = stats.body.items.find((i: { key: string }) => i.key === agencyA);
    expect(row.total).toBe(2);
    const byChannel = await request(t.app)
      .get('/api/stats/tickets')
      .query({ by: 'channel' })
      .set('authorization', tokens.supervisor)
      .expect(200);
    expect(byChannel.body.items.find((i: { key: string }) => i.key === 'phone').total).toBe(2);

    const csv = await request(t.app)
      .get('/api/export/tickets.csv')
      .query({ agency: agencyA })
      .set('authorization', tokens.supervisor)
      .expect(200);
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines[0]).toMatch(/^Mã phiếu,Trạng thái,Kênh/);
    expect(lines).toHaveLength(3);
    expect(csv.text).toContain(code);
  });

  test('login is throttled after repeated failures', async () => {
    for (let i = 0; i < 5; i++) await request(t.app).post('/api/auth/token').send({ username: 'sup', password: 'wrong' }).expect(401);
    const blocked = await request(t.app).post('/api/auth/token').send({ username: 'sup', password: 'sup-password-1' }).expect(429);
    expect(blocked.headers['retry-after']).toBeDefined();
  });

  test('logout revokes the token', async () => {
    const token = await t.login('op', 'op-password-1');
    await request(t.app).post('/api/auth/logout').set('authorization', token).expect(200);
    await request(t.app).get('/api/me').set('authorization', token).expect(401);
  });
});
