/**
 * The hotline floor on PGlite and PostgreSQL: automatic assignment by capacity, skills and round-robin,
 * presence (chosen, expired with a dead node's connections, away after inactivity, offline with the
 * last console), no double assignment under concurrent triggers, supervisors' reassignment, and
 * floor alerts raised once.
 */
import { Client } from 'pg';
import { io as connectClient, type Socket } from 'socket.io-client';
import { assignWaiting } from '../../src/operations/routing';
import { countFreeOperators } from '../../src/store/floor';
import { addConnection } from '../../src/store/presence';
import { waitFor } from '../support/wait';
import { conversationOf, describeConsole, escalation, waitForValue, type ConsoleFixture } from './support';

type Role = keyof ConsoleFixture['tokens'];
interface Alert {
  kind: string;
  conversationId?: string;
  ticketId?: string;
  message: string;
}

describeConsole('hotline floor on %s', (f) => {
  const sockets: Socket[] = [];
  let seq = 0;
  const db = () => f.t.gw.ctx.db;

  /** Opens a console connection for `role` (presence needs one), recording the alerts it receives. */
  async function connect(role: Role): Promise<{ socket: Socket; alerts: Alert[] }> {
    const socket = connectClient(`${f.t.url}/console`, {
      auth: { token: f.tokens[role] },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    sockets.push(socket);
    const alerts: Alert[] = [];
    socket.on('alert', (a: Alert) => alerts.push(a));
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', reject);
    });
    return { socket, alerts };
  }
  /** `role` opens a console and says they are online. */
  async function online(role: Role): Promise<Socket> {
    const { socket } = await connect(role);
    await waitForValue(
      async () => (await f.as(role).put('/api/floor/presence').send({ status: 'online' }).expect(200)).body.status,
      (s) => s === 'online',
    );
    return socket;
  }
  const settings = (body: Record<string, unknown>) => f.as('admin').put('/api/floor/settings').send(body).expect(200);
  const routing = (role: Role, body: Record<string, unknown>) =>
    f.as('admin').put(`/api/users/${f.users[role]}/routing`).send(body).expect(200);
  const assigneeOf = async (conversationId: string) =>
    (
      await db().query<{ assignee_id: string | null; state: string }>('SELECT assignee_id, state FROM conversations WHERE id = $1', [
        conversationId,
      ])
    ).rows[0];
  const waitAssigned = (conversationId: string) =>
    waitForValue(
      () => assigneeOf(conversationId),
      (r) => r.state === 'operator',
    );
  /** A citizen asks for an operator; resolves with the waiting conversation's id and its ticket code. */
  async function waitingConversation(): Promise<{ id: string; code: string }> {
    const code = await escalation(f, `u-floor-${++seq}`);
    return { id: await conversationOf(f, code), code };
  }
  const closeAll = async () => {
    const open = await db().query<{ id: string }>(`SELECT id FROM conversations WHERE state <> 'closed'`);
    for (const { id } of open.rows) await f.as('supervisor').post(`/api/conversations/${id}/close`).send({}).expect(200);
  };
  const eventsOf = async (conversationId: string, type: string) =>
    (
      await db().query<{ data: Record<string, unknown>; actor_kind: string }>(
        'SELECT data, actor_kind FROM events WHERE conversation_id = $1 AND type = $2 ORDER BY id',
        [conversationId, type],
      )
    ).rows;

  afterEach(async () => {
    for (const s of sockets.splice(0)) s.disconnect();
    await settings({ autoAssign: true, longWaitSeconds: 180, awayAfterSeconds: 600 });
    await routing('operator', { maxChats: 3, skills: [] });
    await routing('operator2', { maxChats: 3, skills: [] });
    await closeAll();
    // Everyone offline before the next test (the server sees the closed sockets shortly after).
    await waitForValue(
      async () => (await f.as('supervisor').get('/api/floor').expect(200)).body.operators as { status: string }[],
      (ops) => ops.every((o) => o.status === 'offline'),
    );
  });

  test('capacity and round-robin: equals take turns, a full operator is skipped, a freed slot takes the next; each assignment is logged', async () => {
    await routing('operator', { maxChats: 2 });
    await routing('operator2', { maxChats: 2 });
    await online('operator');
    await online('operator2');
    const convs = [];
    for (let i = 0; i < 4; i++) {
      const c = await waitingConversation();
      convs.push({ ...c, assignee: (await waitAssigned(c.id)).assignee_id });
    }
    const [a, b, c, d] = convs.map((x) => x.assignee);
    expect(new Set([a, b])).toEqual(new Set([f.users.operator, f.users.operator2]));
    expect([c, d]).toEqual([a, b]);

    // Both are full: the fifth waits.
    const fifth = await waitingConversation();
    await assignWaiting(f.t.gw.ctx);
    expect(await assigneeOf(fifth.id)).toEqual({ assignee_id: null, state: 'waiting' });
    const floor = (await f.as('supervisor').get('/api/floor').expect(200)).body;
    expect(floor.waiting.map((w: { id: string }) => w.id)).toEqual([fifth.id]);
    expect(floor.operators.find((o: { id: string }) => o.id === f.users.operator)).toMatchObject({
      status: 'online',
      load: 2,
      maxChats: 2,
    });

    // Closing one of the first operator's conversations frees a slot: the fifth goes there at once.
    await f.as('operator').post(`/api/conversations/${convs[0].id}/close`).send({}).expect(200);
    expect((await waitAssigned(fifth.id)).assignee_id).toBe(a);
    const mine = (
      await f
        .as(a === f.users.operator ? 'operator' : 'operator2')
        .get('/api/conversations?state=mine')
        .expect(200)
    ).body;
    expect(mine.items.map((i: { id: string }) => i.id)).toContain(fifth.id);

    const logged = await eventsOf(fifth.id, 'auto_assigned');
    expect(logged).toEqual([{ actor_kind: 'system', data: expect.objectContaining({ assigneeId: a }) }]);
    // The ticket follows the conversation.
    const ticket = (await f.as('supervisor').get(`/api/tickets/${fifth.code}`).expect(200)).body;
    expect(ticket.status).toBe('assigned');
  });

  test('skills: a conversation of a field goes to the operator who handles it; no match waits; auto-assignment can be turned off', async () => {
    const fields = (await db().query<{ code: string }>('SELECT code FROM fields ORDER BY code LIMIT 3')).rows.map((r) => r.code);
    await settings({ autoAssign: false });
    await routing('operator', { skills: [fields[0]] });
    await routing('operator2', { skills: [fields[1]] });
    await f
      .as('admin')
      .put(`/api/users/${f.users.operator}/routing`)
      .send({ skills: ['khong_co_linh_vuc'] })
      .expect(400);
    const forSecond = await waitingConversation();
    const forNobody = await waitingConversation();
    await f.as('supervisor').patch(`/api/tickets/${forSecond.code}`).send({ field: fields[1] }).expect(200);
    await f.as('supervisor').patch(`/api/tickets/${forNobody.code}`).send({ field: fields[2] }).expect(200);
    await online('operator');
    await online('operator2');
    // Off: nobody is assigned, even by the periodic round.
    await f.t.gw.floor.tick();
    expect((await assigneeOf(forSecond.id)).state).toBe('waiting');

    await settings({ autoAssign: true });
    expect((await assigneeOf(forSecond.id)).assignee_id).toBe(f.users.operator2);
    expect(await assigneeOf(forNobody.id)).toEqual({ assignee_id: null, state: 'waiting' });

    // A generalist (no skills) takes any field.
    await routing('operator', { skills: [] });
    // A round already running on this node may hold the rows for a moment (SKIP LOCKED): the next round assigns.
    const generalist = await waitForValue(
      async () => {
        await assignWaiting(f.t.gw.ctx);
        return (await assigneeOf(forNobody.id)).assignee_id;
      },
      (id) => id !== null,
    );
    expect(generalist).toBe(f.users.operator);
  });

  test("presence: a dead node's connections expire, inactivity makes an operator away until they are active, the last console closing makes them offline", async () => {
    const presence = async (role: Role) => (await f.as(role).get('/api/floor/presence').expect(200)).body.status as string;
    await settings({ autoAssign: false });
    // Online through a connection held by another node only (no socket here).
    await addConnection(db(), 'node-b#socket-1', f.users.operator);
    await f.as('operator').put('/api/floor/presence').send({ status: 'online' }).expect(200);
    expect(await presence('operator')).toBe('online');
    // Node B dies: nobody renews its connection; once expired the operator is offline and gets no work.
    await db().query(`UPDATE presence_connections SET seen_at = now() - interval '10 minutes' WHERE socket_id = 'node-b#socket-1'`);
    expect(await presence('operator')).toBe('offline');
    await f.t.gw.floor.tick();
    expect(await db().query(`SELECT 1 FROM presence_connections WHERE socket_id = 'node-b#socket-1'`)).toMatchObject({ rowCount: 0 });
    await settings({ autoAssign: true });
    const conv = await waitingConversation();
    await assignWaiting(f.t.gw.ctx);
    expect((await assigneeOf(conv.id)).state).toBe('waiting');

    // A live console here: the periodic round renews it, so it does not expire.
    const socket = await online('operator');
    await db().query(`UPDATE presence_connections SET seen_at = now() - interval '5 minutes'`);
    await f.t.gw.floor.tick();
    expect(await presence('operator')).toBe('online');
    expect((await waitAssigned(conv.id)).assignee_id).toBe(f.users.operator);

    // Inactive longer than the setting: away (automatically); activity in the console brings them back.
    await settings({ awayAfterSeconds: 60 });
    await db().query(`UPDATE operator_presence SET last_active_at = now() - interval '2 minutes' WHERE user_id = $1`, [f.users.operator]);
    await f.t.gw.floor.tick();
    expect((await f.as('operator').get('/api/floor/presence').expect(200)).body).toMatchObject({ status: 'away', autoAway: true });
    socket.emit('activity');
    expect(
      await waitForValue(
        () => presence('operator'),
        (s) => s === 'online',
      ),
    ).toBe('online');
    // Away by choice stays away whatever the activity.
    await f.as('operator').put('/api/floor/presence').send({ status: 'away' }).expect(200);
    socket.emit('activity');
    await new Promise((r) => setTimeout(r, 200));
    expect(await presence('operator')).toBe('away');

    // Two consoles: closing one keeps the operator present, closing the last makes them offline.
    await f.as('operator').put('/api/floor/presence').send({ status: 'online' }).expect(200);
    const second = await connect('operator');
    // The server records a console once its handshake is through, a moment after the client's
    // "connect": closing the first before that would close the last one the server knows of.
    const consoles = async () =>
      Number((await db().query('SELECT count(*) AS n FROM presence_connections WHERE user_id = $1', [f.users.operator])).rows[0].n);
    expect(await waitForValue(consoles, (n) => n === 2)).toBe(2);
    socket.disconnect();
    await new Promise((r) => setTimeout(r, 300));
    expect(await presence('operator')).toBe('online');
    second.socket.disconnect();
    expect(
      await waitForValue(
        () => presence('operator'),
        (s) => s === 'offline',
      ),
    ).toBe('offline');
  });

  test('a round that finds the only free operator held by another assignment tries again once they are free', async () => {
    await settings({ autoAssign: false });
    const conv = await waitingConversation();
    await online('operator');
    // Online and connected: the round can give them the conversation.
    await waitForValue(
      () => countFreeOperators(db()),
      (n) => n === 1,
    );
    const url = db().url;
    // On PostgreSQL another transaction holds the operator's presence row, as a concurrent
    // assignment does, for 150 ms, while the round that turning auto-assignment on runs; the round
    // must not leave the conversation waiting because of it. (PGlite runs one transaction at a time:
    // there the round simply assigns.)
    const holder = url ? new Client({ connectionString: url }) : null;
    if (holder) {
      await holder.connect();
      await holder.query('BEGIN');
      await holder.query('SELECT 1 FROM operator_presence WHERE user_id = $1 FOR UPDATE', [f.users.operator]);
      setTimeout(() => void holder.query('COMMIT').finally(() => holder.end()), 150);
    }
    await settings({ autoAssign: true });
    // Within a second and a half: the next floor tick is 10 s away, so only a round that tried again can have done it.
    expect(
      await waitForValue(
        () => assigneeOf(conv.id),
        (r) => r.state === 'operator',
        1_500,
      ),
    ).toEqual({ assignee_id: f.users.operator, state: 'operator' });
  });

  test('concurrent assignment rounds never give a conversation twice nor overfill an operator', async () => {
    await settings({ autoAssign: false });
    const convs = [];
    for (let i = 0; i < 8; i++) convs.push(await waitingConversation());
    await routing('operator', { maxChats: 3 });
    await routing('operator2', { maxChats: 2 });
    await online('operator');
    await online('operator2');
    // Turning auto-assignment on assigns at once, while rounds run on several connections (PostgreSQL's pool).
    await Promise.all([
      settings({ autoAssign: true }),
      ...Array.from({ length: 6 }, () => assignWaiting(f.t.gw.ctx)),
      f.t.gw.floor.tick(),
      f.t.gw.floor.tick(),
    ]);
    const rows = (
      await db().query<{ assignee_id: string | null }>('SELECT assignee_id FROM conversations WHERE id = ANY($1::uuid[])', [
        convs.map((c) => c.id),
      ])
    ).rows;
    const count = (id: string | null) => rows.filter((r) => r.assignee_id === id).length;
    expect([count(f.users.operator), count(f.users.operator2), count(null)]).toEqual([3, 2, 3]);
    for (const c of convs) expect((await eventsOf(c.id, 'auto_assigned')).length).toBeLessThanOrEqual(1);
    const logged = await db().query<{ n: number }>(
      `SELECT count(*)::int AS n FROM events WHERE type = 'auto_assigned' AND conversation_id = ANY($1::uuid[])`,
      [convs.map((c) => c.id)],
    );
    expect(logged.rows[0].n).toBe(5);
  });

  test('a supervisor reassigns a conversation; operators may not; a closed one cannot be', async () => {
    await online('operator');
    const conv = await waitingConversation();
    expect((await waitAssigned(conv.id)).assignee_id).toBe(f.users.operator);
    await f.as('operator').post(`/api/floor/conversations/${conv.id}/assign`).send({ userId: f.users.operator2 }).expect(403);
    await f.as('supervisor').post(`/api/floor/conversations/${conv.id}/assign`).send({ userId: f.users.agencyA }).expect(400);
    await f.as('supervisor').post(`/api/floor/conversations/${conv.id}/assign`).send({ userId: f.users.operator2 }).expect(200);
    expect(await assigneeOf(conv.id)).toEqual({ assignee_id: f.users.operator2, state: 'operator' });
    expect(await eventsOf(conv.id, 'reassigned')).toEqual([
      {
        actor_kind: 'supervisor',
        data: { fromId: f.users.operator, fromName: 'Tổng đài viên Lan', toId: f.users.operator2, toName: 'Tổng đài viên Hùng' },
      },
    ]);
    const ticket = (await f.as('supervisor').get(`/api/tickets/${conv.code}`).expect(200)).body;
    expect(ticket.assignee.id).toBe(f.users.operator2);
    await f.as('supervisor').post(`/api/conversations/${conv.id}/close`).send({}).expect(200);
    await f.as('supervisor').post(`/api/floor/conversations/${conv.id}/assign`).send({ userId: f.users.operator }).expect(409);
  });

  test('a long wait and an overdue ticket raise one alert each, whatever the number of rounds and nodes', async () => {
    const watcher = await connect('supervisor');
    const conv = await waitingConversation();
    await db().query(`UPDATE conversations SET waiting_since = now() - interval '10 minutes' WHERE id = $1`, [conv.id]);
    await f
      .as('supervisor')
      .patch(`/api/tickets/${conv.code}`)
      .send({ dueAt: new Date(Date.now() - 60_000).toISOString() })
      .expect(200);
    await Promise.all([f.t.gw.floor.tick(), f.t.gw.floor.tick()]);
    await f.t.gw.floor.tick();
    await waitFor(() => watcher.alerts.length >= 2);
    await new Promise((r) => setTimeout(r, 300));
    const longWaits = watcher.alerts.filter((a) => a.kind === 'long_wait');
    const overdue = watcher.alerts.filter((a) => a.kind === 'ticket_overdue');
    expect(longWaits).toEqual([
      expect.objectContaining({ conversationId: conv.id, message: expect.stringMatching(/đã chờ tổng đài viên 10 phút/) }),
    ]);
    expect(overdue).toEqual([
      expect.objectContaining({ conversationId: conv.id, message: expect.stringContaining(`Phiếu ${conv.code} đã quá hạn`) }),
    ]);

    const floor = (await f.as('supervisor').get('/api/floor').expect(200)).body;
    expect(floor.longestWaitSeconds).toBeGreaterThanOrEqual(600);
    expect(floor.longWaits).toBe(1);
    expect(floor.overdueTickets.items.map((t: { code: string }) => t.code)).toContain(conv.code);

    // A new deadline that passes is a new alert.
    await f
      .as('supervisor')
      .patch(`/api/tickets/${conv.code}`)
      .send({ dueAt: new Date(Date.now() - 1_000).toISOString() })
      .expect(200);
    await f.t.gw.floor.tick();
    await waitFor(() => watcher.alerts.filter((a) => a.kind === 'ticket_overdue').length === 2);
  });
});
