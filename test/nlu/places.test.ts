/** Communes and wards named in citizens' texts: current names and aliases, former names, diacritics or not. */
import { resolve } from 'node:path';
import { PlaceMatcher, readFormerNames } from '../../src/nlu/places';
import { foldDiacritics } from '../../src/nlu/fold';
import { readKnowledge } from '../../src/knowledge/read-files';

const knowledge = readKnowledge(resolve('knowledge'));
const communes = knowledge.agencies.filter((a) => a.kind === 'commune');
const former = readFormerNames(resolve('knowledge'));
const matcher = new PlaceMatcher(
  communes.map((a) => ({ code: a.code, names: [a.name, ...a.aliases] })),
  former,
);
const first = (text: string) => matcher.find(text)[0]?.code ?? null;
/** A name folded, without its kind: "xã Tân Thành B" → "tan thanh b". */
const bare = (n: string) => foldDiacritics(n).replace(/^(ubnd )?(xa|phuong|thi tran) /, '');

describe('the province’s 102 communes and wards', () => {
  test('the directory has them all, each found by its own name with and without diacritics', () => {
    expect(communes).toHaveLength(102);
    for (const a of communes) {
      const name = a.name.replace(/^UBND /, '');
      expect([a.code, first(`Tôi ở ${name} muốn phản ánh`)]).toEqual([a.code, a.code]);
      // Without diacritics a few names are the same words ("Tân Thạnh", "Tân Thành"): the unit is among those found.
      const folded = matcher.find(`toi o ${foldDiacritics(name)} muon phan anh`).map((m) => m.code);
      expect([a.code, folded.includes(a.code)]).toEqual([a.code, true]);
      expect(folded.length).toBeLessThanOrEqual(2);
    }
  });

  test('diacritics decide between names that fold alike', () => {
    expect(first('đèn đường ở xã Tân Thạnh hư')).toBe('xa_tan_thanh_thanh_binh');
    expect(first('đèn đường ở xã Tân Thành hư')).toBe('xa_tan_thanh_tan_hong');
  });

  test('abbreviations of the kind: x., p., TT', () => {
    expect(first('nhà ở P.An Bình gần chợ')).toBe('phuong_an_binh');
    expect(first('ap 3 x. Tan Hong ngap nuoc')).toBe('xa_tan_hong');
  });

  test('the longest name wins: "xã Tân Thành B" (former) is not "xã Tân Thành"', () => {
    expect(first('đường vào ấp 1 xã Tân Thành B bị sạt lở')).toBe('xa_tan_ho_co');
    expect(first('đường vào ấp 1 xã Tân Thành bị sạt lở')).toBe('xa_tan_thanh_tan_hong');
    expect(matcher.find('xa tan thanh b')[0]).toEqual({ code: 'xa_tan_ho_co', matched: 'xa tan thanh b', former: true });
  });

  test('former units (before 1/7/2025) lead to the unit that replaced them', () => {
    expect(first('Thị trấn Sa Rài mất điện từ tối qua')).toBe('xa_tan_hong');
    expect(first('phuong an binh a co ổ gà lớn')).toBe('phuong_an_binh');
    expect(first('khóm 2 phường An Lộc')).toBe('phuong_an_binh');
    expect(first('phường An Thạnh cũ')).toBe('phuong_hong_ngu');
  });

  test('former units of Đồng Tháp (Nghị quyết 27/NQ-HĐND, 1663/NQ-UBTVQH15), with and without diacritics', () => {
    expect(first('ấp Long Thạnh xã Long Khánh A bị sạt lở bờ sông')).toBe('xa_long_khanh');
    expect(first('ap long thanh xa long khanh b sat lo')).toBe('xa_long_khanh');
    expect(first('đường ở xã Thường Phước 1 hư')).toBe('xa_thuong_phuoc');
    expect(first('nha o x. tan cong sinh bi ngap')).toBe('xa_tram_chim');
    expect(first('xa phu thanh a mat dien')).toBe('xa_phu_tho');
    expect(first('xã Phú Thành B')).toBe('xa_an_hoa');
    expect(first('Tôi ở xã Thạnh Lợi, huyện Tháp Mười cũ')).toBe('xa_truong_xuan');
    expect(matcher.find('xa phu hiep')[0]).toEqual({ code: 'xa_tam_nong', matched: 'xa phu hiep', former: true });
    // Thanh Bình: xã Phú Lợi is now part of xã Tân Thạnh (not xã Tân Thành of Tân Hồng).
    expect(first('cầu ở xã Phú Lợi bị sụt lún')).toBe('xa_tan_thanh_thanh_binh');
    expect(first('cau o xa phu loi bi sut lun')).toBe('xa_tan_thanh_thanh_binh');
  });

  test('former units of Tiền Giang (now Đồng Tháp), with and without diacritics', () => {
    expect(first('cống ở xã Tân Bình Thạnh bị vỡ')).toBe('xa_my_tinh_an');
    expect(first('cong o xa tan binh thanh bi vo')).toBe('xa_my_tinh_an');
    expect(first('nước ngập xã Phú Kiết')).toBe('xa_luong_hoa_lac');
    expect(first('x. Long Binh Dien bi ngap')).toBe('xa_cho_gao');
    expect(first('ấp 3 xã Điềm Hy mất điện')).toBe('xa_binh_trung');
    expect(first('xa phu dong huyen tan phu dong cu')).toBe('xa_tan_phu_dong');
    expect(first('khu phố 3 phường Long Hòa, Gò Công')).toBe('phuong_go_cong');
    expect(first('p long hoa go cong')).toBe('phuong_go_cong');
    // Cái Bè: Mỹ Trung and Thiện Trung are now xã Mỹ Thiện; Cai Lậy: Mỹ Thành Nam/Bắc and Phú Nhuận are xã Mỹ Thành.
    expect(first('ấp Mỹ Thị A xã Mỹ Trung mất điện')).toBe('xa_my_thien');
    expect(first('ap my thi a xa my trung mat dien')).toBe('xa_my_thien');
    expect(first('x. Thien Trung ngap nuoc')).toBe('xa_my_thien');
    expect(first('đường ấp 7 xã Phú Nhuận hư')).toBe('xa_my_thanh');
    expect(matcher.find('xa my thanh nam')[0]).toEqual({ code: 'xa_my_thanh', matched: 'xa my thanh nam', former: true });
    // Mỹ Tho: xã Thới Sơn (and phường 6) are now phường Thới Sơn.
    expect(matcher.find('cồn Thới Sơn thuộc xã Thới Sơn cũ')[0]).toEqual({ code: 'phuong_thoi_son', matched: 'xa thoi son', former: true });
    expect(matcher.find('xa thoi son')[0]).toEqual({ code: 'phuong_thoi_son', matched: 'xa thoi son', former: true });
  });

  test('numbered wards are former names only with their city ("phường 2 Mỹ Tho"), never bare', () => {
    expect(matcher.find('nhà ở phường 2 Mỹ Tho')[0]).toEqual({ code: 'phuong_my_tho', matched: 'phuong 2 my tho', former: true });
    expect(matcher.find('kp 3 p 5 go cong')[0]).toEqual({ code: 'phuong_go_cong', matched: 'p 5 go cong', former: true });
    // Phường 6 of Mỹ Tho went to phường Thới Sơn, not to the ward named after the city.
    expect(matcher.find('đèn đường phường 6 Mỹ Tho hư').map((m) => m.code)).toEqual(['phuong_thoi_son']);
    expect(matcher.find('den duong p 6 my tho hu')[0]).toEqual({ code: 'phuong_thoi_son', matched: 'p 6 my tho', former: true });
    expect(matcher.find('đèn đường phường 1 hư')).toEqual([]);
  });

  test('a former name inside a longer current or former one is not a mention of its own', () => {
    // "Phú Thành" (xã Phú Thành today) inside "xã Phú Thành A" (former, now xã Phú Thọ).
    expect(matcher.find('xã Phú Thành A').map((m) => m.code)).toEqual(['xa_phu_tho']);
    // "Bình Thành" (xã Bình Thành today, folded) inside "xa tan binh thanh" (former, now xã Mỹ Tịnh An).
    expect(matcher.find('xa tan binh thanh').map((m) => m.code)).toEqual(['xa_my_tinh_an']);
  });

  test('nothing for texts that name no unit, or only words shorter than a name', () => {
    expect(matcher.find('cho hỏi thủ tục làm căn cước')).toEqual([]);
    expect(matcher.find('an toàn thực phẩm')).toEqual([]);
  });

  test('ward-aliases.csv: every former name leads to a unit of the directory, never against the directory’s own names', () => {
    expect(former.length).toBeGreaterThan(0);
    const codes = new Set(communes.map((a) => a.code));
    const current = new Map(communes.flatMap((a) => [a.name.replace(/^UBND /, ''), ...a.aliases].map((n) => [n.toLowerCase(), a.code])));
    for (const f of former) {
      expect([f.name, codes.has(f.code)]).toEqual([f.name, true]);
      expect([f.name, current.get(f.name.toLowerCase()) ?? f.code]).toEqual([f.name, f.code]);
    }
  });

  test('ward-aliases.csv: names that several former units shared are never listed (knowledge/README.md, "Left out")', () => {
    const listed = new Set(former.map((f) => bare(f.name)));
    const shared = [
      'Tân Phước',
      'Tân Hội',
      'Bình Thạnh',
      'Tân Mỹ',
      'Tân Phú',
      'Tân Thạnh',
      'Mỹ Tân',
      'Tân Bình',
      'Mỹ Long',
      'Tân Thành',
      'Tân Hòa',
    ];
    expect(shared.filter((n) => listed.has(bare(n)))).toEqual([]);
  });

  test('ward-aliases.csv: no former name folds (diacritics and kind dropped) to a name of another unit, current or former', () => {
    const owners = new Map<string, Set<string>>();
    const own = (name: string, code: string) => owners.set(bare(name), (owners.get(bare(name)) ?? new Set()).add(code));
    for (const a of communes) for (const n of [a.name, ...a.aliases]) own(n, a.code);
    for (const f of former) own(f.name, f.code);
    for (const f of former) expect([f.name, [...owners.get(bare(f.name))!]]).toEqual([f.name, [f.code]]);
  });
});
