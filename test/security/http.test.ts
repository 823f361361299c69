/**
 * The HTTP side of issue 14 on PGlite and PostgreSQL: security headers, /metrics access and
 * bounded labels, /model/parse limits, "must change password" on the server (API and live
 * connection), TOTP replay and re-enrolment, secrets encrypted at rest, what agency users may
 * change, the processing-log check, the personal-data access log, webhook limits, bad input
 * (issue 10, verified here), the server's connection cap, the separate metrics listener and slow
 * requests cut at the configured limits.
 */
import { createHmac } from 'node:crypto';
import { connect } from 'node:net';
import { authenticator } from 'otplib';
import { io as connectClient } from 'socket.io-client';
import request from 'supertest';
import { createUser } from '../../src/auth/passwords';
import { activeTotpSecret, sealStoredTotpSecrets } from '../../src/auth/totp';
import { buildApp } from '../../src/gateway';
import { citizenMessage, EDT_SECRET, startTestGateway, type TestGateway } from '../support/gateway';
import { freePort } from '../support/services';
import { connect as connectVisitor } from '../adapters/livechat/harness';
import { openLiveConsole } from '../support/live-console';
import { tamperWithEvents } from '../support/tamper';
import { waitFor, waitForValue } from '../support/wait';
import { describeConsole, type ConsoleFixture } from '../console-api/support';

/** Waits until at least `ms` remain in the current wall-clock minute (fixed one-minute windows). */
async function awayFromMinuteEnd(ms = 8_000): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < ms) await new Promise((r) => setTimeout(r, left + 50));
}

// The console fixture trains the bot and signs in six users: slow on a busy machine.
jest.setTimeout(240_000);

const ENV = {
  METRICS_TOKEN: 'metrics-token-for-tests',
  NLU_PARSE_PER_MINUTE: '3',
  WEBHOOK_PER_MINUTE: '40',
  MAX_CONNECTIONS_PER_IP: '40',
};

describeConsole('security over HTTP on %s', ENV, (f: ConsoleFixture) => {
  const app = () => f.t.app;

  test('every answer carries CSP (no framing), nosniff, a referrer policy and X-Frame-Options', async () => {
    for (const path of ['/api/openapi.json', '/healthz', '/']) {
      const res = await request(app()).get(path).set('accept', 'text/html');
      expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(res.headers['content-security-policy']).toMatch(/default-src 'self'/);
      expect(res.headers['content-security-policy']).toMatch(/object-src 'none'/);
      expect(res.headers['x-frame-options']).toBe('DENY');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
      expect(res.headers['x-powered-by']).toBeUndefined();
    }
    // The widget stays embeddable by other sites' pages.
    const widget = await request(app()).get('/widget.js').expect(200);
    expect(widget.headers['cross-origin-resource-policy']).toBe('cross-origin');
  });

  test('/metrics: local clients or the token only; intent labels stay a bounded set', async () => {
    await request(app()).get('/metrics').expect(200);
    // Through a local reverse proxy the client is the forwarded address: not local.
    await request(app()).get('/metrics').set('x-forwarded-for', '203.0.113.9').expect(404);
    await request(app()).get('/metrics').set('x-forwarded-for', '203.0.113.9').set('authorization', 'Bearer wrong').expect(404);
    await request(app())
      .get('/metrics')
      .set('x-forwarded-for', '203.0.113.9')
      .set('authorization', `Bearer ${ENV.METRICS_TOKEN}`)
      .expect(200);

    // TRUST_PROXY names the proxies whose X-Forwarded-For counts: from any other peer it is ignored.
    const ctx = f.t.gw.ctx;
    const elsewhere = buildApp({ ...ctx, config: { ...ctx.config, TRUST_PROXY: '10.9.9.9' } });
    await request(elsewhere).get('/metrics').set('x-forwarded-for', '203.0.113.9').expect(200);
    const local = buildApp({ ...ctx, config: { ...ctx.config, TRUST_PROXY: '127.0.0.1/8, ::1' } });
    await request(local).get('/metrics').set('x-forwarded-for', '203.0.113.9').expect(404);

    const metrics = f.t.gw.ctx.metrics;
    for (let i = 0; i < 300; i++) metrics.botDecisions.inc({ intent: `payload_${i}`, outcome: 'acted' });
    metrics.botDecisions.inc({ intent: '<script>alert(1)</script>', outcome: 'x' });
    metrics.botDecisions.inc({ intent: 'tt_khai_sinh', outcome: 'acted' });
    const text = await metrics.registry.getSingleMetricAsString('cong1022_bot_decisions_total');
    const intents = new Set([...text.matchAll(/intent="([^"]*)"/g)].map((m) => m[1]));
    expect(intents.size).toBeLessThanOrEqual(52 + 3);
    expect(intents.has('other')).toBe(true);
    expect(intents.has('tt_khai_sinh')).toBe(true); // a trained intent keeps its name
    expect(text).not.toMatch(/script|outcome="x"/);
  });

  test('/model/parse without a token is limited per address (429 with Retry-After)', async () => {
    await awayFromMinuteEnd();
    const parse = (ip: string) => request(app()).post('/model/parse').set('x-forwarded-for', ip).send({ text: 'làm giấy khai sinh' });
    for (let i = 0; i < 3; i++) await parse('198.51.100.20').expect(200);
    const limited = await parse('198.51.100.20').expect(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    await parse('198.51.100.21').expect(200); // another address is not affected
  });

  test('"must change password" is enforced by the server: only /me, the change and logout work; no live connection until then', async () => {
    await createUser(f.t.gw.ctx.db, {
      username: 'moi.vao',
      displayName: 'Nhân viên mới',
      password: 'tam-thoi-1234',
      role: 'operator',
      mustChangePassword: true,
    });
    const login = await request(app()).post('/api/auth/token').send({ username: 'moi.vao', password: 'tam-thoi-1234' }).expect(200);
    const auth = `Bearer ${login.body.token}`;
    expect(login.body.user.mustChangePassword).toBe(true);
    for (const path of ['/api/tickets', '/api/conversations', '/api/users', '/api/export/tickets.csv']) {
      const res = await request(app()).get(path).set('authorization', auth).expect(403);
      expect(res.body.details).toEqual({ mustChangePassword: true });
    }
    await request(app()).post('/api/tickets').set('authorization', auth).send({ title: 'x' }).expect(403);
    await request(app()).get('/api/me').set('authorization', auth).expect(200);
    // The live connection is refused at the handshake too, with a reason the console can tell apart.
    const refused = await openLiveConsole(f.t.url, auth).catch((err: Error & { data?: unknown }) => err);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as Error).message).toBe('Cần đổi mật khẩu trước khi tiếp tục');
    expect((refused as Error & { data?: unknown }).data).toEqual({ mustChangePassword: true });
    await request(app())
      .post('/api/me/password')
      .set('authorization', auth)
      .send({ current: 'tam-thoi-1234', next: 'mat-khau-that-1' })
      .expect(200);
    await request(app()).get('/api/tickets').set('authorization', auth).expect(200);
    // Changed: the same session now connects and receives events.
    const live = await openLiveConsole(f.t.url, auth);
    try {
      const created = await f.as('operator').post('/api/tickets').send({ title: 'Sau khi đổi mật khẩu', channel: 'phone' }).expect(201);
      await waitFor(() => live.events<{ code?: string }>('ticket').some((e) => e.code === created.body.code));
    } finally {
      live.socket.disconnect();
    }
  });

  test('wrong passwords from one address hold that address back, not the owner signing in from another', async () => {
    await createUser(f.t.gw.ctx.db, { username: 'chu.that', displayName: 'Chủ Thật', password: 'chu-that-pass-1', role: 'operator' });
    const login = (ip: string, password: string) =>
      request(app()).post('/api/auth/token').set('x-forwarded-for', ip).send({ username: 'chu.that', password });
    for (let i = 0; i < 5; i++) await login('203.0.113.66', `doan-sai-${i}`).expect(401);
    const held = await login('203.0.113.66', 'chu-that-pass-1').expect(429);
    expect(Number(held.headers['retry-after'])).toBeGreaterThan(0);
    // No hard lock: the owner, elsewhere, signs in at once.
    await login('198.51.100.66', 'chu-that-pass-1').expect(200);
  });

  test('TOTP: a code works once, re-enrolment needs the current code or password, secrets are encrypted at rest', async () => {
    const db = f.t.gw.ctx.db;
    await createUser(db, { username: 'hai.lop', displayName: 'Hai Lớp', password: 'hai-lop-pass-1', role: 'operator' });
    const auth = `Bearer ${(await request(app()).post('/api/auth/token').send({ username: 'hai.lop', password: 'hai-lop-pass-1' }).expect(200)).body.token}`;
    const setup = await request(app()).post('/api/me/totp/setup').set('authorization', auth).expect(200);
    const secret: string = setup.body.secret;
    const codeAt = (steps: number) => authenticator.clone({ epoch: Date.now() + steps * 30_000 }).generate(secret);
    await request(app())
      .post('/api/me/totp/enable')
      .set('authorization', auth)
      .send({ code: codeAt(-1) })
      .expect(200);

    const stored = await db.query<{ totp_secret: string }>(`SELECT totp_secret FROM users WHERE username = 'hai.lop'`);
    expect(stored.rows[0].totp_secret).toMatch(/^enc1:/);
    expect(stored.rows[0].totp_secret).not.toContain(secret);

    const code = codeAt(0);
    const login = (totp: string) => request(app()).post('/api/auth/token').send({ username: 'hai.lop', password: 'hai-lop-pass-1', totp });
    await login(code).expect(200);
    await login(code).expect(401); // the same code again: a replay
    await login(codeAt(-1)).expect(401); // an earlier step than the last used one

    // Setting it up again: refused without proof, with a wrong password, or with a used code.
    await request(app()).post('/api/me/totp/setup').set('authorization', auth).expect(403);
    await request(app()).post('/api/me/totp/setup').set('authorization', auth).send({ password: 'sai-mat-khau' }).expect(403);
    await request(app()).post('/api/me/totp/setup').set('authorization', auth).send({ code }).expect(403);
    await request(app()).post('/api/me/totp/setup').set('authorization', auth).send({ password: 'hai-lop-pass-1' }).expect(200);
    const again = await request(app())
      .post('/api/me/totp/setup')
      .set('authorization', auth)
      .send({ code: codeAt(1) })
      .expect(200);
    expect(again.body.secret).not.toBe(secret);

    // A secret stored in plain text before encryption at rest is sealed at the next start.
    await db.query(`UPDATE users SET totp_secret = $1 WHERE username = 'hai.lop'`, [secret]);
    expect(await sealStoredTotpSecrets(db, f.t.gw.ctx.secretsKey)).toBe(1);
    const sealed = await db.query<{ totp_secret: string; totp_pending: string }>(
      `SELECT totp_secret, totp_pending FROM users WHERE username = 'hai.lop'`,
    );
    expect(sealed.rows[0].totp_secret).toMatch(/^enc1:/);
    expect(sealed.rows[0].totp_pending).toMatch(/^enc1:/);
    const id = (await db.query<{ id: string }>(`SELECT id FROM users WHERE username = 'hai.lop'`)).rows[0].id;
    expect(await activeTotpSecret(db, f.t.gw.ctx.secretsKey, id)).toBe(secret); // still the same secret once sealed
  });

  test('agency users may record a result and set "in progress" or "answered", nothing else', async () => {
    const created = await f
      .as('operator')
      .post('/api/tickets')
      .send({ title: 'Hỏi cấp phép xây dựng', channel: 'phone', agency: f.agencyA.code, callerName: 'Trần Văn B' })
      .expect(201);
    const path = `/api/tickets/${created.body.code}`;
    for (const body of [
      { dueAt: new Date(Date.now() + 30 * 86_400_000).toISOString() },
      { field: 'ho_tich' },
      { status: 'closed' },
      { status: 'new' },
      { status: 'forwarded' },
      { priority: 'low' },
      { resolution: 'Đã xử lý', dueAt: null },
    ]) {
      await f.as('agencyA').patch(path).send(body).expect(403);
    }
    await f.as('agencyA').patch(path).send({ status: 'in_progress', note: 'Đang xem hồ sơ' }).expect(200);
    const answered = await f
      .as('agencyA')
      .patch(path)
      .send({ status: 'answered', resolution: 'Đã hướng dẫn công dân nộp hồ sơ.' })
      .expect(200);
    expect(answered.body).toMatchObject({ status: 'answered', resolution: 'Đã hướng dẫn công dân nộp hồ sơ.' });
    expect(new Date(answered.body.dueAt ?? 0).getTime()).toBe(new Date(created.body.dueAt ?? 0).getTime());
    // Staff still may.
    await f.as('operator').patch(path).send({ priority: 'high' }).expect(200);
  });

  test("a ticket's processing log verifies, and shows tampering", async () => {
    const created = await f.as('operator').post('/api/tickets').send({ title: 'Kiểm tra nhật ký', channel: 'phone' }).expect(201);
    await f.as('operator').post(`/api/tickets/${created.body.code}/notes`).send({ text: 'Ghi chú 1' }).expect(201);
    const ok = await f.as('operator').get(`/api/tickets/${created.body.code}/log/verify`).expect(200);
    expect(ok.body).toMatchObject({ ok: true, broken: [] });
    expect(ok.body.events).toBeGreaterThanOrEqual(2);
    const db = f.t.gw.ctx.db;
    await tamperWithEvents(db, `UPDATE events SET data = '{"text":"đã sửa"}' WHERE ticket_id = $1 AND type = 'note'`, [created.body.id]);
    const bad = await f.as('operator').get(`/api/tickets/${created.body.code}/log/verify`).expect(200);
    expect(bad.body).toMatchObject({ ok: false, broken: [{ chain: `t:${created.body.id}`, badEvents: 1 }] });
    await f.as('agencyB').get(`/api/tickets/${created.body.code}/log/verify`).expect(404);
  });

  test('personal-data access: views, exports and searches are logged for admins', async () => {
    const created = await f
      .as('operator')
      .post('/api/tickets')
      .send({ title: 'Tra cứu hồ sơ', channel: 'phone', callerName: 'Lê Thị C', callerPhone: '0912000111' })
      .expect(201);
    const code = created.body.code as string;
    await f.as('operator').get(`/api/tickets/${code}`).expect(200);
    await f.as('supervisor').get('/api/export/tickets.csv').expect(200);
    await f.as('operator').get('/api/tickets?q=0912000111').expect(200);
    await f.as('operator').get('/api/tickets').expect(200); // a plain list is not a search
    await f.as('operator').get('/api/tickets/1022-2000-000000').expect(404); // nothing shown, nothing logged
    await f.as('operator').get('/api/access-log').expect(403);
    const items = await waitForValue(
      async () => (await f.as('admin').get('/api/access-log?limit=50').expect(200)).body.items as Record<string, unknown>[],
      (list) => list.filter((i) => i.username !== 'admin').length >= 3,
    );
    const mine = items.filter((i) => i.username !== 'admin');
    expect(mine).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ username: 'op', action: 'view', subjectKind: 'ticket', subjectId: code }),
        expect.objectContaining({
          username: 'sup',
          action: 'export',
          subjectKind: 'tickets',
          detail: expect.objectContaining({ format: 'csv' }),
        }),
        expect.objectContaining({
          username: 'op',
          action: 'search',
          subjectKind: 'tickets',
          detail: expect.objectContaining({ q: '0912000111' }),
        }),
      ]),
    );
    expect(mine.filter((i) => i.subjectId === '1022-2000-000000')).toEqual([]);
    const views = (await f.as('admin').get(`/api/access-log?action=view&subjectKind=ticket&subjectId=${code}`).expect(200)).body;
    expect(views.items.map((i: { username: string }) => i.username)).toEqual(['op']);
    await f.as('admin').get('/api/access-log?user=nobody').expect(400);
  });

  test('webhooks: the signature is checked on the raw bytes before parsing; signed requests are limited per channel', async () => {
    // 900 KB that is not JSON, unsigned: refused for the signature, never parsed.
    const junk = '{'.repeat(900_000);
    const unsigned = await request(app()).post('/webhooks/edongthap').set('content-type', 'application/json').send(junk).expect(401);
    expect(unsigned.body.error).toMatch(/signature|chữ ký/i);
    // The burst must fall in one fixed one-minute window: on a busy machine that crossed into the
    // next window, it is run again in the new one.
    const burst = async () => {
      await awayFromMinuteEnd();
      const window = Math.floor(Date.now() / 60_000);
      const results: number[] = [];
      const start = await f.t.gw.ctx.db.query<{ hits: number }>(
        `SELECT coalesce(sum(hits), 0)::int AS hits FROM rate_counters WHERE key = 'webhook:edongthap' AND window_start >= date_trunc('minute', now())`,
      );
      const left = 40 - start.rows[0].hits;
      for (let i = 0; i < left + 2; i++) {
        const raw = JSON.stringify(citizenMessage(`u-flood-${window}-${i}`, 'xin chào'));
        const sig = `sha256=${createHmac('sha256', EDT_SECRET).update(raw).digest('hex')}`;
        results.push(
          (await request(app()).post('/webhooks/edongthap').set('content-type', 'application/json').set('x-signature', sig).send(raw))
            .status,
        );
      }
      return { results, left, oneWindow: Math.floor(Date.now() / 60_000) === window };
    };
    let run = await burst();
    if (!run.oneWindow) run = await burst();
    expect(run.oneWindow).toBe(true);
    expect(run.results.filter((s) => s === 200)).toHaveLength(run.left);
    expect(run.results.slice(-2)).toEqual([429, 429]);
    // Unsigned floods do not spend the channel's budget.
    await request(app()).post('/webhooks/edongthap').set('content-type', 'application/json').send('{}').expect(401);
  });

  test('bad input is a 400 or 404, never a 500 or a truncated export (issue 10)', async () => {
    await f.as('supervisor').get('/api/export/tickets.csv?assignee=x').expect(400);
    await f.as('supervisor').get('/api/export/tickets.xlsx?assignee=x').expect(400);
    await f.as('operator').get('/api/tickets?assignee=x').expect(400);
    for (const path of ['/api/tickets/%00', '/api/conversations/%00', '/api/conversations/not-a-uuid', '/api/contacts/%00']) {
      const res = await f.as('operator').get(path);
      expect([400, 404]).toContain(res.status);
    }
    await f.as('operator').post('/api/conversations/not-a-uuid/takeover').expect(400);
    const q = await f.as('operator').get('/api/tickets?q=%00');
    expect(q.status).toBeLessThan(500);
  });

  test('the server caps connections per address and bounds header and request time', async () => {
    const server = f.t.gw.server;
    expect(server.headersTimeout).toBe(10_000);
    expect(server.requestTimeout).toBe(30_000);
    const { port } = new URL(f.t.url);
    const open = () =>
      new Promise<{ closed: Promise<boolean> }>((resolve) => {
        const s = connect(Number(port), '127.0.0.1', () => resolve({ closed: new Promise((r) => s.once('close', () => r(true))) }));
        sockets.push(s);
      });
    const sockets: ReturnType<typeof connect>[] = [];
    try {
      const first = [];
      for (let i = 0; i < 40; i++) first.push(await open());
      const over = await open();
      expect(await Promise.race([over.closed, new Promise((r) => setTimeout(() => r(false), 2_000))])).toBe(true);
    } finally {
      for (const s of sockets) s.destroy();
    }
    await new Promise((r) => setTimeout(r, 200));
    await request(f.t.url).get('/healthz').expect(200); // closed ones free their places
  });
});

describe('/model/parse with NLU_PARSE_TOKEN', () => {
  test('needs the token, and is not rate-limited with it', async () => {
    const t = await startTestGateway({ kind: 'pglite', env: { NLU_PARSE_TOKEN: 'nlu-token', NLU_PARSE_PER_MINUTE: '1' }, listen: false });
    try {
      await request(t.app).post('/model/parse').send({ text: 'xin chào' }).expect(401);
      await request(t.app).post('/model/parse').set('authorization', 'Bearer nope').send({ text: 'xin chào' }).expect(401);
      for (let i = 0; i < 3; i++) {
        const ok = await request(t.app)
          .post('/model/parse')
          .set('authorization', 'Bearer nlu-token')
          .send({ text: 'xin chào' })
          .expect(200);
        expect(ok.body.intent.name).toEqual(expect.any(String));
      }
    } finally {
      await t.stop();
      await t.citizenApp.stop();
    }
  });
});

/** Sends `head` on a raw connection, then one more byte of `drip` every 200 ms; resolves with the answer's status line once the server closes. */
function dripUntilClosed(port: number, head: string, drip: string): Promise<{ statusLine: string; ms: number }> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1', () => socket.write(head));
    let answer = '';
    const timer = setInterval(() => socket.writable && socket.write(drip), 200);
    socket.on('data', (chunk: Buffer) => (answer += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      resolve({ statusLine: answer.split('\r\n')[0], ms: Date.now() - started });
    });
    setTimeout(() => (socket.destroy(), reject(new Error('still open after 45 s'))), 45_000).unref();
  });
}

describe('listeners and limits set from the environment', () => {
  let t: TestGateway;
  let metricsPort: number;
  beforeAll(async () => {
    metricsPort = await freePort();
    t = await startTestGateway({
      kind: 'pglite',
      env: {
        METRICS_PORT: String(metricsPort),
        HEADERS_TIMEOUT_SECONDS: '1',
        REQUEST_TIMEOUT_SECONDS: '2',
        LIVECHAT_ENABLED: 'true',
        LIVECHAT_CONVERSATIONS_PER_HOUR: '1',
      },
    });
  }, 120_000);
  afterAll(async () => {
    await t?.stop();
    await t?.citizenApp.stop();
  });

  test('METRICS_PORT serves the metrics alone, on its own address', async () => {
    const metrics = `http://127.0.0.1:${metricsPort}`;
    const res = await request(metrics).get('/metrics').expect(200);
    expect(res.text).toMatch(/^cong1022_/m);
    await request(metrics).get('/api/openapi.json').expect(404);
    await request(metrics).get('/').expect(404);
    await request(metrics).post('/metrics').expect(404);
  });

  test('LIVECHAT_CONVERSATIONS_PER_HOUR reaches the live chat: a second new visitor from the address is refused', async () => {
    const first = await connectVisitor(t.url);
    const second = connectClient(`${t.url}/livechat`, { transports: ['websocket'], forceNew: true, reconnection: false });
    try {
      const refused = await new Promise<Error>((resolve) => second.once('connect_error', resolve));
      expect(refused.message).toMatch(/quá nhiều kết nối/);
    } finally {
      second.disconnect();
      first.socket.disconnect();
    }
  });

  test('headers or a body sent too slowly are answered 408 and closed, close to the configured limits', async () => {
    const port = Number(new URL(t.url).port);
    const headers = await dripUntilClosed(port, 'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ', 'a');
    expect(headers.statusLine).toBe('HTTP/1.1 408 Request Timeout');
    expect(headers.ms).toBeLessThan(20_000);
    const body = await dripUntilClosed(
      port,
      'POST /webhooks/edongthap HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"a":"',
      'a',
    );
    expect(body.statusLine).toBe('HTTP/1.1 408 Request Timeout');
    // The limit plus at most the 1 s check interval (and a busy machine's slack); Node checks every 30 s by default.
    expect(body.ms).toBeLessThan(20_000);
    await request(t.url).get('/healthz').expect(200);
  }, 120_000);
});
