import { createZaloAdapter, type ZaloConfig } from '../../../adapters/zalo';
import type { ChannelAdapter } from '../../../src/channels/kit/contract';
import { startFakeZalo, type FakeZalo, type FakeZaloOptions } from '../../fakes/fake-zalo';
import { hostedAttachment, MemoryAdapterState, memoryRuntime, outboundMessage, rejection } from '../contract-suite';
import { APP_ID, APP_SECRET, USER_ID, ZALO_CONFIG } from './support';

let fake: FakeZalo;
let adapter: ChannelAdapter;
let state: MemoryAdapterState;

async function setup(opts: Partial<FakeZaloOptions> = {}, cfg: Partial<ZaloConfig> = {}, start = true) {
  fake = await startFakeZalo({
    ...ZALO_CONFIG,
    profiles: { [USER_ID]: 'Nguyễn Thị Mai' },
    ...opts,
  });
  adapter = zaloAdapter(cfg);
  state = new MemoryAdapterState();
  if (start) await adapter.start!(memoryRuntime(state));
}

/** An adapter of the test OA on the fake, with the first token pair unless `cfg` says otherwise. */
function zaloAdapter(cfg: Partial<ZaloConfig> = {}): ChannelAdapter {
  return createZaloAdapter({ ...ZALO_CONFIG, apiBase: fake.apiBase, oauthBase: fake.oauthBase, ...cfg });
}

/** Another gateway process, or this one restarted: a new adapter on the same state, started. */
async function anotherProcess(cfg: Partial<ZaloConfig> = {}): Promise<ChannelAdapter> {
  const other = zaloAdapter(cfg);
  await other.start!(memoryRuntime(state));
  return other;
}

/** An adapter whose API is unreachable (nothing listens on port 9). */
const offlineAdapter = () => createZaloAdapter({ ...ZALO_CONFIG, accessToken: 'x', refreshToken: 'y', apiBase: 'http://127.0.0.1:9' });

afterEach(async () => {
  expect(fake.violations).toEqual([]);
  await fake.close();
});

const msg = (o: Parameters<typeof outboundMessage>[2] = {}) => outboundMessage('zalo', USER_ID, o);

describe('zalo send: requests match the documented API', () => {
  beforeEach(() => setup());

  test('text → POST /v3.0/oa/message/cs with the access_token header', async () => {
    const res = await adapter.send(msg({ text: 'Dạ, hồ sơ của anh/chị đang được xử lý.' }));
    expect(fake.requests).toHaveLength(1);
    const r = fake.requests[0]!;
    expect(r.method).toBe('POST');
    expect(r.url).toBe('/v3.0/oa/message/cs');
    expect(r.headers['access_token']).toBe('at-0');
    expect(r.headers['content-type']).toBe('application/json');
    expect(r.headers['authorization']).toBeUndefined();
    expect(r.json).toEqual({ recipient: { user_id: USER_ID }, message: { text: 'Dạ, hồ sơ của anh/chị đang được xử lý.' } });
    expect(res.providerMessageId).toMatch(/^zmsg/);
  });

  test('text + image URL → one media-template message; a second image → its own message', async () => {
    const res = await adapter.send(
      msg({ text: 'Mẫu tờ khai CT01', attachments: [hostedAttachment('image', 'ct01.png'), hostedAttachment('image', 'ct01-2.png')] }),
    );
    const bodies = fake.calls('/v3.0/oa/message/cs').map((r) => r.json);
    expect(bodies).toEqual([
      {
        recipient: { user_id: USER_ID },
        message: {
          text: 'Mẫu tờ khai CT01',
          attachment: {
            type: 'template',
            payload: { template_type: 'media', elements: [{ media_type: 'image', url: 'https://1022.dongthap.gov.vn/files/ct01.png' }] },
          },
        },
      },
      {
        recipient: { user_id: USER_ID },
        message: {
          attachment: {
            type: 'template',
            payload: { template_type: 'media', elements: [{ media_type: 'image', url: 'https://1022.dongthap.gov.vn/files/ct01-2.png' }] },
          },
        },
      },
    ]);
    expect(res.providerMessageId).toBe('zmsg' + '1'.padStart(28, '0'));
  });

  test('file bytes → multipart upload, then a file message with the token', async () => {
    await adapter.send(
      msg({
        text: 'Tờ khai đính kèm',
        attachments: [{ kind: 'file', data: Buffer.from('%PDF-1.4 test'), name: 'to-khai.pdf', mimeType: 'application/pdf' }],
      }),
    );
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v3.0/oa/message/cs',
      'POST /v2.0/oa/upload/file',
      'POST /v3.0/oa/message/cs',
    ]);
    const upload = fake.requests[1]!;
    expect(upload.headers['access_token']).toBe('at-0');
    expect(upload.body.toString()).toContain('Content-Disposition: form-data; name="file"; filename="to-khai.pdf"');
    expect(upload.body.toString()).toContain('%PDF-1.4 test');
    expect(fake.requests[2]!.json).toEqual({
      recipient: { user_id: USER_ID },
      message: { attachment: { type: 'file', payload: { token: 'ftok2' } } },
    });
  });

  test('stored attachment without a URL is read from the runtime and uploaded as an image', async () => {
    await fake.close();
    await setup({}, {}, false);
    const rt = memoryRuntime(state);
    rt.readAttachment = async (id) =>
      id === 'att-42' ? { data: Buffer.from([0xff, 0xd8, 0xff]), mimeType: 'image/jpeg', name: 'anh.jpg' } : null;
    await adapter.start!(rt);
    await adapter.send(msg({ text: '', attachments: [{ kind: 'image', attachmentId: 'att-42' }] }));
    expect(fake.requests.map((r) => r.path)).toEqual(['/v2.0/oa/upload/image', '/v3.0/oa/message/cs']);
    expect(fake.requests[1]!.json.message).toEqual({
      attachment: { type: 'template', payload: { template_type: 'media', elements: [{ media_type: 'image', attachment_id: 'att1' }] } },
    });
  });

  test('quick replies (none in CS messages) degrade to a numbered list', async () => {
    expect(adapter.capabilities.quickReplies).toBeNull();
    await adapter.send(
      msg({
        text: 'Anh/chị hỏi về:',
        quickReplies: [
          { title: 'Căn cước', payload: 'CCCD' },
          { title: 'Hộ tịch', payload: 'HT' },
        ],
      }),
    );
    expect(fake.requests[0]!.json.message.text).toBe('Anh/chị hỏi về:\n1. Căn cước\n2. Hộ tịch');
  });

  test('text longer than 2000 characters is refused before any call', async () => {
    const err = await rejection(adapter.send(msg({ text: 'a'.repeat(2001) })));
    expect(err).toMatchObject({ code: 'text_too_long', retryable: false });
    expect(fake.requests).toHaveLength(0);
  });
});

describe('zalo send: errors (HTTP 200 + negative error)', () => {
  beforeEach(() => setup());

  test.each([
    [-230, 'window_closed', false],
    [-232, 'window_closed', false],
    [-213, 'user_not_following', false],
    [-244, 'user_blocked', false],
    [-227, 'user_unavailable', false],
    [-211, 'quota_exceeded', false],
    [-201, 'invalid_request', false],
    [-32, 'rate_limited', true],
    [-999, 'zalo_-999', false],
  ])('error %i → %s (retryable %s)', async (code, label, retryable) => {
    fake.failNext('/v3.0/oa/message/cs', { json: { error: code, message: 'Zalo says no' } });
    const err = await rejection(adapter.send(msg()));
    expect(err).toMatchObject({ channel: 'zalo', code: label, retryable, status: 200 });
    expect(err.message).toContain(String(code));
  });

  test('HTTP 500 and 429 + Retry-After are retryable', async () => {
    fake.failNext('/v3.0/oa/message/cs', { status: 500, text: 'Internal Server Error' });
    expect(await rejection(adapter.send(msg()))).toMatchObject({ retryable: true, status: 500 });
    fake.failNext('/v3.0/oa/message/cs', { status: 429, headers: { 'retry-after': '7' }, json: {} });
    expect(await rejection(adapter.send(msg()))).toMatchObject({ retryable: true, status: 429, retryAfterMs: 7000 });
  });

  test('a network failure is retryable', async () => {
    expect(await rejection(offlineAdapter().send(msg()))).toMatchObject({ retryable: true });
  });
});

describe('zalo tokens: refresh on -216, single-use refresh tokens', () => {
  test('-216 → refresh (persisted before use) → the send is retried once and succeeds', async () => {
    const timeline: string[] = [];
    await setup({ onRequest: (r) => timeline.push(`${r.path} ${r.headers['access_token'] ?? r.form?.get('refresh_token') ?? ''}`) });
    const realSet = state.set.bind(state);
    state.set = async (k, v) => {
      timeline.push(`persist ${(v as { accessToken: string }).accessToken}`);
      return realSet(k, v);
    };
    fake.validAccessTokens.clear(); // the configured token has expired
    const res = await adapter.send(msg());
    expect(res.providerMessageId).toBeDefined();
    expect(timeline).toEqual(['/v3.0/oa/message/cs at-0', '/v4/oa/access_token rt-0', 'persist at-1', '/v3.0/oa/message/cs at-1']);
    const refresh = fake.calls('/v4/oa/access_token')[0]!;
    expect(refresh.method).toBe('POST');
    expect(refresh.headers['secret_key']).toBe(APP_SECRET);
    expect(refresh.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(refresh.form!)).toEqual({ refresh_token: 'rt-0', app_id: APP_ID, grant_type: 'refresh_token' });
    expect(await state.get('zalo:tokens')).toMatchObject({ accessToken: 'at-1', refreshToken: 'rt-1' });
    const stored = (await state.get<{ expiresAt: number }>('zalo:tokens'))!;
    expect(stored.expiresAt).toBeGreaterThan(Date.now() + 24 * 3600_000);
  });

  test('two sends hitting -216 at once → exactly one refresh', async () => {
    await setup({ refreshDelayMs: 100 });
    fake.validAccessTokens.clear();
    const results = await Promise.all([adapter.send(msg({ text: 'một' })), adapter.send(msg({ text: 'hai' })), adapter.profile!(USER_ID)]);
    expect(fake.refreshCalls).toBe(1);
    expect(results[0].providerMessageId).toBeDefined();
    expect(results[1].providerMessageId).toBeDefined();
    expect(results[2]).toEqual({ displayName: 'Nguyễn Thị Mai' });
    expect(fake.currentRefreshToken).toBe('rt-1');
    expect(await state.get('zalo:tokens')).toMatchObject({ accessToken: 'at-1', refreshToken: 'rt-1' });
    const sent = fake
      .calls('/v3.0/oa/message/cs')
      .filter((r) => r.headers['access_token'] === 'at-1')
      .map((r) => r.json.message.text);
    expect(sent.sort()).toEqual(['hai', 'một']);
  });

  test('two adapter instances sharing state (two processes) refresh once', async () => {
    await setup({ refreshDelayMs: 50 });
    const other = await anotherProcess();
    fake.validAccessTokens.clear();
    await Promise.all([adapter.send(msg()), other.send(msg())]);
    expect(fake.refreshCalls).toBe(1);
  });

  test('a token refreshed earlier is used after a restart; a newly configured refresh token wins', async () => {
    await setup();
    fake.validAccessTokens.clear();
    await adapter.send(msg());
    const restarted = await anotherProcess();
    await restarted.send(msg());
    expect(fake.requests.at(-1)!.headers['access_token']).toBe('at-1');
    expect(fake.refreshCalls).toBe(1);

    fake.validAccessTokens.add('at-new');
    const reauthorized = await anotherProcess({ accessToken: 'at-new', refreshToken: 'rt-new' });
    await reauthorized.send(msg());
    expect(fake.requests.at(-1)!.headers['access_token']).toBe('at-new');
    expect(await state.get('zalo:tokens')).toMatchObject({ accessToken: 'at-new', refreshToken: 'rt-new' });
  });

  test('an access token about to expire is refreshed before the call', async () => {
    await setup();
    await adapter.send(msg()); // at-0 works; expiry unknown for configured tokens: no refresh
    expect(fake.refreshCalls).toBe(0);
    const stored = (await state.get<Record<string, unknown>>('zalo:tokens'))!;
    await state.set('zalo:tokens', { ...stored, expiresAt: Date.now() + 60_000 });
    const again = await anotherProcess();
    await again.send(msg());
    expect(fake.requests.map((r) => `${r.path} ${r.headers['access_token'] ?? ''}`.trim())).toEqual([
      '/v3.0/oa/message/cs at-0',
      '/v4/oa/access_token',
      '/v3.0/oa/message/cs at-1',
    ]);
  });

  test('a redeemed refresh token (-14014) is a permanent error asking for re-authorization', async () => {
    await setup();
    fake.validAccessTokens.clear();
    fake.currentRefreshToken = 'someone-else-used-it';
    const err = await rejection(adapter.send(msg()));
    expect(err).toMatchObject({ code: 'refresh_token_invalid', retryable: false });
    expect(err.message).toContain('ZALO_REFRESH_TOKEN');
  });

  test('-216 again after a refresh → permanent token_invalid (no loop)', async () => {
    await setup();
    fake.failNext('/v3.0/oa/message/cs', { json: { error: -216, message: 'Access token is invalid' } });
    fake.failNext('/v3.0/oa/message/cs', { json: { error: -216, message: 'Access token is invalid' } });
    const err = await rejection(adapter.send(msg()));
    expect(err).toMatchObject({ code: 'token_invalid', retryable: false });
    expect(fake.refreshCalls).toBe(1);
    expect(fake.calls('/v3.0/oa/message/cs')).toHaveLength(2);
  });

  test('before start, an expired token is not refreshed (nowhere to persist the new pair)', async () => {
    await setup({}, {}, false);
    fake.validAccessTokens.clear();
    const err = await rejection(adapter.send(msg()));
    expect(err).toMatchObject({ code: 'token_refresh_unavailable', retryable: true });
    expect(fake.refreshCalls).toBe(0);
  });
});

describe('zalo profile and testConnection', () => {
  test('profile → display name, cached in memory with a TTL', async () => {
    await setup({}, { profileTtlMs: 200 });
    expect(await adapter.profile!(USER_ID)).toEqual({ displayName: 'Nguyễn Thị Mai' });
    expect(await adapter.profile!(USER_ID)).toEqual({ displayName: 'Nguyễn Thị Mai' });
    const calls = fake.calls('/v3.0/oa/user/detail');
    expect(calls).toHaveLength(1);
    expect(calls[0]!.method).toBe('GET');
    expect(calls[0]!.headers['access_token']).toBe('at-0');
    expect(calls[0]!.url).toBe(`/v3.0/oa/user/detail?data=${encodeURIComponent(JSON.stringify({ user_id: USER_ID }))}`);
    await new Promise((ok) => setTimeout(ok, 250));
    await adapter.profile!(USER_ID);
    expect(fake.calls('/v3.0/oa/user/detail')).toHaveLength(2);
  });

  test('profile of a non-follower → null; transient failure → throws retryable', async () => {
    await setup();
    expect(await adapter.profile!('1111111111111111111')).toBeNull();
    fake.failNext('/v3.0/oa/user/detail', { status: 503, text: 'busy' });
    expect(await rejection(adapter.profile!('2222222222222222222'))).toMatchObject({ retryable: true });
  });

  test('testConnection → GET /v2.0/oa/getoa; never throws', async () => {
    await setup();
    expect(await adapter.testConnection()).toEqual({ ok: true, detail: 'Zalo OA Tổng đài 1022 Đồng Tháp (2974318543902785381)' });
    const r = fake.calls('/v2.0/oa/getoa')[0]!;
    expect(r.method).toBe('GET');
    expect(r.headers['access_token']).toBe('at-0');
    fake.failNext('/v2.0/oa/getoa', { json: { error: -204, message: 'OA is disabled' } });
    const bad = await adapter.testConnection();
    expect(bad.ok).toBe(false);
    expect(bad.detail).toContain('-204');
    expect((await offlineAdapter().testConnection()).ok).toBe(false);
  });
});
