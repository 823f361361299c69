/**
 * A console's live connection lives no longer than its session: logging out closes it (and only
 * that session's), and so does the token's expiry. On both databases (PGlite: one node, in-process bus).
 */
import request from 'supertest';
import { issueToken } from '../../src/auth/tokens';
import { Bus } from '../../src/realtime/bus';
import { PgBus } from '../../src/realtime/pg-bus';
import { databaseKinds } from '../support/databases';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { openLiveConsole, type LiveConsole } from '../support/live-console';
import { waitFor } from '../support/wait';

describe.each(databaseKinds())('console sessions and live connections on %s', (kind) => {
  let t: TestGateway;
  const opened: LiveConsole[] = [];
  const live = async (token: string) => {
    const l = await openLiveConsole(t.url, token);
    opened.push(l);
    return l;
  };

  beforeAll(async () => {
    t = await startTestGateway({ kind });
  }, 120_000);

  afterEach(() => {
    for (const l of opened.splice(0)) l.socket.disconnect();
  });

  afterAll(async () => {
    await t?.stop();
    await t?.citizenApp.stop();
  });

  test('the bus is in-process on PGlite (one node), across nodes on PostgreSQL', () => {
    expect(t.gw.ctx.bus).toBeInstanceOf(Bus);
    expect(t.gw.ctx.bus instanceof PgBus).toBe(kind === 'postgres');
  });

  test('logout closes the live connection of that session, not the user’s other sessions', async () => {
    const leaving = await t.login();
    const staying = await t.login();
    const closing = await live(leaving);
    const other = await live(staying);
    await request(t.app).post('/api/auth/logout').set('authorization', leaving).expect(200);
    await waitFor(() => closing.closedByServer());
    await new Promise((r) => setTimeout(r, 200));
    expect(other.socket.connected).toBe(true);
    // The ended session cannot connect again.
    await expect(openLiveConsole(t.url, leaving)).rejects.toThrow(/phiên đã hết hạn/);
  });

  test('the live connection closes when its token expires', async () => {
    const admin = await t.gw.ctx.db.query<{ id: string }>(`SELECT id FROM users WHERE username = 'admin'`);
    const { token } = await issueToken(t.gw.ctx.db, admin.rows[0].id, 5 / 3600); // 5 s
    const expiring = await live(token);
    const lasting = await live(await t.login());
    await waitFor(() => expiring.closedByServer(), 20_000);
    expect(lasting.socket.connected).toBe(true);
  });
});
