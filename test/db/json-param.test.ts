/** JSON parameters of the multi-row statements: lone surrogates made U+FFFD, everything else as JSON.stringify writes it. */
import { jsonParam } from '../../src/db/json-param';

test('lone surrogates become U+FFFD; pairs, text that merely looks like an escape, and other values are unchanged', () => {
  expect(jsonParam({ id: 'm\ud800', name: ['a\udfffb'] })).toBe(JSON.stringify({ id: 'm\ufffd', name: ['a\ufffdb'] }));
  expect(jsonParam({ text: 'Tôi 😀 ở Đồng Tháp' })).toBe('{"text":"Tôi 😀 ở Đồng Tháp"}');
  expect(jsonParam({ text: 'gõ \\ud800 như chữ', n: 1, b: null })).toBe(JSON.stringify({ text: 'gõ \\ud800 như chữ', n: 1, b: null }));
  expect(JSON.parse(jsonParam([{ id: '\ud83d' }]))).toEqual([{ id: '\ufffd' }]);
});
