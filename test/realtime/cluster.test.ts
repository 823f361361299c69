/**
 * Three gateways ("nodes" A, B, C) in one process on one PostgreSQL database, as in a cluster:
 * A accepts but processes nothing (WORKER_CONCURRENCY=0), B and C process. A console on A sees
 * every message B and C handle, exactly once; a live-chat visitor on B (and in a second tab on A)
 * gets the reply an operator sends through A; knowledge, settings and model changes made on A reach
 * B and C; revoking sessions or logging out on A closes the sockets on other nodes.
 */
import request from 'supertest';
import { createUser } from '../../src/auth/passwords';
import { insertExample } from '../../src/knowledge/store';
import { retrainIdle, scheduleRetrain } from '../../src/operations/retrain';
import type { WireMessage } from '../../adapters/livechat/protocol';
import { botAnswer, connect, type TestClient } from '../adapters/livechat/harness';
import { citizenMessage, startTestGateway, type TestGateway } from '../support/gateway';
import { openLiveConsole, type LiveConsole } from '../support/live-console';
import { waitFor, waitForValue } from '../support/wait';

type MessageEvent = { conversationId: string; messageId: string; direction: 'in' | 'out'; status: string };

describe('three gateways on one postgres database', () => {
  let a: TestGateway;
  let b: TestGateway;
  let c: TestGateway;
  let admin = '';
  const closers: Array<{ disconnect(): unknown }> = [];

  const live = async (node: TestGateway, token: string): Promise<LiveConsole> => {
    const l = await openLiveConsole(node.url, token);
    closers.push(l.socket);
    return l;
  };
  const widget = async (node: TestGateway, token?: string): Promise<TestClient> => {
    const w = await connect(node.url, token ? { token } : {});
    closers.push(w.socket);
    return w;
  };
  /** Waits until no job is waiting or running anywhere in the cluster. */
  const idle = () =>
    waitForValue(
      async () =>
        (await a.gw.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM jobs WHERE state IN ('pending', 'running')`)).rows[0].n,
      (n) => n === 0,
      30_000,
    );

  beforeAll(async () => {
    const env = { LIVECHAT_ENABLED: 'true' };
    a = await startTestGateway({ kind: 'postgres', env: { ...env, WORKER_CONCURRENCY: '0' } });
    const same = { kind: 'postgres' as const, databaseUrl: a.databaseUrl, citizenApp: a.citizenApp, env };
    b = await startTestGateway(same);
    c = await startTestGateway(same);
    admin = await a.login();
  }, 120_000);

  afterEach(() => {
    for (const s of closers.splice(0)) s.disconnect();
  });

  afterAll(async () => {
    for (const n of [c, b, a]) await n?.stop();
    await a?.citizenApp.stop();
  });

  test('a console on A receives every message processed on B and C, each once', async () => {
    const consoleA = await live(a, admin);
    for (let i = 0; i < 6; i++) {
      const node = i % 2 ? c : b;
      const body = citizenMessage(`cluster-citizen-${i}`, 'Cho hỏi làm giấy khai sinh cho con cần giấy tờ gì?');
      await node.postCitizen(body).expect(200);
    }
    await idle();
    const db = a.gw.ctx.db;
    // Inbound message events name the provider's message id.
    const inbound = (await db.query<{ id: string }>(`SELECT external_id AS id FROM messages WHERE direction = 'in'`)).rows.map((r) => r.id);
    const sent = (await db.query<{ id: string }>(`SELECT id FROM messages WHERE direction = 'out' AND status = 'sent'`)).rows.map(
      (r) => r.id,
    );
    expect(inbound).toHaveLength(6);
    expect(sent.length).toBeGreaterThanOrEqual(6); // at least a receipt or an answer each

    const messages = () => consoleA.events<MessageEvent>('message');
    await waitFor(
      () =>
        inbound.every((id) => messages().some((e) => e.messageId === id && e.direction === 'in')) &&
        sent.every((id) => messages().some((e) => e.messageId === id && e.status === 'sent')),
    );
    await new Promise((r) => setTimeout(r, 500)); // no late duplicates
    for (const id of inbound) expect(messages().filter((e) => e.messageId === id && e.direction === 'in')).toHaveLength(1);
    for (const id of sent) expect(messages().filter((e) => e.messageId === id && e.status === 'sent')).toHaveLength(1);
  });

  test('a live-chat visitor on B, and in a second tab on A, gets the operator reply sent through A', async () => {
    const tabB = await widget(b);
    const { visitorId, token } = tabB.session;
    const ack = await tabB.socket.timeout(5000).emitWithAck('message', { clientId: 'c1', text: 'Cho tôi hỏi về hộ chiếu' });
    expect(ack).toMatchObject({ ok: true, duplicate: false });
    const tabA = await widget(a, token!);
    expect(tabA.session.visitorId).toBe(visitorId);

    // The citizen's own message, typed on A, is echoed to the tab on B.
    await tabA.socket.timeout(5000).emitWithAck('message', { clientId: 'c2', text: 'Tôi cần gặp tổng đài viên' });
    const echoed = (t: TestClient, id: string) =>
      t.received.some((r) => r.event === 'message' && (r.payload as WireMessage).externalMessageId === id);
    await waitFor(() => echoed(tabB, `${visitorId}:c2`));

    await idle();
    const conversationId = await waitForValue(
      async () =>
        (
          await a.gw.ctx.db.query<{ id: string }>(`SELECT id FROM conversations WHERE channel = 'livechat' AND external_user_id = $1`, [
            visitorId,
          ])
        ).rows[0]?.id,
      (id) => !!id,
    );
    const text = 'Chào anh/chị, em là tổng đài viên. Anh/chị mang CCCD đến Phòng Quản lý xuất nhập cảnh nhé.';
    await request(a.app).post(`/api/conversations/${conversationId}/reply`).set('authorization', admin).send({ text }).expect(202);
    const replies = (t: TestClient) =>
      t.received.filter(
        (r) => r.event === 'message' && (r.payload as WireMessage).author === 'operator' && (r.payload as WireMessage).text === text,
      );
    await waitFor(() => replies(tabB).length > 0 && replies(tabA).length > 0);
    await new Promise((r) => setTimeout(r, 500));
    expect(replies(tabB)).toHaveLength(1);
    expect(replies(tabA)).toHaveLength(1);
    // The take-over notice too reached both tabs.
    for (const t of [tabA, tabB]) expect(t.received.some((r) => r.event === 'operator')).toBe(true);
  });

  test('messages sent to a visitor one after the other reach each tab, on this node and another, in the order sent', async () => {
    const tabA = await widget(a);
    const { visitorId, token } = tabA.session;
    const tabB = await widget(b, token!);
    const livechat = a.gw.ctx.channels.get('livechat')!;
    // As the dispatcher sends a receipt then an answer: each send returns once emitted.
    const texts = Array.from({ length: 40 }, (_, i) => `tin ${i + 1}`);
    for (const [i, text] of texts.entries()) await livechat.send(botAnswer(`order-${i}`, visitorId, text));
    const got = (t: TestClient) =>
      t.received
        .filter((r) => r.event === 'message' && (r.payload as WireMessage).text.startsWith('tin '))
        .map((r) => (r.payload as WireMessage).text);
    await waitFor(() => got(tabA).length === texts.length && got(tabB).length === texts.length);
    expect(got(tabA)).toEqual(texts);
    expect(got(tabB)).toEqual(texts);
  });

  test('a knowledge-base edit and a settings change on A reach the bots of B and C', async () => {
    const [proc] = (await request(a.app).get('/api/kb/procedures').set('authorization', admin).expect(200)).body as Array<{
      intent: string;
    }>;
    const current = (await request(a.app).get(`/api/kb/procedures/${proc.intent}`).set('authorization', admin).expect(200)).body as {
      procedure: { title: string } & Record<string, unknown>;
      version: number;
    };
    const title = `${current.procedure.title} (bản cập nhật từ nút A)`;
    expect(c.gw.ctx.knowledge.title(proc.intent)).not.toBe(title);
    await request(a.app)
      .put(`/api/kb/procedures/${proc.intent}`)
      .set('authorization', admin)
      .send({ procedure: { ...current.procedure, title }, baseVersion: current.version })
      .expect(200);
    await waitFor(() => c.gw.ctx.knowledge.title(proc.intent) === title && b.gw.ctx.knowledge.title(proc.intent) === title);
    expect(c.gw.ctx.knowledge.procedureAnswer(proc.intent, 'short')?.text).toContain(title);

    const greeting = 'Xin chào, đây là lời chào mới của Tổng đài 1022 (đổi trên nút A).';
    const receipt = 'Tổng đài 1022 đã nhận tin nhắn của Quý khách (cài đặt đổi trên nút A).';
    await request(a.app)
      .put('/api/settings')
      .set('authorization', admin)
      .send({ greeting, receipt: { default: receipt } })
      .expect(200);
    await waitFor(
      () => c.gw.ctx.bot.receipt.default === receipt && c.gw.ctx.knowledge.serviceAnswer('chao_hoi')?.text.includes(greeting) === true,
    );
    expect(b.gw.ctx.bot.receipt.default).toBe(receipt);
  });

  test('a training phrase added on A: B loads the model A trained and stored, once, without training', async () => {
    const phrase = 'quokka xylophone zebu kangaroo';
    const intent = 'thong_tin_tong_dai';
    expect((await b.gw.ctx.nlu.parse(phrase)).intent.name).not.toBe(intent);
    let trainings = 0;
    let loads = 0;
    const nluB = b.gw.ctx.nlu;
    const train = nluB.train.bind(nluB);
    const loadModel = nluB.loadModel!.bind(nluB);
    nluB.train = (data) => {
      trainings++;
      return train(data);
    };
    nluB.loadModel = (bytes) => {
      loads++;
      loadModel(bytes);
    };
    try {
      await request(a.app).post(`/api/training/${intent}`).set('authorization', admin).send({ text: phrase }).expect(201);
      await retrainIdle(a.gw.ctx);
      expect((await a.gw.ctx.nlu.parse(phrase)).intent.name).toBe(intent);
      const onB = await waitForValue(
        async () => (await nluB.parse(phrase)).intent.name,
        (name) => name === intent,
        10_000,
      );
      expect(onB).toBe(intent);
      await new Promise((r) => setTimeout(r, 500)); // a late announcement would find nothing new to load
      await retrainIdle(b.gw.ctx);
      expect(trainings).toBe(0);
      expect(loads).toBe(1);
      // The very same model: B answers as A does.
      for (const text of [phrase, 'cho hỏi làm căn cước ở đâu', 'cháy nhà ở phường 2 gọi ai']) {
        expect(await nluB.parse(text)).toEqual(await a.gw.ctx.nlu.parse(text));
      }
    } finally {
      nluB.train = train;
      nluB.loadModel = loadModel;
    }
  });

  test('phrases changed again before B follows A’s announcement: B waits for A’s next model instead of training; with none coming, it trains after the wait', async () => {
    const intent = 'thong_tin_tong_dai';
    const db = a.gw.ctx.db;
    const adminId = (await db.query<{ id: string }>(`SELECT id FROM users WHERE role = 'admin' ORDER BY created_at LIMIT 1`)).rows[0].id;
    const latestModel = async () =>
      (await db.query<{ id: string }>('SELECT id::text AS id FROM nlu_models ORDER BY id DESC LIMIT 1')).rows[0].id;
    const nluB = b.gw.ctx.nlu;
    /** Waits until B's model reads `text` as the intent, and fails if it does not within `ms`. */
    const expectParsedOnB = async (text: string, ms: number) => {
      const name = await waitForValue(
        async () => (await nluB.parse(text)).intent.name,
        (n) => n === intent,
        ms,
      );
      expect(name).toBe(intent);
    };
    let trainings = 0;
    const train = nluB.train.bind(nluB);
    nluB.train = (data) => {
      trainings++;
      return train(data);
    };
    try {
      await retrainIdle(a.gw.ctx);
      await retrainIdle(b.gw.ctx);
      // A phrase stored on A whose model A has not made yet (A is still training, as under load).
      const early = 'okapi narwhal axolotl dugong';
      await insertExample(db, intent, early, 'console', adminId);
      // B follows an earlier announcement (a model of the phrases before it), then a resync: no stored
      // model fits the live phrases, and B waits instead of training one of its own.
      await scheduleRetrain(b.gw.ctx, { follow: 'announced', modelId: await latestModel() });
      await scheduleRetrain(b.gw.ctx, { follow: 'resync' });
      await retrainIdle(b.gw.ctx);
      expect(trainings).toBe(0);
      expect((await nluB.parse(early)).intent.name).not.toBe(intent);
      // A's model comes: B loads it.
      await scheduleRetrain(a.gw.ctx);
      const fingerprint = (await db.query<{ f: string }>('SELECT fingerprint AS f FROM nlu_models ORDER BY id DESC LIMIT 1')).rows[0].f;
      await expectParsedOnB(early, 10_000);
      await retrainIdle(b.gw.ctx);
      expect(trainings).toBe(0);
      expect((await db.query('SELECT 1 FROM nlu_models WHERE fingerprint = $1', [fingerprint])).rows).toHaveLength(1);

      // Phrases changed on a node that died before it announced its model: B trains once its wait runs out.
      b.gw.ctx.config.NLU_MODEL_WAIT_MS = 500;
      const orphan = 'tapir quetzal gharial';
      await insertExample(db, intent, orphan, 'console', adminId);
      await scheduleRetrain(b.gw.ctx, { follow: 'resync' });
      expect(trainings).toBe(0);
      await expectParsedOnB(orphan, 30_000);
      await retrainIdle(b.gw.ctx);
      expect(trainings).toBe(1);
      // B stored its model: A, catching up, loads it instead of training.
      await scheduleRetrain(a.gw.ctx);
      expect((await a.gw.ctx.nlu.parse(orphan)).intent.name).toBe(intent);
      expect(
        await db
          .query('SELECT fingerprint, format_version FROM nlu_models GROUP BY fingerprint, format_version HAVING count(*) > 1')
          .then((r) => r.rows),
      ).toEqual([]);
    } finally {
      nluB.train = train;
      b.gw.ctx.config.NLU_MODEL_WAIT_MS = 60_000;
    }
  });

  test('revoking a user’s sessions on A closes their console on B; logging out on A closes that session on C only', async () => {
    const db = a.gw.ctx.db;
    const user = await createUser(db, {
      username: 'cluster.op',
      displayName: 'Tổng đài viên Cụm',
      password: 'cluster-pass-1',
      role: 'operator',
    });
    const login = async (node: TestGateway) =>
      `Bearer ${(await request(node.app).post('/api/auth/token').send({ username: 'cluster.op', password: 'cluster-pass-1' }).expect(200)).body.token}`;

    const first = await login(b);
    const second = await login(c);
    const onC = await live(c, first);
    const onB = await live(b, second);
    const bystander = await live(c, admin);
    await request(a.app).post('/api/auth/logout').set('authorization', first).expect(200);
    await waitFor(() => onC.closedByServer());
    await new Promise((r) => setTimeout(r, 300));
    expect(onB.socket.connected).toBe(true);

    await request(a.app).post(`/api/users/${user.id}/reset-password`).set('authorization', admin).expect(200);
    await waitFor(() => onB.closedByServer());
    expect(bystander.socket.connected).toBe(true);
  });
});
