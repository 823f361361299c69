/**
 * Reading an invalid knowledge directory: every problem is reported at once, each with its file
 * (and CSV line) and the field to fix. Real files in a temporary directory, no mocks.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { KnowledgeError, readKnowledge } from '../../src/knowledge/read-files';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kb-read-'));
  mkdirSync(join(dir, 'procedures'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** A valid procedure, to be spoiled by each test. */
function procedure(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    intent: 'tt_khai_sinh',
    title: 'Đăng ký khai sinh',
    field: 'ho_tich',
    summary: 'Tóm tắt.',
    agency: 'UBND xã, phường.',
    level: 'xa',
    documents: ['Tờ khai.'],
    processing_time: 'Ngay trong ngày.',
    fee: 'Miễn lệ phí.',
    where: ['Bộ phận Một cửa.'],
    online_url: 'https://dichvucong.gov.vn',
    legal_basis: ['Luật Hộ tịch 2014.'],
    sources: ['https://dichvucong.gov.vn'],
    last_reviewed: '2026-11-23',
    ...over,
  };
}

const FIELDS_CSV = 'code,name,sort_order\nho_tich,Hộ tịch,10\nha_tang_dien,Hạ tầng: điện,20\n';
const AGENCIES_CSV = 'code,name,kind,parent,phone,email,fields,aliases,notes\nubnd_tinh,UBND tỉnh,other,,,,,,\nphuong_cao_lanh,UBND phường Cao Lãnh,commune,ubnd_tinh,,,ho_tich,phường Cao Lãnh;Cao Lãnh,\n';
const SERVICES = { answers: [{ id: 'chao_hoi', intent: 'chao_hoi', text: 'Xin chào!', quick_replies: [{ title: 'Gặp tổng đài viên', payload: 'handover' }] }] };

function writeValid(): void {
  writeFileSync(join(dir, 'procedures', 'tt_khai_sinh.yml'), YAML.stringify(procedure()));
  writeFileSync(join(dir, 'services.yml'), YAML.stringify(SERVICES));
  writeFileSync(join(dir, 'fields.csv'), FIELDS_CSV);
  writeFileSync(join(dir, 'agencies.csv'), AGENCIES_CSV);
}

/** The problems `readKnowledge` reports for `dir` (fails the test if it does not throw). */
function problems(): string[] {
  try {
    readKnowledge(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(KnowledgeError);
    return (err as KnowledgeError).problems;
  }
  throw new Error('readKnowledge accepted an invalid directory');
}

test('a small valid directory loads, with defaults filled in', () => {
  writeValid();
  const seed = readKnowledge(dir);
  expect(seed.procedures[0]).toMatchObject({ intent: 'tt_khai_sinh', agency_codes: [], recent_changes: [], notes: [], review_notes: [] });
  expect(seed.services[0]).toMatchObject({ id: 'chao_hoi', field: null });
  expect(seed.fields).toEqual([
    { code: 'ho_tich', name: 'Hộ tịch', sort_order: 10 },
    { code: 'ha_tang_dien', name: 'Hạ tầng: điện', sort_order: 20 },
  ]);
  expect(seed.agencies[1]).toEqual({
    code: 'phuong_cao_lanh',
    name: 'UBND phường Cao Lãnh',
    kind: 'commune',
    parent: 'ubnd_tinh',
    phone: null,
    email: null,
    fields: ['ho_tich'],
    aliases: ['phường Cao Lãnh', 'Cao Lãnh'],
    notes: null,
  });
});

test('missing files and folders are named', () => {
  rmSync(join(dir, 'procedures'), { recursive: true });
  const p = problems();
  expect(p).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^procedures\/: folder not found/),
      expect.stringMatching(/^services\.yml: file not found/),
      expect.stringMatching(/^fields\.csv: file not found/),
      expect.stringMatching(/^agencies\.csv: file not found/),
    ]),
  );
});

test('a procedure with bad values is reported by file and field, every problem at once', () => {
  writeValid();
  const { documents: _drop, ...noDocs } = procedure({ level: 'huyen', fee: '   ', online_url: 'dichvucong.gov.vn', last_reviewed: '23/11/2026', extra: 1 });
  void _drop;
  writeFileSync(join(dir, 'procedures', 'tt_khai_sinh.yml'), YAML.stringify(noDocs));
  const p = problems();
  const file = (field: string) => expect.stringMatching(new RegExp(`^procedures/tt_khai_sinh\\.yml: field "${field.replace('.', '\\.')}"`));
  expect(p).toEqual(expect.arrayContaining([file('documents'), file('level'), file('fee'), file('online_url'), file('last_reviewed'), expect.stringMatching(/procedures\/tt_khai_sinh\.yml: field "\(root\)".*extra/)]));
});

test('a procedure whose file name and intent disagree, and a YAML syntax error, are reported', () => {
  writeValid();
  writeFileSync(join(dir, 'procedures', 'tt_khai_tu.yml'), YAML.stringify(procedure()));
  writeFileSync(join(dir, 'procedures', 'tt_ket_hon.yml'), 'intent: tt_ket_hon\ntitle: [unclosed\n');
  const p = problems();
  expect(p).toEqual(
    expect.arrayContaining([
      'procedures/tt_khai_tu.yml: field "intent": is "tt_khai_sinh" but the file name says "tt_khai_tu"',
      expect.stringMatching(/^procedures\/tt_ket_hon\.yml: YAML syntax: /),
    ]),
  );
});

test('a quick reply longer than 20 characters is reported with its path in services.yml', () => {
  writeValid();
  writeFileSync(
    join(dir, 'services.yml'),
    YAML.stringify({ answers: [{ id: 'chao_hoi', intent: 'chao_hoi', text: 'Xin chào!', quick_replies: [{ title: 'Một nút bấm quá dài để hiển thị', payload: 'handover' }] }] }),
  );
  expect(problems()).toEqual([expect.stringMatching(/^services\.yml: field "answers\.0\.quick_replies\.0\.title": must be at most 20 characters/)]);
});

test('bad CSV rows are reported with the file, the line and the column', () => {
  writeValid();
  writeFileSync(join(dir, 'fields.csv'), 'code,name,sort_order\nho_tich,Hộ tịch,10\nHa Tang,Hạ tầng,mười\n');
  writeFileSync(
    join(dir, 'agencies.csv'),
    'code,name,kind,parent,phone,email,fields,aliases,notes\nubnd_tinh,UBND tỉnh,other,,,,,,\nxa_a,UBND xã A,huyen,ubnd_tinh,,not-an-email,ho_tich,,\n',
  );
  const p = problems();
  expect(p).toEqual(
    expect.arrayContaining([
      expect.stringMatching(/^fields\.csv:3: field "code": must be a lower-case code/),
      expect.stringMatching(/^fields\.csv:3: field "sort_order": /),
      expect.stringMatching(/^agencies\.csv:3: field "kind": /),
      expect.stringMatching(/^agencies\.csv:3: field "email": must be an e-mail address/),
    ]),
  );
});

test('CSV syntax errors and unknown or missing columns are reported', () => {
  writeValid();
  writeFileSync(join(dir, 'fields.csv'), 'code,name,sort_order\nho_tich,"Hộ tịch,10\n');
  writeFileSync(join(dir, 'agencies.csv'), 'code,name,kind,parent,phone,email,fields,aliases,notes,website\nubnd_tinh,UBND tỉnh,other,,,,,,,x\n');
  const p = problems();
  expect(p).toEqual(expect.arrayContaining(['fields.csv: line 2: a quoted field is not closed', 'agencies.csv: unknown column(s) "website"']));

  writeFileSync(join(dir, 'fields.csv'), 'code,name\nho_tich,Hộ tịch\n');
  writeFileSync(join(dir, 'agencies.csv'), AGENCIES_CSV);
  expect(problems()).toEqual(['fields.csv: line 1: the header lacks column "sort_order"']);
});

test('references to unknown fields and agencies, and duplicate keys, are reported', () => {
  writeValid();
  writeFileSync(join(dir, 'procedures', 'tt_khai_sinh.yml'), YAML.stringify(procedure({ field: 'ho_tich_cu', agency_codes: ['ubnd_tinh', 'so_khong_co'] })));
  writeFileSync(join(dir, 'services.yml'), YAML.stringify({ answers: [SERVICES.answers[0], { ...SERVICES.answers[0], field: 'khong_co' }] }));
  writeFileSync(join(dir, 'fields.csv'), `${FIELDS_CSV}ho_tich,Hộ tịch lần hai,30\n`);
  writeFileSync(join(dir, 'agencies.csv'), `${AGENCIES_CSV}xa_b,UBND xã B,commune,khong_co,,,dien,,\n`);
  expect(problems()).toEqual(
    expect.arrayContaining([
      'services.yml: id "chao_hoi" appears twice',
      'fields.csv: code "ho_tich" appears twice',
      'procedures/tt_khai_sinh.yml: field "field": unknown field code "ho_tich_cu" (see fields.csv)',
      'procedures/tt_khai_sinh.yml: field "agency_codes.1": unknown agency code "so_khong_co" (see agencies.csv)',
      'services.yml: field "answers.1.field": unknown field code "khong_co" (see fields.csv)',
      'agencies.csv: agency "xa_b": column "parent": unknown agency code "khong_co"',
      'agencies.csv: agency "xa_b": column "fields": unknown field code "dien"',
    ]),
  );
});

test('the error message lists every problem, one per line', () => {
  writeValid();
  writeFileSync(join(dir, 'fields.csv'), 'code,name,sort_order\nho_tich,,x\n');
  try {
    readKnowledge(dir);
    throw new Error('should have thrown');
  } catch (err) {
    const e = err as KnowledgeError;
    expect(e.message).toMatch(/^Invalid knowledge base \(\d+ problems?\):\n- /);
    for (const p of e.problems) expect(e.message).toContain(`- ${p}`);
  }
});
