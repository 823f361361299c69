/**
 * The real knowledge base in `knowledge/`: it loads without a single problem, covers every intent of
 * `intents.md`, and holds what the bot relies on (service answers, ticket fields, quick replies that fit).
 */
import { join } from 'node:path';
import { readKnowledge } from '../../src/knowledge/read-files';
import { PROCEDURE_INTENTS, QUICK_REPLY_TITLE_MAX, SERVICE_INTENTS, type KnowledgeSeed } from '../../src/knowledge/schema';
import { foldDiacritics } from '../../src/nlu/fold';

const KNOWLEDGE_DIR = join(__dirname, '../../knowledge');

/** Service answers the dialogue policy fetches by intent (src/bot/policy.ts). */
const POLICY_SERVICE_ANSWERS = ['khan_cap_113', 'khan_cap_114', 'khan_cap_115', 'chao_hoi', 'cam_on_tam_biet', 'thong_tin_tong_dai', 'tra_cuu_ho_so', 'khieu_nai_to_cao'];

/** Ticket fields the code sets by itself (policy emergencies, report keywords, knowledge-view defaults). */
const CODE_FIELDS = [
  'ha_tang_dien',
  'ha_tang_nuoc',
  'ha_tang_chieu_sang',
  'moi_truong',
  'ha_tang_giao_thong',
  'vien_thong',
  'trat_tu_do_thi',
  'thi_truong',
  'thai_do_can_bo',
  'an_ninh_trat_tu',
  'pccc_cuu_nan',
  'y_te',
];

/** The field of each procedure intent in `intents.md`. */
const INTENT_FIELDS: Record<string, string> = {
  tt_khai_sinh: 'ho_tich',
  tt_khai_tu: 'ho_tich',
  tt_ket_hon: 'ho_tich',
  tt_xac_nhan_hon_nhan: 'ho_tich',
  tt_trich_luc_ho_tich: 'ho_tich',
  tt_cai_chinh_ho_tich: 'ho_tich',
  tt_nhan_cha_me_con: 'ho_tich',
  tt_thuong_tru: 'cu_tru',
  tt_tam_tru: 'cu_tru',
  tt_can_cuoc: 'cu_tru',
  tt_dinh_danh_dien_tu: 'cu_tru',
  tt_ho_chieu: 'cu_tru',
  tt_chung_thuc_ban_sao: 'tu_phap',
  tt_chung_thuc_chu_ky: 'tu_phap',
  tt_ly_lich_tu_phap: 'tu_phap',
  tt_doi_gplx: 'giao_thong',
  tt_sat_hach_gplx: 'giao_thong',
  tt_dang_ky_xe: 'giao_thong',
  tt_cap_so_do: 'dat_dai',
  tt_chuyen_nhuong_dat: 'dat_dai',
  tt_giay_phep_xay_dung: 'xay_dung',
  tt_ho_kinh_doanh: 'kinh_doanh',
  tt_thanh_lap_doanh_nghiep: 'kinh_doanh',
  tt_an_toan_thuc_pham: 'y_te',
  tt_tro_cap_that_nghiep: 'lao_dong',
  tt_bhxh_mot_lan: 'bao_hiem',
  tt_the_bhyt: 'bao_hiem',
  tt_tro_cap_xa_hoi: 'an_sinh',
  tt_tuyen_sinh: 'giao_duc',
  tt_ban_sao_van_bang: 'giao_duc',
  tt_nop_ho_so_truc_tuyen: 'dvc',
  tt_buu_chinh_cong_ich: 'dvc',
  tt_thanh_toan_truc_tuyen: 'dvc',
};

/** Placeholders `formatServiceAnswer` is given by the bot (src/knowledge/view.ts). */
const KNOWN_PLACEHOLDERS = new Set(['next_open']);

let seed: KnowledgeSeed;
beforeAll(() => {
  seed = readKnowledge(KNOWLEDGE_DIR);
});
// Most checks loop over the seed: one that found nothing to check must fail, not pass empty.
beforeEach(() => expect.hasAssertions());

/** Every string in a value, deeply. */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe('the knowledge directory', () => {
  test('loads with no problem', () => {
    expect(() => readKnowledge(KNOWLEDGE_DIR)).not.toThrow();
  });

  test('has one procedure for each of the 33 procedure intents, in its field', () => {
    expect(PROCEDURE_INTENTS).toHaveLength(33);
    expect(seed.procedures.map((p) => p.intent).sort()).toEqual([...PROCEDURE_INTENTS].sort());
    for (const p of seed.procedures) expect([p.intent, p.field]).toEqual([p.intent, INTENT_FIELDS[p.intent]]);
  });

  test('has an answer for every service intent (its id is the intent), and for every one the policy asks for', () => {
    const ids = new Set(seed.services.map((s) => s.id));
    for (const intent of SERVICE_INTENTS) {
      expect(ids.has(intent)).toBe(true);
      expect(seed.services.find((s) => s.id === intent)?.intent).toBe(intent);
    }
    for (const id of POLICY_SERVICE_ANSWERS) expect(ids.has(id)).toBe(true);
  });

  test('every field code used by procedures, services, agencies and the code exists in fields.csv', () => {
    const fields = new Set(seed.fields.map((f) => f.code));
    const used = [
      ...seed.procedures.map((p) => p.field),
      ...seed.services.flatMap((s) => (s.field ? [s.field] : [])),
      ...seed.agencies.flatMap((a) => a.fields),
      ...CODE_FIELDS,
      ...Object.values(INTENT_FIELDS),
    ];
    expect(used.filter((f) => !fields.has(f))).toEqual([]);
  });

  test('every agency code a procedure or agency refers to exists', () => {
    const codes = new Set(seed.agencies.map((a) => a.code));
    const used = [...seed.procedures.flatMap((p) => p.agency_codes), ...seed.agencies.flatMap((a) => (a.parent ? [a.parent] : []))];
    expect(used.filter((c) => !codes.has(c))).toEqual([]);
  });

  test('procedures are dated, sourced and point to a real portal when they can be done online', () => {
    for (const p of seed.procedures) {
      expect(p.last_reviewed).toMatch(/^20\d\d-\d\d-\d\d$/);
      expect(p.sources.length).toBeGreaterThan(0);
      expect(p.legal_basis.length).toBeGreaterThan(0);
      if (p.online_url) expect(p.online_url).toMatch(/^https:\/\/(dichvucong\.gov\.vn|www\.pay\.gov\.vn)/);
    }
  });

  test('quick-reply titles fit in 20 characters, procedure titles too (they become buttons when the bot asks which one)', () => {
    for (const s of seed.services) for (const q of s.quick_replies) expect([q.title, q.title.length <= QUICK_REPLY_TITLE_MAX]).toEqual([q.title, true]);
    for (const p of seed.procedures) expect([p.title, p.title.length <= QUICK_REPLY_TITLE_MAX]).toEqual([p.title, true]);
  });

  test('quick replies carry payloads the policy understands', () => {
    const intents = new Set<string>([...PROCEDURE_INTENTS, ...SERVICE_INTENTS]);
    for (const s of seed.services) {
      for (const q of s.quick_replies) {
        const ok = q.payload === 'handover' || q.payload === 'ask_more' || (/^(intent|detail):/.test(q.payload) && intents.has(q.payload.split(':')[1]));
        expect([s.id, q.payload, ok]).toEqual([s.id, q.payload, true]);
      }
    }
  });

  test('service texts use only placeholders the bot fills', () => {
    for (const s of seed.services) {
      const names = [...s.text.matchAll(/\{([a-z_]+)\}/g)].map((m) => m[1]);
      expect(names.filter((n) => !KNOWN_PLACEHOLDERS.has(n))).toEqual([]);
    }
  });

  test('all text is NFC, so diacritics folding and matching see one spelling', () => {
    const all = strings(seed);
    expect(all.filter((t) => t !== t.normalize('NFC'))).toEqual([]);
  });

  test('emergency answers send the citizen to the right number at once', () => {
    const text = (id: string) => seed.services.find((s) => s.id === id)!.text;
    expect(text('khan_cap_113')).toMatch(/GỌI NGAY 113/);
    expect(text('khan_cap_114')).toMatch(/GỌI NGAY 114/);
    expect(text('khan_cap_114')).toMatch(/112/);
    expect(text('khan_cap_115')).toMatch(/GỌI NGAY 115/);
  });

  test('the complaint answer explains the formal route instead of opening a 1022 ticket', () => {
    const t = seed.services.find((s) => s.id === 'khieu_nai_to_cao')!.text;
    expect(t).toMatch(/Luật Khiếu nại/);
    expect(t).toMatch(/Luật Tố cáo/);
    expect(t).toMatch(/Ban Tiếp công dân/);
    expect(t).toMatch(/không giải quyết qua Tổng đài 1022/);
  });

  test('fields have unique codes and sort orders', () => {
    expect(new Set(seed.fields.map((f) => f.code)).size).toBe(seed.fields.length);
    expect(new Set(seed.fields.map((f) => f.sort_order)).size).toBe(seed.fields.length);
  });
});

describe('agencies', () => {
  test('cover departments, vertical agencies and the 102 communes and wards of the new province', () => {
    const kinds = (k: string) => seed.agencies.filter((a) => a.kind === k);
    expect(kinds('department').length).toBeGreaterThanOrEqual(10);
    expect(kinds('vertical').map((a) => a.code)).toEqual(expect.arrayContaining(['cong_an_tinh', 'bhxh_tinh', 'thue_tinh']));
    expect(kinds('commune')).toHaveLength(102);
    expect(kinds('commune').filter((a) => a.code.startsWith('phuong_'))).toHaveLength(20);
    for (const code of ['phuong_cao_lanh', 'phuong_sa_dec', 'phuong_my_tho', 'phuong_go_cong', 'phuong_dao_thanh']) {
      expect(seed.agencies.some((a) => a.code === code)).toBe(true);
    }
  });

  test('every ticket field of an infrastructure or report has someone to forward it to', () => {
    for (const f of CODE_FIELDS) expect([f, seed.agencies.some((a) => a.kind !== 'commune' && a.fields.includes(f))]).toEqual([f, true]);
  });

  test('commune aliases are unambiguous once diacritics are folded, and long enough to be matched', () => {
    const owner = new Map<string, string>();
    for (const a of seed.agencies.filter((x) => x.kind === 'commune')) {
      for (const alias of a.aliases) {
        const f = foldDiacritics(alias);
        expect([alias, f.length >= 4]).toEqual([alias, true]);
        const before = owner.get(f);
        expect([alias, before ?? a.code]).toEqual([alias, a.code]);
        owner.set(f, a.code);
      }
    }
  });

  test('the ward list says it is partial and importable', () => {
    const notes = seed.agencies.find((a) => a.code === 'ubnd_tinh')?.notes ?? '';
    expect(notes).toMatch(/1663\/NQ-UBTVQH15/);
    expect(notes).toMatch(/một phần/);
  });
});
