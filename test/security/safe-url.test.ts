/** Which attachment URLs the console loads or links (src/wire/safe-url.ts, used by the timeline). */
import { isLocalHost, safeAttachmentUrl } from '../../src/wire/safe-url';

const ORIGIN = 'https://1022.dongthap.gov.vn';

test.each([
  ['https://cdn.zalo.me/a.jpg', 'https://cdn.zalo.me/a.jpg'],
  ['https://scontent.xx.fbcdn.net/v/t1.jpg?x=1', 'https://scontent.xx.fbcdn.net/v/t1.jpg?x=1'],
  ['/api/attachments/2b0e7c5e-0a52-4e61-9c61-5d0b8a3f1e11', `${ORIGIN}/api/attachments/2b0e7c5e-0a52-4e61-9c61-5d0b8a3f1e11`],
])('%s is shown', (url, expected) => {
  expect(safeAttachmentUrl(url, ORIGIN)).toBe(expected);
});

test.each([
  'data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=',
  'javascript:alert(1)',
  'http://cdn.zalo.me/a.jpg',
  'file:///etc/passwd',
  'https://127.0.0.1/x',
  'https://2130706433/x',
  'https://0x7f.1/x',
  'https://[::1]/x',
  'https://[::ffff:127.0.0.1]/x',
  'https://[fd00::1]/x',
  'https://10.0.0.5/x',
  'https://172.20.1.1/x',
  'https://192.168.1.1/x',
  'https://169.254.169.254/latest/meta-data',
  'https://localhost/x',
  'https://intranet/x',
  'https://printer.local/x',
  'https://user:pw@cdn.zalo.me/a.jpg',
  `${ORIGIN}/api/users`,
  'not a url at all',
  '',
])('%s is not', (url) => {
  expect(safeAttachmentUrl(url, ORIGIN)).toBeNull();
});

test('public addresses are not local', () => {
  expect(isLocalHost('203.0.113.9')).toBe(false);
  expect(isLocalHost('172.32.0.1')).toBe(false);
  expect(isLocalHost('zalo.me')).toBe(false);
});
