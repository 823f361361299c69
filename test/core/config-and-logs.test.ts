/** Configuration is validated with messages naming the variable; logs never carry secrets or personal numbers. */
import { Writable } from 'node:stream';
import { ConfigError, loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';

/** A logger at level info writing into `lines`. */
function capturedLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk));
      cb();
    },
  });
  return { log: createLogger('info', sink), lines };
}

test('defaults apply and empty values count as unset', () => {
  const c = loadConfig({ PORT: '', DATABASE_URL: '' });
  expect(c.PORT).toBe(3000);
  expect(c.DATABASE_URL).toBeUndefined();
  expect(c.DATA_DIR).toBe('./data');
  expect(c.NLU_ENGINE).toBe('builtin');
  expect(c.TRUST_PROXY).toBe('loopback');
  // A hop count is a number for Express; addresses stay text.
  expect(loadConfig({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
  expect(loadConfig({ TRUST_PROXY: '10.0.0.5, 10.0.0.6' }).TRUST_PROXY).toBe('10.0.0.5, 10.0.0.6');
});

test('invalid values stop the start, naming each variable', () => {
  expect.assertions(6);
  expect(() => loadConfig({ PORT: 'abc', NLU_ENGINE: 'gpt', DATABASE_URL: 'mongodb://x', FB_GRAPH_BASE: 'not a url' })).toThrow(
    ConfigError,
  );
  try {
    loadConfig({ PORT: 'abc', NLU_ENGINE: 'gpt', DATABASE_URL: 'mongodb://x' });
  } catch (err) {
    const text = (err as Error).message;
    expect(text).toMatch(/PORT/);
    expect(text).toMatch(/NLU_ENGINE/);
    expect(text).toMatch(/DATABASE_URL: must be memory:\/\/ or postgres/);
  }
  // What Express could not compile stops the start here, named, not later in the app.
  for (const TRUST_PROXY of ['false', '10.0.0.5, nginx.local'])
    expect(() => loadConfig({ TRUST_PROXY })).toThrow(/TRUST_PROXY: must be loopback/);
});

test('logs redact secrets by key and mask phones, emails and ID numbers in text', () => {
  const { log, lines } = capturedLogger();
  log.info(
    { accessToken: 'abc123', nested: { password: 'p', note: 'gọi 0909123456 hoặc a.b@gmail.com, CCCD 079203001234' } },
    'khách 0912 345 678 nhắn',
  );
  const out = lines.join('');
  expect(out).not.toMatch(/abc123|0909123456|a\.b@gmail\.com|079203001234|0912 345 678/);
  expect(out).toMatch(/\[redacted\]/);
  expect(out).toMatch(/\[phone\]/);
  expect(out).toMatch(/\[email\]/);
  expect(out).toMatch(/\[id\]/);
});

test('error stacks and causes are masked like any other text', () => {
  const { log, lines } = capturedLogger();
  const err = new Error('không tìm thấy công dân 0909123456 (a.b@gmail.com)', { cause: new Error('CCCD 079203001234 sai') });
  Object.assign(err, { detail: 'gọi 0912345678', password: 'p@ss' });
  log.error({ err }, 'lỗi');
  log.error(err);
  const out = lines.join('');
  expect(out).toMatch(/"stack":"Error: không tìm thấy công dân \[phone\]/);
  expect(out).not.toMatch(/0909123456|a\.b@gmail\.com|079203001234|0912345678|p@ss/);
  expect(out).toMatch(/\[id\] sai/);
});
