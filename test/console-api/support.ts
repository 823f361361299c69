/** Shared set-up of the console API suites: a gateway with staff of every role and two agencies. */
import request from 'supertest';
import { createUser } from '../../src/auth/passwords';
import { retrainIdle } from '../../src/operations/retrain';
import { databaseKinds, type DbKind } from '../support/databases';
import { citizenMessage, startTestGateway, type TestGateway } from '../support/gateway';

/** A gateway with signed-in users of each role. */
export interface ConsoleFixture {
  t: TestGateway;
  tokens: { admin: string; supervisor: string; operator: string; operator2: string; agencyA: string; agencyB: string };
  users: Record<'admin' | 'supervisor' | 'operator' | 'operator2' | 'agencyA' | 'agencyB', string>;
  agencyA: { id: string; code: string; name: string };
  agencyB: { id: string; code: string; name: string };
  /** A supertest agent call with a bearer header. */
  as(role: keyof ConsoleFixture['tokens']): {
    get(path: string): request.Test;
    post(path: string): request.Test;
    put(path: string): request.Test;
    patch(path: string): request.Test;
    delete(path: string): request.Test;
  };
  stop(): Promise<void>;
}

/** Starts a gateway (TEST_KNOWLEDGE_DIR may point at another knowledge seed) and signs in every role. */
export async function startConsole(kind: DbKind, env: Record<string, string> = {}): Promise<ConsoleFixture> {
  const t = await startTestGateway({
    kind,
    env: { ...(process.env.TEST_KNOWLEDGE_DIR ? { KNOWLEDGE_DIR: process.env.TEST_KNOWLEDGE_DIR } : {}), ...env },
  });
  const db = t.gw.ctx.db;
  const agencies = await db.query<{ id: string; code: string; name: string }>(`SELECT id, code, name FROM agencies ORDER BY code LIMIT 2`);
  if (agencies.rows.length < 2) throw new Error('the knowledge seed needs at least two agencies');
  const [agencyA, agencyB] = agencies.rows;
  const made = {
    supervisor: await createUser(db, { username: 'sup', displayName: 'Giám sát Minh', password: 'sup-password-1', role: 'supervisor' }),
    operator: await createUser(db, { username: 'op', displayName: 'Tổng đài viên Lan', password: 'op-password-1', role: 'operator' }),
    operator2: await createUser(db, { username: 'op2', displayName: 'Tổng đài viên Hùng', password: 'op2-password-1', role: 'operator' }),
    agencyA: await createUser(db, {
      username: 'ag-a',
      displayName: 'Đầu mối A',
      password: 'aga-password-1',
      role: 'agency',
      agencyId: agencyA.id,
    }),
    agencyB: await createUser(db, {
      username: 'ag-b',
      displayName: 'Đầu mối B',
      password: 'agb-password-1',
      role: 'agency',
      agencyId: agencyB.id,
    }),
  };
  const admin = await db.query<{ id: string }>(`SELECT id FROM users WHERE username = 'admin'`);
  const tokens = {
    admin: await t.login(),
    supervisor: await t.login('sup', 'sup-password-1'),
    operator: await t.login('op', 'op-password-1'),
    operator2: await t.login('op2', 'op2-password-1'),
    agencyA: await t.login('ag-a', 'aga-password-1'),
    agencyB: await t.login('ag-b', 'agb-password-1'),
  };
  const users = {
    admin: admin.rows[0].id,
    supervisor: made.supervisor.id,
    operator: made.operator.id,
    operator2: made.operator2.id,
    agencyA: made.agencyA.id,
    agencyB: made.agencyB.id,
  };
  return {
    t,
    tokens,
    users,
    agencyA,
    agencyB,
    as(role) {
      const auth = tokens[role];
      return {
        get: (p) => request(t.app).get(p).set('authorization', auth),
        post: (p) => request(t.app).post(p).set('authorization', auth),
        put: (p) => request(t.app).put(p).set('authorization', auth),
        patch: (p) => request(t.app).patch(p).set('authorization', auth),
        delete: (p) => request(t.app).delete(p).set('authorization', auth),
      };
    },
    async stop() {
      await retrainIdle(t.gw.ctx);
      await t.stop();
      await t.citizenApp.stop();
    },
  };
}

/**
 * Declares the suite `title` once per database kind, with a console fixture `f` that is started (with
 * `env`) before its tests and stopped after them; `f` is filled in by the first `beforeAll`.
 */
export function describeConsole(title: string, suite: (f: ConsoleFixture) => void): void;
export function describeConsole(title: string, env: Record<string, string>, suite: (f: ConsoleFixture) => void): void;
export function describeConsole(
  title: string,
  ...args: [(f: ConsoleFixture) => void] | [Record<string, string>, (f: ConsoleFixture) => void]
): void {
  const [env, suite] = args.length === 1 ? [{}, args[0]] : args;
  describe.each(databaseKinds())(title, (kind) => {
    const f = {} as ConsoleFixture;
    beforeAll(async () => {
      Object.assign(f, await startConsole(kind, env));
    });
    afterAll(async () => {
      await f.stop?.();
    });
    suite(f);
  });
}

export { waitForValue } from '../support/wait';

/** The admin creates a console user (201); resolves with the answer, the new user. */
export function addUser(f: ConsoleFixture, user: { username: string; displayName: string; role: string; password: string }): request.Test {
  return f.as('admin').post('/api/users').send(user).expect(201);
}

/** A citizen asks for an operator on the citizen app; resolves with the ticket code the bot opened. */
export async function escalation(
  f: ConsoleFixture,
  userId: string,
  text = 'cho tôi gặp tổng đài viên',
  extra: Record<string, unknown> = {},
): Promise<string> {
  await f.t.postCitizen(citizenMessage(userId, text, extra)).expect(200);
  await f.t.citizenApp.waitFor(() => f.t.citizenApp.to(userId).some((m) => m.ticketCode), 15_000, `ticket for ${userId}`);
  return f.t.citizenApp.to(userId).find((m) => m.ticketCode)!.ticketCode!;
}

/** The conversation id of a ticket. */
export async function conversationOf(f: ConsoleFixture, code: string): Promise<string> {
  const r = await f.t.gw.ctx.db.query<{ conversation_id: string }>('SELECT conversation_id FROM tickets WHERE code = $1', [code]);
  return r.rows[0].conversation_id;
}

/** `role` sends `text` through a reply route (202) and waits until the citizen app has delivered it to `userId`; resolves with the answer. */
export async function replyReaching(
  f: ConsoleFixture,
  role: keyof ConsoleFixture['tokens'],
  path: string,
  userId: string,
  text: string,
): Promise<request.Response> {
  const res = await f.as(role).post(path).send({ text }).expect(202);
  await f.t.citizenApp.waitFor(() => f.t.citizenApp.to(userId).some((m) => m.text === text));
  return res;
}
