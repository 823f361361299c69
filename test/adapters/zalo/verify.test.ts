import { createHmac } from 'node:crypto';
import { createZaloAdapter } from '../../../adapters/zalo';
import { APP_ID, APP_SECRET, OA_SECRET_KEY, ZALO_CONFIG, fixture, signedRequest, zaloMac } from './support';

const adapter = createZaloAdapter(ZALO_CONFIG);
const verify = (req: ReturnType<typeof signedRequest>) => adapter.webhook!.verify(req);

describe('zalo webhook signature', () => {
  const raw = fixture('user_send_text');
  const body = JSON.parse(raw.toString('utf8'));

  test('accepts mac=SHA-256(app_id + raw body + timestamp + OA secret key)', () => {
    expect(verify(signedRequest(raw))).toBe(true);
  });

  test('accepts the hex without the mac= prefix and in upper case', () => {
    const mac = zaloMac(raw, APP_ID, body.timestamp);
    expect(verify(signedRequest(raw, mac.slice(4)))).toBe(true);
    expect(verify(signedRequest(raw, 'MAC=' + mac.slice(4).toUpperCase()))).toBe(true);
  });

  test('accepts events of other shapes (follow has no sender/recipient)', () => {
    expect(verify(signedRequest(fixture('follow')))).toBe(true);
    expect(verify(signedRequest(fixture('user_seen_message')))).toBe(true);
  });

  test('rejects a wrong secret, the app secret, a missing header', () => {
    expect(verify(signedRequest(raw, zaloMac(raw, APP_ID, body.timestamp, 'wrong-secret')))).toBe(false);
    expect(verify(signedRequest(raw, zaloMac(raw, APP_ID, body.timestamp, APP_SECRET)))).toBe(false);
    const req = signedRequest(raw);
    expect(verify({ ...req, headers: { 'content-type': 'application/json' } })).toBe(false);
    expect(verify(signedRequest(raw, 'mac='))).toBe(false);
  });

  test('rejects an HMAC (a common mistake) and a signature over re-serialized JSON', () => {
    const hmac = createHmac('sha256', OA_SECRET_KEY)
      .update(Buffer.concat([Buffer.from(APP_ID), raw, Buffer.from(body.timestamp)]))
      .digest('hex');
    expect(verify(signedRequest(raw, `mac=${hmac}`))).toBe(false);
    const reserialized = Buffer.from(JSON.stringify(body));
    expect(verify(signedRequest(raw, zaloMac(reserialized, APP_ID, body.timestamp)))).toBe(false);
  });

  test('rejects a tampered body', () => {
    const req = signedRequest(raw);
    const tampered = Buffer.from(raw.toString('utf8').replace('Cao Lãnh', 'Sa Đéc'));
    expect(verify({ ...req, rawBody: tampered })).toBe(false);
  });

  test('uses the exact digits of a bare numeric app_id (no rounding)', () => {
    const numeric = fixture('numeric_ids');
    const good = zaloMac(numeric, '1839120465573816298', '1735693200999');
    const rounded = zaloMac(numeric, String(JSON.parse(numeric.toString()).app_id), '1735693200999');
    expect(rounded).not.toBe(good);
    expect(verify({ ...signedRequest(fixture('user_send_text')), rawBody: numeric, headers: { 'x-zevent-signature': good } })).toBe(true);
  });

  test('rejects malformed bodies and bodies without app_id/timestamp', () => {
    const junk = Buffer.from('{"event_name":');
    expect(adapter.webhook!.verify({ method: 'POST', headers: { 'x-zevent-signature': 'mac=00' }, query: {}, rawBody: junk })).toBe(false);
    const noApp = Buffer.from('{"event_name":"user_send_text","timestamp":"1"}');
    expect(
      adapter.webhook!.verify({ method: 'POST', headers: { 'x-zevent-signature': zaloMac(noApp, '', '1') }, query: {}, rawBody: noApp }),
    ).toBe(false);
  });
});
