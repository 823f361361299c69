/**
 * Live administration: open consoles hear about every change to shared lists and knowledge-base items
 * (`reference` events, with who made them), agencies only about the lists they use, and a user whose
 * sessions are revoked is disconnected at once — except the session that changed its own password.
 */
import type { Socket } from 'socket.io-client';
import request from 'supertest';
import { openLiveConsole } from '../support/live-console';
import { waitFor } from '../support/wait';
import { addUser, describeConsole } from './support';

interface Reference {
  list: string;
  id?: string;
  version?: number;
  by: { userId: string | null; name: string };
}

describeConsole('live reference changes on %s', (f) => {
  const sockets: Socket[] = [];
  afterEach(() => {
    for (const s of sockets.splice(0)) s.disconnect();
  });

  /** A console connection that records every `reference` event and whether the server closed it. */
  async function listen(token: string): Promise<{ socket: Socket; events: Reference[]; closedByServer: () => boolean }> {
    const live = await openLiveConsole(f.t.url, token);
    sockets.push(live.socket);
    return {
      socket: live.socket,
      get events() {
        return live.events<Reference>('reference');
      },
      closedByServer: live.closedByServer,
    };
  }

  test('field, agency, canned-reply and knowledge-base edits reach open consoles, with the editor named', async () => {
    const operator = await listen(f.tokens.operator);
    const agency = await listen(f.tokens.agencyA);

    await f.as('admin').post('/api/fields').send({ code: 'live_test', name: 'Lĩnh vực thử' }).expect(201);
    await waitFor(() => operator.events.some((e) => e.list === 'fields' && e.id === 'live_test'));
    expect(operator.events.find((e) => e.list === 'fields')).toMatchObject({ by: { userId: f.users.admin } });
    await waitFor(() => agency.events.some((e) => e.list === 'fields'));

    await f
      .as('supervisor')
      .post('/api/canned-replies')
      .send({ shortcut: 'camon', title: 'Cảm ơn', text: 'Xin cảm ơn Quý khách.' })
      .expect(201);
    await waitFor(() => operator.events.some((e) => e.list === 'canned' && e.by.name === 'Giám sát Minh'));

    const proc = (await f.as('admin').get('/api/kb/procedures').expect(200)).body[0] as { intent: string; version: number };
    const current = (await f.as('admin').get(`/api/kb/procedures/${proc.intent}`).expect(200)).body as {
      procedure: Record<string, unknown>;
      version: number;
    };
    await f
      .as('admin')
      .put(`/api/kb/procedures/${proc.intent}`)
      .send({ procedure: { ...current.procedure, notes: ['Ghi chú thử nghiệm cập nhật trực tiếp'] }, baseVersion: current.version })
      .expect(200);
    await waitFor(() => operator.events.some((e) => e.list === 'procedures'));
    expect(operator.events.find((e) => e.list === 'procedures')).toMatchObject({ id: proc.intent, version: current.version + 1 });

    // Canned replies and the knowledge base are not an agency's business.
    expect(agency.events.map((e) => e.list).sort()).toEqual(['fields']);
  });

  test('deactivating a user or resetting a password closes their live connections at once', async () => {
    const created = await addUser(f, { username: 'live.op', displayName: 'Trực tuyến', role: 'operator', password: 'tam-thoi-123' });
    // A new user changes the temporary password first: until then the live connection is refused.
    const newcomer = await f.t.login('live.op', 'tam-thoi-123');
    await request(f.t.app)
      .post('/api/me/password')
      .set('authorization', newcomer)
      .send({ current: 'tam-thoi-123', next: 'mat-khau-rieng-1' })
      .expect(200);
    const first = await listen(newcomer);
    const bystander = await listen(f.tokens.operator2);

    await f.as('admin').post(`/api/users/${created.body.id}/reset-password`).expect(200);
    await waitFor(() => first.closedByServer());
    expect(bystander.socket.connected).toBe(true);

    // A user changing their own password keeps this session and loses the others.
    const op = await listen(f.tokens.operator);
    const mine = await listen(f.tokens.operator);
    const elsewhere = await listen(await f.t.login('op', 'op-password-1'));
    await f.as('operator').post('/api/me/password').send({ current: 'op-password-1', next: 'op-password-2' }).expect(200);
    await waitFor(() => elsewhere.closedByServer());
    expect(op.socket.connected && mine.socket.connected).toBe(true);

    await f.as('admin').patch(`/api/users/${f.users.operator2}`).send({ active: false }).expect(200);
    await waitFor(() => bystander.closedByServer());
    expect(op.socket.connected).toBe(true);
  });
});
