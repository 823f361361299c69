import { safeEqual } from '../src/channels/helpers';
test('safeEqual', () => { expect(safeEqual('ab', 'ab')).toBe(true); expect(safeEqual('ab', 'ac')).toBe(false); });
