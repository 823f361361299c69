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
});
