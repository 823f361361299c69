/** The adapter kit's webhook acceptance: signature first over raw bytes, then payload sanity (NUL, nesting, types, times). */
import {
  acceptWebhook,
  isPlausibleEpochMs,
  MAX_WEBHOOK_DEPTH,
  readWebhookJson,
  type WebhookParts,
  type WebhookRequest,
} from '../../src/channels/kit';

const request = (raw: string | Buffer): WebhookRequest => ({
  method: 'POST',
  headers: {},
  query: {},
  rawBody: Buffer.isBuffer(raw) ? raw : Buffer.from(raw),
});

describe('acceptWebhook', () => {
  const parsed: unknown[] = [];
  const parts = (signed: boolean): WebhookParts => ({
    verify: () => signed,
    check: (body) => (typeof body.text === 'number' ? '`text` must be a string' : null),
    dedupeKey: (body) => {
      parsed.push(body);
      return String((body as { id?: unknown }).id);
    },
    orderingKey: (body) => String((body as { user?: unknown }).user),
  });

  test('a signed, sane event gives its keys', () => {
    expect(acceptWebhook(request('{"id":"m1","user":"u1","text":"xin chào"}'), parts(true))).toEqual({
      accept: true,
      dedupeKey: 'm1',
      orderingKey: 'u1',
    });
  });

  test('a bad signature is refused before the body is read, however large or broken', () => {
    parsed.length = 0;
    expect(acceptWebhook(request(Buffer.alloc(1 << 20, 0x5b)), parts(false))).toEqual({
      accept: false,
      status: 401,
      reason: 'Invalid signature',
    });
    expect(parsed).toEqual([]);
  });

  test.each([
    ['not JSON', '{"id":', /Malformed JSON/],
    ['a JSON array', '[1,2]', /JSON object/],
    ['a JSON string', '"x"', /JSON object/],
    ['a NUL byte', Buffer.from('{"id":"a\0b"}'), /NUL byte/],
    ['an escaped NUL in a value', '{"id":"m","text":"a\\u0000b"}', /NUL character/],
    ['an escaped NUL in a key', '{"a\\u0000":1}', /NUL character/],
    ['10,000-deep nesting', '{"a":' + '['.repeat(10_000) + ']'.repeat(10_000) + '}', /nested deeper/],
    ['a field of the wrong type (adapter check)', '{"id":"m","text":12}', /`text` must be a string/],
  ])('signed but %s → 400 with the reason', (_what, raw, reason) => {
    const verdict = acceptWebhook(request(raw), parts(true));
    expect(verdict).toMatchObject({ accept: false, status: 400 });
    expect(verdict.accept === false && verdict.reason).toMatch(reason);
  });

  test('nesting up to the limit is fine; brackets inside strings do not count', () => {
    const deep = '{"a":' + '['.repeat(MAX_WEBHOOK_DEPTH - 1) + ']'.repeat(MAX_WEBHOOK_DEPTH - 1) + '}';
    expect(typeof readWebhookJson(Buffer.from(deep))).toBe('object');
    expect(typeof readWebhookJson(Buffer.from(`{"t":"${'['.repeat(100)}\\"${'{'.repeat(100)}"}`))).toBe('object');
  });

  test('long integers stay exact', () => {
    expect(readWebhookJson(Buffer.from('{"id":9007199254740993}'))).toEqual({ id: '9007199254740993' });
  });

  test('plausible event times: epoch milliseconds from 2000 to a day ahead, as number or digit string', () => {
    const now = Date.UTC(2026, 11, 4);
    expect(isPlausibleEpochMs(now, now)).toBe(true);
    expect(isPlausibleEpochMs(String(now), now)).toBe(true);
    expect(isPlausibleEpochMs(1e20, now)).toBe(false);
    expect(isPlausibleEpochMs(now / 1000, now)).toBe(false); // seconds, not milliseconds
    expect(isPlausibleEpochMs(now + 2 * 86_400_000, now)).toBe(false);
    expect(isPlausibleEpochMs('soon', now)).toBe(false);
    expect(isPlausibleEpochMs(Number.NaN, now)).toBe(false);
  });
});
