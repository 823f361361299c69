/**
 * write-files → read-files is lossless: for the real knowledge base and for awkward values (YAML
 * keywords, quotes, commas, line breaks, empty lists, nulls), and a second write gives the same bytes.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readKnowledge } from '../../src/knowledge/read-files';
import type { KnowledgeSeed } from '../../src/knowledge/schema';
import { writeKnowledge } from '../../src/knowledge/write-files';
import { tempDirs } from '../support/temp-dirs';

const KNOWLEDGE_DIR = join(__dirname, '../../knowledge');

const tempDir = tempDirs('kb-rt-');

/** Every file of a knowledge directory with its bytes, by relative path. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of ['services.yml', 'fields.csv', 'agencies.csv']) out[f] = readFileSync(join(dir, f), 'utf8');
  for (const f of readdirSync(join(dir, 'procedures')).sort()) out[`procedures/${f}`] = readFileSync(join(dir, 'procedures', f), 'utf8');
  return out;
}

/** A seed full of values that trip YAML and CSV writers. */
function awkwardSeed(): KnowledgeSeed {
  return {
    procedures: [
      {
        intent: 'tt_khai_sinh',
        title: 'yes',
        field: 'ho_tich',
        summary: 'null',
        agency: '- không phải một danh sách',
        level: 'xa',
        agency_codes: ['xa_a'],
        documents: ['Tờ khai: "mẫu mới"', '# không phải chú thích', '1.0', '@ký hiệu', "Dấu nháy 'đơn'", 'Hai dòng\nthứ hai'],
        processing_time: '03 ngày làm việc',
        fee: '2.000 đ/trang; tối đa 200.000 đ',
        where: ['{ không phải object }', '[không phải mảng]'],
        online_url: null,
        legal_basis: ['Luật Hộ tịch: Điều 16'],
        recent_changes: [],
        notes: ['Lưu ý ~ & * ! % |'],
        review_notes: [],
        sources: ['https://dichvucong.gov.vn/p/home/dvc-trang-chu.html?a=1&b=2#x'],
        last_reviewed: '2026-11-23',
      },
    ],
    services: [
      { id: 'chao_hoi', intent: 'chao_hoi', field: null, text: 'Xin chào!\n\nDòng sau một dòng trống: {next_open}', quick_replies: [{ title: 'true', payload: 'intent:tra_cuu_ho_so' }] },
      { id: 'vi_pham', intent: 'vi_pham', field: 'ho_tich', text: 'off', quick_replies: [] },
    ],
    fields: [
      { code: 'ho_tich', name: 'Hộ tịch, "khai sinh"', sort_order: -5 },
      { code: 'khac', name: 'Khác', sort_order: 900 },
    ],
    agencies: [
      { code: 'xa_a', name: 'UBND xã A, "mới"', kind: 'commune', parent: null, phone: '1900.0368', email: 'a@b.vn', fields: ['ho_tich', 'khac'], aliases: ['xã A', 'A, cũ'], notes: 'Hai dòng\nvà "nháy"' },
      { code: 'xa_b', name: 'UBND xã B', kind: 'commune', parent: 'xa_a', phone: null, email: null, fields: [], aliases: [], notes: null },
    ],
  };
}

test.each([
  ['the real knowledge base', () => readKnowledge(KNOWLEDGE_DIR)],
  ['awkward values', awkwardSeed],
])('%s: write → read gives the seed back unchanged, and rewriting gives the same bytes', (_what, makeSeed) => {
  const seed = makeSeed();
  const first = tempDir();
  writeKnowledge(first, seed);
  expect(readKnowledge(first)).toEqual(seed);
  const second = tempDir();
  writeKnowledge(second, readKnowledge(first));
  expect(snapshot(second)).toEqual(snapshot(first));
});

test('writing removes procedure files of intents no longer in the seed, and nothing else', () => {
  const dir = tempDir();
  const seed = awkwardSeed();
  writeKnowledge(dir, seed);
  writeFileSync(join(dir, 'procedures', 'tt_khai_tu.yml'), 'intent: tt_khai_tu\n');
  writeFileSync(join(dir, 'procedures', 'README.txt'), 'giữ lại');
  writeKnowledge(dir, seed);
  expect(existsSync(join(dir, 'procedures', 'tt_khai_tu.yml'))).toBe(false);
  expect(existsSync(join(dir, 'procedures', 'README.txt'))).toBe(true);
  expect(readKnowledge(dir)).toEqual(seed);
});
