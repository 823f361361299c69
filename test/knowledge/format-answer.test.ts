/**
 * Answers rendered from the real knowledge base: the short form fits chat channels and still carries
 * documents, time and fee; the full form carries everything, legal basis and sources included.
 */
import { join } from 'node:path';
import { clip, DEFAULT_VOICE, formatProcedureAnswer, formatServiceAnswer, SHORT_ANSWER_MAX } from '../../src/knowledge/format-answer';
import { voiceOf } from '../../src/knowledge/view';
import { loadBotDefinition } from '../../src/bot/definition';
import { readKnowledge } from '../../src/knowledge/read-files';
import { Procedure, QUICK_REPLY_TITLE_MAX, type KnowledgeSeed } from '../../src/knowledge/schema';

let seed: KnowledgeSeed;
beforeAll(() => {
  seed = readKnowledge(join(__dirname, '../../knowledge'));
});
// Most checks loop over the seed: one that found nothing to check must fail, not pass empty.
beforeEach(() => expect.hasAssertions());

/** The start of a text, enough to recognise it after clipping (clipping keeps at least half the budget). */
const opening = (s: string) => s.slice(0, 24);
const has = (text: string, part: string) => text.includes(part);
const ASK_MORE = DEFAULT_VOICE.askMore;

describe('short answers (chat channels)', () => {
  test(`fit in ${SHORT_ANSWER_MAX} characters and carry documents, processing time and fee`, () => {
    for (const p of seed.procedures) {
      const { text, quickReplies } = formatProcedureAnswer(p, 'short');
      const check = {
        intent: p.intent,
        fits: text.length <= SHORT_ANSWER_MAX,
        title: text.startsWith(p.title),
        documents: text.includes('Hồ sơ chính:') && has(text, opening(p.documents[0])),
        time: text.includes('Thời hạn giải quyết:') && has(text, opening(p.processing_time)),
        fee: text.includes('Phí, lệ phí:') && has(text, opening(p.fee)),
        where: text.includes('Nơi nộp, cách nộp:'),
        online: p.online_url === null || text.includes(p.online_url),
        closes: text.endsWith(ASK_MORE),
      };
      expect(check).toEqual({ intent: p.intent, fits: true, title: true, documents: true, time: true, fee: true, where: true, online: true, closes: true });
      expect(quickReplies.map((q) => q.payload)).toEqual([`detail:${p.intent}`, 'ask_more', 'handover']);
      for (const q of quickReplies) expect(q.title.length).toBeLessThanOrEqual(QUICK_REPLY_TITLE_MAX);
    }
  });

  test('even an overlong procedure is cut to the limit and still ends with the question', () => {
    const long = 'Một câu rất dài về thủ tục hành chính được lặp lại nhiều lần. '.repeat(40);
    const p = Procedure.parse({
      ...seed.procedures[0],
      summary: long,
      documents: Array.from({ length: 8 }, () => long),
      processing_time: long,
      fee: long,
      where: [long, long, long, long],
    });
    const { text } = formatProcedureAnswer(p, 'short');
    expect(text.length).toBeLessThanOrEqual(SHORT_ANSWER_MAX);
    expect(text.endsWith(ASK_MORE)).toBe(true);
  });
});

describe('full answers (e-mail, "Xem chi tiết")', () => {
  test('carry the agency, every document, the legal basis, recent changes, sources and the review date', () => {
    for (const p of seed.procedures) {
      const { text, quickReplies } = formatProcedureAnswer(p, 'full');
      const missing = [p.agency, p.processing_time, p.fee, ...p.documents, ...p.where, ...p.legal_basis, ...p.recent_changes, ...p.notes, ...p.sources].filter(
        (part) => !text.includes(part),
      );
      expect({ intent: p.intent, missing }).toEqual({ intent: p.intent, missing: [] });
      expect(text).toContain('CĂN CỨ PHÁP LÝ');
      expect(text).toContain('NGUỒN THAM KHẢO');
      const [y, m, d] = p.last_reviewed.split('-');
      expect(text).toContain(`rà soát ngày ${d}/${m}/${y}`);
      expect(quickReplies.map((q) => q.payload)).toEqual(['ask_more', 'handover']);
    }
  });

  test('never show the editors’ review notes to citizens', () => {
    for (const p of seed.procedures) {
      const full = formatProcedureAnswer(p, 'full').text;
      const short = formatProcedureAnswer(p, 'short').text;
      for (const note of p.review_notes) expect([p.intent, full.includes(note) || short.includes(note)]).toEqual([p.intent, false]);
      expect(full).not.toMatch(/UNSOURCED|not found|2026-VERIFY/);
    }
  });

  test('address citizens in the bot’s register, closing with its question', () => {
    const def = loadBotDefinition(join(__dirname, '../../bots/dongthap-1022'));
    expect(voiceOf(def)).toEqual(DEFAULT_VOICE);
    expect(DEFAULT_VOICE).toEqual({ register: 'anh/chị', askMore: 'Anh/chị cần hỏi thêm gì không?' });
    // Without its own closing question, a bot still closes in its register.
    const { ask_more: _, ...others } = def.messages;
    expect(voiceOf({ ...def, register: 'Quý khách', messages: others }).askMore).toBe('Quý khách cần hỏi thêm gì không?');
    const voice = { register: 'Quý khách', askMore: 'Quý khách cần hỏi thêm gì không?' };
    // A procedure whose own texts do not address the citizen: every form of address is then the answer's.
    const plain = seed.procedures.find((x) => !JSON.stringify(x).toLowerCase().includes('anh/chị'))!;
    const offline = plain.where.filter((w) => !/trực tuyến|online|dichvucong|https?:/i.test(w));
    const p = Procedure.parse({ ...plain, online_url: null, where: offline.length > 0 ? offline : ['Bộ phận Một cửa cấp xã.'] });
    const full = formatProcedureAnswer(p, 'full', { voice }).text;
    const online = formatProcedureAnswer(p, 'short', { voice, aspects: ['truc_tuyen'] }).text;
    expect(full).toContain('Quý khách vui lòng đối chiếu tại nơi nộp hồ sơ');
    expect(online).toContain('Quý khách vui lòng nộp theo các cách');
    for (const text of [full, online]) {
      expect(text.endsWith(voice.askMore)).toBe(true);
      expect(text.toLowerCase()).not.toContain('anh/chị');
    }
  });
});

describe('service answers', () => {
  test('fill {next_open} and keep the quick replies', () => {
    const s = { id: 'x', intent: 'gap_tong_dai_vien', field: null, text: 'Tổng đài viên trở lại lúc {next_open}. {unknown}', quick_replies: [{ title: 'Gặp tổng đài viên', payload: 'handover' }] };
    expect(formatServiceAnswer(s, { next_open: '07:00 thứ Hai, 24/11/2026' })).toEqual({
      text: 'Tổng đài viên trở lại lúc 07:00 thứ Hai, 24/11/2026. {unknown}',
      quickReplies: [{ title: 'Gặp tổng đài viên', payload: 'handover' }],
    });
    expect(formatServiceAnswer(s).text).toBe('Tổng đài viên trở lại lúc giờ làm việc kế tiếp. {unknown}');
  });

  test('every real service answer renders to non-empty text without stray placeholders', () => {
    for (const s of seed.services) {
      const { text } = formatServiceAnswer(s, { next_open: '07:00 thứ Hai, 24/11/2026' });
      expect(text.length).toBeGreaterThan(20);
      expect(text).not.toMatch(/\{[a-z_]+\}/);
    }
  });
});

test('clip cuts at a sentence end when one is near, else at a word with an ellipsis', () => {
  expect(clip('Câu một. Câu hai dài hơn nhiều.', 12)).toBe('Câu một.');
  expect(clip('một hai ba bốn năm sáu bảy', 12)).toBe('một hai ba…');
  expect(clip('ngắn', 12)).toBe('ngắn');
});
