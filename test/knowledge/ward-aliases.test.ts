/**
 * knowledge/ward-aliases.csv: former communes and wards (before 1/7/2025) lead to the unit that replaced them
 * (Nghị quyết 1663/NQ-UBTVQH15, Điều 1), through the matcher the pipeline uses to suggest a ticket's agency.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseCsv } from '../../src/knowledge/csv';
import { readKnowledge } from '../../src/knowledge/read-files';
import { foldDiacritics } from '../../src/nlu/fold';
import { PlaceMatcher, readFormerNames } from '../../src/nlu/places';

const dir = resolve('knowledge');
const communes = readKnowledge(dir).agencies.filter((a) => a.kind === 'commune');
const former = readFormerNames(dir);
const matcher = new PlaceMatcher(
  communes.map((a) => ({ code: a.code, names: [a.name, ...a.aliases] })),
  former,
);
const codes = (text: string) => matcher.find(text).map((m) => m.code);
/** A name folded, without its kind: "xã Mỹ Hội" → "my hoi". */
const bare = (n: string) => foldDiacritics(n).replace(/^(ubnd )?(xa|phuong|thi tran) /, '');

describe('ward-aliases.csv', () => {
  test('every row is a former name written with its kind, a commune-level agency and a cited source', () => {
    const { records } = parseCsv(readFileSync(resolve(dir, 'ward-aliases.csv'), 'utf8'), ['old_name', 'new_code', 'source']);
    const known = new Set(communes.map((a) => a.code));
    const seen = new Set<string>();
    for (const r of records) {
      const { old_name: name, new_code: code, source } = r.values;
      expect([name, /^(xã|phường|thị trấn) \S/.test(name)]).toEqual([name, true]);
      expect([name, known.has(code)]).toEqual([name, true]);
      expect([name, /Nghị quyết (1663\/NQ-UBTVQH15|27\/NQ-HĐND)/.test(source)]).toEqual([name, true]);
      expect([name, seen.has(name.toLowerCase())]).toEqual([name, false]);
      seen.add(name.toLowerCase());
    }
  });

  test('former units of former Đồng Tháp, with and without diacritics', () => {
    expect(codes('nhà tôi ở xã Mỹ Xương, huyện Cao Lãnh cũ')).toEqual(['xa_my_tho']);
    expect(codes('ap 2 xa lang bien bi ngap')).toEqual(['xa_my_qui']);
    expect(codes('cầu ở xã Hòa Bình bị sụt')).toEqual(['xa_phu_cuong']);
    expect(codes('xa binh thanh trung mat dien')).toEqual(['xa_lap_vo']);
    expect(codes('đường xã Định Yên ngập')).toEqual(['xa_lai_vung']);
    expect(codes('xã An Khánh, Châu Thành')).toEqual(['xa_tan_nhuan_dong']);
    // Sources that once disagreed are settled by the final text: Tân Nghĩa → phường Mỹ Ngãi, Phú Long → xã Tân Phú Trung.
    expect(codes('xã Tân Nghĩa')).toEqual(['phuong_my_ngai']);
    expect(codes('xa phu long')).toEqual(['xa_tan_phu_trung']);
    expect(codes('khóm 2 phường Tân Quy Đông')).toEqual(['phuong_sa_dec']);
  });

  test('former units of former Tiền Giang, with and without diacritics', () => {
    expect(codes('ấp Hậu Hòa xã Hậu Mỹ Bắc A')).toEqual(['xa_hau_my']);
    expect(codes('x. Cam Son ngap')).toEqual(['xa_binh_phu']);
    expect(codes('xã Thân Cửu Nghĩa')).toEqual(['xa_chau_thanh']);
    expect(codes('xã Quơn Long, Chợ Gạo')).toEqual(['xa_tan_thuan_binh', 'xa_cho_gao']);
    expect(codes('xa binh phuc nhut')).toEqual(['xa_an_thanh_thuy']);
    expect(codes('xã Kiểng Phước')).toEqual(['xa_gia_thuan']);
    expect(codes('xã Tân Mỹ Chánh')).toEqual(['phuong_my_phong']);
  });

  test('a former name longer than a current one wins, and the current one still leads to its own unit', () => {
    // "xã Tân Hòa Đông" (Tân Phước) is not xã Tân Hòa (Gò Công Đông).
    expect(codes('xã Tân Hòa Đông')).toEqual(['xa_tan_phuoc_1']);
    expect(codes('xã Tân Hòa')).toEqual(['xa_tan_hoa']);
    // "xã Long Hưng A" (Lấp Vò) is not xã Long Hưng (Châu Thành of Tiền Giang).
    expect(codes('xã Long Hưng A')).toEqual(['xa_tan_khanh_trung']);
    expect(codes('xã Long Hưng')).toEqual(['xa_long_hung']);
    // "xã Mỹ An" (Tháp Mười) inside today's "xã Mỹ An Hưng" is not a mention of its own.
    expect(codes('xã Mỹ An Hưng')).toEqual(['xa_my_an_hung']);
    expect(codes('xã Mỹ An')).toEqual(['xa_thap_muoi']);
  });

  test('numbered wards with their city go to the ward that took them, not always to the one named after the city', () => {
    expect(matcher.find('đèn đường phường 4 Cao Lãnh hư')[0]).toEqual({ code: 'phuong_cao_lanh', matched: 'phuong 4 cao lanh', former: true });
    expect(codes('p 2 cai lay')).toEqual(['phuong_thanh_hoa']);
    expect(codes('phường 1 Cai Lậy')).toEqual(['phuong_my_phuoc_tay']);
    expect(codes('phường 5 Mỹ Tho')).toEqual(['phuong_dao_thanh']);
    expect(codes('phường 10 Mỹ Tho')).toEqual(['phuong_trung_an']);
    expect(codes('phường 2 Gò Công')).toEqual(['phuong_long_thuan']);
    // Wards merged before 2025 (Nghị quyết 1013 and 1284/NQ-UBTVQH15), then again on 1/7/2025.
    expect(codes('phường 3 Gò Công')).toEqual(['phuong_long_thuan']);
    expect(codes('phường 11 Cao Lãnh')).toEqual(['phuong_my_ngai']);
    expect(codes('xã Tân Lý Tây')).toEqual(['xa_chau_thanh']);
  });

  test('names that several former units shared, or that fold to another unit’s name, are not listed (knowledge/README.md)', () => {
    const listed = new Set(former.map((f) => bare(f.name)));
    const leftOut = ['Mỹ Hội', 'Bình Phú', 'Phú Cường', 'Bình Thành', 'Bình Tấn', 'Thạnh Mỹ', 'Thạnh Hòa', 'Thạnh Phú', 'Tân Thanh'];
    const alsoLeftOut = ['Hưng Thạnh', 'An Bình', 'Nhị Mỹ', 'Long Hưng', 'Long Khánh', 'Thanh Bình', 'Tân Long', 'An Hòa'];
    expect([...leftOut, ...alsoLeftOut].filter((n) => listed.has(bare(n)))).toEqual([]);
  });
});
