import { createFacebookAdapter } from '../../../adapters/facebook';
import { APP_ID, FB_CREDENTIALS, VERIFY_TOKEN, fixture, hubSignature, signedRequest } from './support';

const adapter = createFacebookAdapter({ ...FB_CREDENTIALS, appId: APP_ID });
const wh = adapter.webhook!;
const get = (query: Record<string, string>) => ({ method: 'GET', headers: {}, query, rawBody: Buffer.alloc(0) });

describe('messenger handshake', () => {
  test('subscribe with the right token → 200 with the raw challenge', () => {
    expect(wh.handshake!(get({ 'hub.mode': 'subscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1158201444' }))).toEqual({
      status: 200,
      body: '1158201444',
    });
  });

  test('wrong token or mode → 403', () => {
    expect(wh.handshake!(get({ 'hub.mode': 'subscribe', 'hub.verify_token': 'nope', 'hub.challenge': '1' }))).toEqual({
      status: 403,
      body: 'Forbidden',
    });
    expect(wh.handshake!(get({ 'hub.mode': 'unsubscribe', 'hub.verify_token': VERIFY_TOKEN, 'hub.challenge': '1' }))!.status).toBe(403);
    expect(wh.handshake!(get({ 'hub.mode': 'subscribe', 'hub.challenge': '1' }))!.status).toBe(403);
  });

  test('not a handshake → null', () => {
    expect(wh.handshake!(get({}))).toBeNull();
    expect(wh.handshake!({ ...get({ 'hub.mode': 'subscribe' }), method: 'POST' })).toBeNull();
  });
});

describe('messenger signature', () => {
  const raw = fixture('text');
  const verify = (req: ReturnType<typeof signedRequest>) => wh.verify(req);

  test('accepts sha256=HMAC(raw body, app secret); hex case does not matter', () => {
    expect(verify(signedRequest(raw))).toBe(true);
    expect(verify(signedRequest(raw, 'sha256=' + hubSignature(raw).slice(7).toUpperCase()))).toBe(true);
  });

  test('Vietnamese arrives \\u-escaped: a signature over re-serialized JSON does not match', () => {
    expect(raw.toString('utf8')).toContain('Xin ch\\u00e0o');
    const reserialized = Buffer.from(JSON.stringify(JSON.parse(raw.toString('utf8'))));
    expect(reserialized.equals(raw)).toBe(false);
    expect(verify(signedRequest(raw, hubSignature(reserialized)))).toBe(false);
  });

  test('rejects wrong secret, missing header, sha1 header, garbage', () => {
    expect(verify(signedRequest(raw, hubSignature(raw, 'other-secret')))).toBe(false);
    expect(verify({ ...signedRequest(raw), headers: {} })).toBe(false);
    expect(verify(signedRequest(raw, 'sha1=' + hubSignature(raw).slice(7)))).toBe(false);
    expect(verify(signedRequest(raw, hubSignature(raw).slice(7)))).toBe(false);
    expect(verify(signedRequest(raw, 'sha256=zz'))).toBe(false);
  });

  test('rejects a tampered body', () => {
    const req = signedRequest(raw);
    expect(verify({ ...req, rawBody: Buffer.from(raw.toString().replace('m_AbC', 'm_XbC')) })).toBe(false);
  });
});
