/**
 * The admins' channel page API on PGlite and PostgreSQL, with a real Dovecot mailbox and an SMTP test
 * server: every channel with the names (never the values) of its missing settings, its recent activity
 * (last message received, last sent, a delivery that failed for good with its error, the queue), the
 * IMAP reader's connection and leader as it connects, loses the server and reconnects, the
 * connection tests, and the live-chat embed snippet.
 */
import request from 'supertest';
import type { ChannelInfo } from '../../src/wire/api';
import { databaseKinds } from '../support/databases';
import type { Dovecot } from '../support/dovecot';
import { citizenMessage, EDT_SECRET, type TestGateway } from '../support/gateway';
import { startMailGateway, type MailTestGateway } from '../support/mail-gateway';
import { waitForValue } from '../support/wait';

describe.each(databaseKinds())('channels page API on %s', (kind) => {
  let mail: MailTestGateway | undefined;
  let dovecot: Dovecot;
  let t: TestGateway;
  let admin: string;

  beforeAll(async () => {
    mail = await startMailGateway(kind, 'hotline@1022.test', {
      LIVECHAT_ENABLED: 'true',
      PUBLIC_BASE_URL: 'https://1022.dongthap.gov.vn/',
    });
    ({ dovecot, t, admin } = mail);
  }, 300_000);

  afterAll(() => mail?.stop());

  const list = async () => (await request(t.app).get('/api/channels').set('authorization', admin).expect(200)).body as ChannelInfo[];
  const channel = async (name: string) => (await list()).find((c) => c.channel === name)!;

  test('every channel, its missing settings by name only, and the embed snippet', async () => {
    const all = await list();
    expect(all.map((c) => c.channel)).toEqual(['zalo', 'facebook', 'email', 'livechat', 'edongthap', 'phone']);
    const byName = Object.fromEntries(all.map((c) => [c.channel, c]));
    expect(byName.zalo).toMatchObject({
      enabled: false,
      testable: false,
      capabilities: null,
      intake: null,
      missing: ['ZALO_APP_ID', 'ZALO_APP_SECRET', 'ZALO_OA_SECRET_KEY', 'ZALO_ACCESS_TOKEN', 'ZALO_REFRESH_TOKEN'],
    });
    expect(byName.facebook.missing).toEqual(['FB_APP_SECRET', 'FB_VERIFY_TOKEN', 'FB_PAGE_ACCESS_TOKEN']);
    expect(byName.email).toMatchObject({ enabled: true, testable: true, missing: [] });
    expect(byName.edongthap).toMatchObject({ enabled: true, missing: [] });
    expect(byName.phone).toMatchObject({ enabled: false, missing: [], intake: null });
    expect(byName.livechat).toMatchObject({
      enabled: true,
      embed: {
        snippet: '<script src="https://1022.dongthap.gov.vn/widget.js" data-title="Tổng đài 1022" async></script>',
        baseUrl: 'https://1022.dongthap.gov.vn',
        configured: true,
      },
    });
    expect(all.filter((c) => c.embed).map((c) => c.channel)).toEqual(['livechat']);
    // Secrets never leave the server.
    const body = JSON.stringify(all);
    for (const secret of [dovecot.users[0].password, EDT_SECRET]) expect(body).not.toContain(secret);
  });

  test("the IMAP reader's connection and leader, through a lost and regained mail server", async () => {
    const intakeIs = (connected: boolean) =>
      waitForValue(
        async () => (await channel('email')).intake,
        (i) => i?.connected === connected,
        30_000,
      );
    const up = await intakeIs(true);
    expect(up).toMatchObject({ connected: true, error: null, leadingHere: true, at: expect.any(String) });
    // On a server the leader is named from the advisory lock it holds; a lone PGlite process leads everything.
    if (kind === 'postgres') expect(up!.leader).toEqual(expect.any(String));
    else expect(up!.leader).toBeNull();

    await dovecot.halt();
    const down = await intakeIs(false);
    expect(down).toMatchObject({ connected: false, error: expect.any(String), leadingHere: true });
    await dovecot.start();
    expect((await intakeIs(true))?.connected).toBe(true);
  }, 90_000);

  test('activity: last message received and sent, then a delivery that fails for good', async () => {
    const before = await channel('edongthap');
    expect(before.status).toMatchObject({ lastInboundAt: null, lastSentAt: null, lastFailure: null, queued: 0, failed: 0 });

    const started = Date.now();
    await t.postCitizen(citizenMessage('u-channels-1', 'Cho hỏi thủ tục đăng ký khai sinh')).expect(200);
    const served = await waitForValue(
      () => channel('edongthap'),
      (c) => !!c.status.lastSentAt,
    );
    expect(new Date(served.status.lastInboundAt!).getTime()).toBeGreaterThanOrEqual(started - 1000);
    expect(new Date(served.status.lastSentAt!).getTime()).toBeGreaterThanOrEqual(new Date(served.status.lastInboundAt!).getTime());
    expect(served.status).toMatchObject({ lastFailure: null, failed: 0 });

    // The citizen app is down past the give-up time: the receipt of a new conversation fails for good.
    t.citizenApp.alwaysFail = 503;
    try {
      await t.postCitizen(citizenMessage('u-channels-2', 'Cho hỏi làm căn cước ở đâu')).expect(200);
      const failed = await waitForValue(
        () => channel('edongthap'),
        (c) => c.status.failed > 0 && c.status.queued === 0,
        45_000, // ~4 s alone; a clean-clone run on a machine loaded by other suites took over 20 s
      );
      expect(failed.status.lastFailure).toMatchObject({ error: expect.stringContaining('503'), at: expect.any(String) });
      expect(new Date(failed.status.lastFailure!.at).getTime()).toBeGreaterThan(started);
      // Other channels are untouched.
      expect((await channel('livechat')).status).toMatchObject({ failed: 0, lastFailure: null });
    } finally {
      t.citizenApp.alwaysFail = null;
    }
  }, 90_000);

  test('connection tests: email logs in, phone has none, an unconfigured channel names what is missing', async () => {
    const email = await request(t.app).post('/api/channels/email/test').set('authorization', admin).expect(200);
    expect(email.body).toMatchObject({ ok: true, detail: expect.stringMatching(/IMAP/i) });
    const phone = await request(t.app).post('/api/channels/phone/test').set('authorization', admin).expect(200);
    expect(phone.body).toMatchObject({ ok: false, detail: expect.stringContaining('không có phép kiểm tra') });
    const zalo = await request(t.app).post('/api/channels/zalo/test').set('authorization', admin).expect(200);
    expect(zalo.body).toMatchObject({ ok: false, detail: expect.stringContaining('ZALO_APP_ID') });
    await request(t.app).post('/api/channels/telegram/test').set('authorization', admin).expect(404);
    const logged = await t.gw.ctx.db.query<{ channel: string; ok: boolean }>(
      `SELECT data->>'channel' AS channel, (data->>'ok')::boolean AS ok FROM events WHERE type = 'channel_tested' ORDER BY id`,
    );
    expect(logged.rows).toEqual([
      { channel: 'email', ok: true },
      { channel: 'phone', ok: false },
      { channel: 'zalo', ok: false },
    ]);
  }, 30_000);
});
