/**
 * Evidence kept: a Zalo citizen's image, served by a fake CDN, ends up in our blob store with the
 * same bytes and stays downloadable after the CDN is gone; oversized and disguised files are
 * refused with the reason kept; a CDN outage is retried; retention purges the bytes of closed
 * conversations and the download then answers 410. On PGlite and PostgreSQL.
 */
import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import type { Attachment } from '../../src/channels/kit/contract';
import { purgeExpired } from '../../src/jobs/retention';
import { downloadMedia, isPrivateAddress, MediaDownloadError } from '../../src/pipeline/media-download';
import { realType } from '../../src/pipeline/fetch-media';
import { sniffMimeType } from '../../src/channels/kit/sniff-type';
import { startFakeCdn, type FakeCdn } from '../fakes/fake-cdn';
import { startFakeZalo, type FakeZalo } from '../fakes/fake-zalo';
import { databaseKinds } from '../support/databases';
import { startTestGateway, type TestGateway } from '../support/gateway';
import { PIPELINE_ZALO, zaloSettings } from '../support/provider-settings';
import { postZalo } from '../support/provider-webhooks';
import { waitForValue } from '../support/wait';

const ZALO = PIPELINE_ZALO;
const ZALO_OA_ID = '2974318543902785381';
const MAX_BYTES = 200_000;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** A JPEG as a camera writes it: SOI and APP1 markers, then image data. */
const jpeg = (size: number) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe1]), randomBytes(size - 4)]);

describe('media download guards', () => {
  test('private, local and reserved addresses are refused; public ones pass', async () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.20.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      'fd00::1',
    ])
      expect([a, isPrivateAddress(a)]).toEqual([a, true]);
    for (const a of ['203.113.131.1', '2001:4860:4860::8888']) expect([a, isPrivateAddress(a)]).toEqual([a, false]);
    const cdn = await startFakeCdn();
    try {
      const url = cdn.put('/x.jpg', { body: jpeg(100), contentType: 'image/jpeg' });
      const err = await downloadMedia(url).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MediaDownloadError);
      expect(err).toMatchObject({ retryable: false });
      expect(cdn.hits('/x.jpg')).toBe(0);
      await expect(downloadMedia('file:///etc/passwd')).rejects.toMatchObject({ retryable: false });
      // A trusted host may be local; redirects are followed, but only a few.
      cdn.put('/loop', { body: Buffer.alloc(0), contentType: 'text/plain', redirectTo: '/loop' });
      await expect(downloadMedia(`${cdn.baseUrl}/loop`, { privateHosts: ['127.0.0.1'] })).rejects.toThrow('chuyển hướng');
      expect(cdn.hits('/loop')).toBe(4);
      cdn.put('/moved', { body: Buffer.alloc(0), contentType: 'text/plain', redirectTo: '/x.jpg' });
      const res = await downloadMedia(`${cdn.baseUrl}/moved`, { privateHosts: ['127.0.0.1'] });
      res.body.resume();
      expect(res).toMatchObject({ contentType: 'image/jpeg', length: 100 });
    } finally {
      await cdn.close();
    }
  });

  test('the real type decides: a disguised file is refused, a generic declaration takes the sniffed type', () => {
    expect(sniffMimeType(jpeg(64))).toBe('image/jpeg');
    expect(sniffMimeType(Buffer.from('%PDF-1.7\n'))).toBe('application/pdf');
    expect(sniffMimeType(Buffer.from('MZ\x90\x00'))).toBe('application/x-msdownload');
    expect(realType('image/jpeg', 'image/jpeg')).toBe('image/jpeg');
    expect(realType('application/octet-stream', 'image/png')).toBe('image/png');
    expect(realType('text/plain', null)).toBe('text/plain');
    expect(() => realType('image/jpeg', 'application/x-msdownload')).toThrow('không khớp');
    expect(() => realType('image/png', null)).toThrow('không khớp');
    expect(() => realType('', null)).toThrow('không xác định');
  });
});

describe.each(databaseKinds())('inbound media kept as evidence on %s', (kind) => {
  let zalo: FakeZalo;
  let cdn: FakeCdn;
  let t: TestGateway;
  let auth: string;
  let seq = 0;

  beforeAll(async () => {
    zalo = await startFakeZalo(ZALO);
    cdn = await startFakeCdn();
    t = await startTestGateway({
      kind,
      env: { ...zaloSettings(ZALO, zalo), MEDIA_PRIVATE_HOSTS: '127.0.0.1', MEDIA_DOWNLOAD_MAX_BYTES: String(MAX_BYTES) },
      jobPollMs: 50,
    });
    auth = await t.login();
  });
  afterAll(async () => {
    await t.stop();
    await t.citizenApp.stop();
    await zalo.close();
    await cdn.close();
  });

  /** A citizen sends an image whose link is `url`; returns the message's id once its attachment settled. */
  async function citizenSendsImage(url: string): Promise<{ id: string; conversationId: string; attachment: Attachment }> {
    const msgId = `zimg-${kind}-${++seq}`;
    await postZalo(t.app, ZALO, {
      app_id: ZALO.appId,
      event_name: 'user_send_image',
      timestamp: String(Date.now()),
      sender: { id: `84205531173164921${seq}` },
      recipient: { id: ZALO_OA_ID },
      message: { msg_id: msgId, text: 'Ảnh giấy hẹn trả kết quả', attachments: [{ type: 'image', payload: { url } }] },
    }).expect(200);
    const row = await waitForValue(
      async () =>
        (
          await t.gw.ctx.db.query<{ id: string; conversation_id: string; attachments: Attachment[] }>(
            'SELECT id, conversation_id, attachments FROM messages WHERE external_id = $1',
            [msgId],
          )
        ).rows[0],
      (r) => Boolean(r && (r.attachments[0].attachmentId || r.attachments[0].fetchError)),
    );
    return { id: row.id, conversationId: row.conversation_id, attachment: row.attachments[0] };
  }

  const eventsOf = async (conversationId: string, type: string) =>
    (
      await t.gw.ctx.db.query<{ data: Record<string, unknown> }>('SELECT data FROM events WHERE conversation_id = $1 AND type = $2', [
        conversationId,
        type,
      ])
    ).rows.map((r) => r.data);

  test('the image is stored with the same bytes and stays downloadable once the CDN is gone', async () => {
    const own = await startFakeCdn();
    const body = jpeg(150_000);
    const url = own.put('/photo-8420553117316492130.jpg', { body, contentType: 'image/jpeg' });
    const m = await citizenSendsImage(url);
    await own.close();
    expect(m.attachment).toMatchObject({ kind: 'image', url, mimeType: 'image/jpeg', size: body.length });
    expect(m.attachment.fetchError).toBeUndefined();
    const res = await request(t.app)
      .get(`/api/attachments/${m.attachment.attachmentId}`)
      .set('authorization', auth)
      .responseType('blob') // the body as a Buffer
      .expect(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(sha(res.body as Buffer)).toBe(sha(body));
    expect(await eventsOf(m.conversationId, 'media_saved')).toEqual([
      expect.objectContaining({ messageId: m.id, attachmentId: m.attachment.attachmentId, sha256: sha(body), url }),
    ]);
  });

  test('an oversized file and a program disguised as an image are refused, the reason kept with the link', async () => {
    const big = await citizenSendsImage(cdn.put('/big.jpg', { body: jpeg(MAX_BYTES + 1), contentType: 'image/jpeg' }));
    expect(big.attachment.attachmentId).toBeUndefined();
    expect(big.attachment.fetchError).toMatch(/tệp quá lớn/);
    expect(big.attachment.url).toBe(`${cdn.baseUrl}/big.jpg`);
    const exe = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00', 'latin1'), randomBytes(5000)]);
    const fake = await citizenSendsImage(cdn.put('/fake.jpg', { body: exe, contentType: 'image/jpeg' }));
    expect(fake.attachment.attachmentId).toBeUndefined();
    expect(fake.attachment.fetchError).toBe('nội dung tệp (application/x-msdownload) không khớp loại khai báo (image/jpeg)');
    expect(await eventsOf(fake.conversationId, 'media_refused')).toEqual([
      expect.objectContaining({ messageId: fake.id, reason: fake.attachment.fetchError }),
    ]);
    const stored = await t.gw.ctx.db.query('SELECT 1 FROM attachments WHERE size = $1', [exe.length]);
    expect(stored.rows).toEqual([]);
  });

  test('a CDN outage is retried; a link that stays broken is given up with its reason', async () => {
    const body = jpeg(2000);
    const m = await citizenSendsImage(cdn.put('/flaky.jpg', { body, contentType: 'image/jpeg', failFirst: 2 }));
    expect(cdn.hits('/flaky.jpg')).toBe(3);
    expect(m.attachment.attachmentId).toBeDefined();
    expect((await t.gw.ctx.blobs.get(m.attachment.storageKey!))!.equals(body)).toBe(true);
    const gone = await citizenSendsImage(`${cdn.baseUrl}/expired.jpg`);
    expect(gone.attachment).toMatchObject({ fetchError: 'máy chủ trả về HTTP 404' });
    expect(cdn.hits('/expired.jpg')).toBe(1);
  });

  test('a link whose file name has a malformed escape is kept, under the cleaned raw name', async () => {
    const m = await citizenSendsImage(cdn.put('/giay-hen%E0.jpg', { body: jpeg(1000), contentType: 'image/jpeg' }));
    expect(m.attachment.fetchError).toBeUndefined();
    const row = await t.gw.ctx.db.query<{ name: string }>('SELECT name FROM attachments WHERE id = $1', [m.attachment.attachmentId]);
    expect(row.rows[0].name).toBe('giay-hen_E0.jpg');
  });

  test('retention purges the bytes of closed conversations past the policy: download answers 410', async () => {
    const body = jpeg(3000);
    const closed = await citizenSendsImage(cdn.put('/old.jpg', { body, contentType: 'image/jpeg' }));
    const open = await citizenSendsImage(cdn.put('/open.jpg', { body: jpeg(3000), contentType: 'image/jpeg' }));
    const db = t.gw.ctx.db;
    await db.query(`UPDATE conversations SET state = 'closed', closed_at = now() WHERE id = $1`, [closed.conversationId]);
    await db.query(`UPDATE attachments SET created_at = now() - interval '40 days' WHERE id = ANY($1::uuid[])`, [
      [closed.attachment.attachmentId, open.attachment.attachmentId],
    ]);
    const policy = { rawDays: 0, jobsDays: 0, attachmentDays: 30 };
    expect(await purgeExpired(db, { ...policy, attachmentDays: 0 }, t.gw.ctx.blobs)).toMatchObject({ attachments: 0 });
    expect(await purgeExpired(db, policy, t.gw.ctx.blobs)).toMatchObject({ attachments: 1 });
    expect(await purgeExpired(db, policy, t.gw.ctx.blobs)).toMatchObject({ attachments: 0 });
    expect(await t.gw.ctx.blobs.get(closed.attachment.storageKey!)).toBeNull();
    const res = await request(t.app).get(`/api/attachments/${closed.attachment.attachmentId}`).set('authorization', auth).expect(410);
    expect(JSON.stringify(res.body)).toContain('đã được xoá theo chính sách lưu trữ');
    const row = await db.query<{ purged_at: Date | null }>('SELECT purged_at FROM attachments WHERE id = $1', [
      closed.attachment.attachmentId,
    ]);
    expect(row.rows[0].purged_at).not.toBeNull();
    expect(await eventsOf(closed.conversationId, 'attachments_purged')).toEqual([
      expect.objectContaining({ attachmentIds: [closed.attachment.attachmentId], days: 30 }),
    ]);
    await request(t.app).get(`/api/attachments/${open.attachment.attachmentId}`).set('authorization', auth).expect(200);
  });
});
