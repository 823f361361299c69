/**
 * The bot's answers from the real knowledge base (seeded into PGlite, read through the live view):
 * "which one?" round trips with buttons, numbers and names; answers that lead with the aspect asked and
 * follow-ups about it; answers that fit one message of each channel without a cut sentence; the
 * emergency catalog (112 within rescue messages), one register, and at most two automatic messages.
 */
import { join } from 'node:path';
import { PREVIEW_CAPABILITIES } from '../../src/knowledge/edit';
import { ASPECTS, detectAspects, isAspectFollowUp, type Aspect } from '../../src/bot/aspects';
import { registerIssues } from '../../src/bot/definition';
import { emergencyFor } from '../../src/bot/emergency';
import { decide, pickOffered, type BotAction, type PolicyInput } from '../../src/bot/policy';
import type { Database } from '../../src/db/database';
import { answerFit, formatProcedureAnswer } from '../../src/knowledge/format-answer';
import { readKnowledge } from '../../src/knowledge/read-files';
import type { KnowledgeSeed } from '../../src/knowledge/schema';
import { seedKnowledge } from '../../src/knowledge/seed';
import { LiveKnowledge } from '../../src/knowledge/view';
import type { ParseResult } from '../../src/nlu/types';
import { scaleReply } from '../../src/pipeline/scale';
import { migratedDatabase } from '../support/databases';
import { def, parsed, policyInput } from './policy-input';

const ZALO = answerFit(PREVIEW_CAPABILITIES.zalo);
const FACEBOOK = answerFit(PREVIEW_CAPABILITIES.facebook);

let db: Database;
let kb: LiveKnowledge;
let seed: KnowledgeSeed;
beforeAll(async () => {
  seed = readKnowledge(join(__dirname, '../../knowledge'));
  db = await migratedDatabase('pglite');
  await seedKnowledge(db, seed, { intents: [], synonyms: [], regexes: [] });
  kb = new LiveKnowledge(db, def);
  await kb.reload();
}, 60_000);
afterAll(() => db.close());

const input = (over: Partial<PolicyInput>): PolicyInput => policyInput(kb, { fit: FACEBOOK, ...over });
const replies = (actions: BotAction[]) => actions.filter((a): a is Extract<BotAction, { type: 'reply' }> => a.type === 'reply');
/** Automatic messages of one decision: replies and ticket receipts (one per opened ticket). */
const automatic = (actions: BotAction[]) => actions.filter((a) => a.type === 'reply' || a.type === 'open_ticket').length;

describe('"which one?" when neighbouring procedures score close', () => {
  const close = parsed('tt_tam_tru', 0.52, [
    ['tt_tam_tru', 0.52],
    ['tt_thuong_tru', 0.46],
    ['chao_hoi', 0.01],
  ]);

  test('asks with buttons; the chosen button answers that procedure, leading with the aspect asked, the other one tap away', () => {
    const ask = decide(input({ text: 'đăng ký tạm trú hay thường trú cần giấy gì', parse: close }));
    expect(ask.actions).toHaveLength(1);
    expect(ask.actions[0]).toMatchObject({ type: 'reply', answerId: 'clarify' });
    expect(replies(ask.actions)[0].quickReplies.map((q) => q.payload)).toEqual(['intent:tt_tam_tru', 'intent:tt_thuong_tru', 'handover']);
    const chosen = decide(input({ context: ask.context, text: 'Đăng ký thường trú', quickReplyPayload: 'intent:tt_thuong_tru' }));
    const answer = replies(chosen.actions)[0];
    expect(answer.answerId).toBe('tt_thuong_tru:short:ho_so');
    expect(answer.text).toMatch(/^Đăng ký thường trú\n\nHồ sơ chính:/);
    expect(answer.quickReplies[0]).toEqual({ title: 'Đăng ký tạm trú', payload: 'intent:tt_tam_tru' });
  });

  test('without buttons (Zalo) a typed number or the name picks the option', () => {
    const ask = decide(input({ fit: ZALO, text: 'tạm trú hay thường trú', parse: close }));
    // The scaler writes the options as a numbered list under the question, in the offered order.
    const shown = scaleReply(replies(ask.actions)[0].text, replies(ask.actions)[0].quickReplies, PREVIEW_CAPABILITIES.zalo);
    expect(shown.parts[0]).toMatch(/\n1\. Đăng ký tạm trú\n2\. Đăng ký thường trú\n3\. /);
    const byNumber = decide(input({ fit: ZALO, context: ask.context, text: '2', parse: parsed('nlu_fallback', 0.1) }));
    expect(replies(byNumber.actions)[0].answerId).toBe('tt_thuong_tru:short');
    const byName = decide(input({ fit: ZALO, context: ask.context, text: 'cái đăng ký tạm trú', parse: parsed('nlu_fallback', 0.2) }));
    expect(replies(byName.actions)[0].answerId).toBe('tt_tam_tru:short');
    expect(pickOffered(ask.context.offered, '9')).toBeNull();
    expect(pickOffered(ask.context.offered, 'đăng ký')).toBeNull(); // names both: not a choice
  });

  test('two requests in one message: the first answered (its aspect first), the second one tap or number away', () => {
    const two: ParseResult = {
      ...parsed('tt_can_cuoc', 0.9, [
        ['tt_can_cuoc', 0.9],
        ['tt_tam_tru', 0.08],
      ]),
      requests: [
        { name: 'tt_can_cuoc', confidence: 0.99 },
        { name: 'tt_tam_tru', confidence: 0.97 },
      ],
    };
    const d = decide(input({ fit: ZALO, text: 'làm căn cước, với lại đăng ký tạm trú nộp ở đâu', parse: two }));
    const [a] = replies(d.actions);
    expect(d.intent).toBe('tt_can_cuoc');
    expect(a.answerId).toBe('tt_can_cuoc:short:noi_nop');
    expect(a.quickReplies[0]).toEqual({ title: 'Đăng ký tạm trú', payload: 'intent:tt_tam_tru' });
    const second = decide(input({ fit: ZALO, context: d.context, text: '1', parse: parsed('nlu_fallback', 0.1) }));
    expect(replies(second.actions)[0].answerId).toBe('tt_tam_tru:short:noi_nop');
    expect(replies(second.actions)[0].quickReplies[0]).toEqual({ title: 'Cấp thẻ căn cước', payload: 'intent:tt_can_cuoc' });
  });

  test('a clear winner is answered without asking', () => {
    const d = decide(
      input({
        parse: parsed('tt_tam_tru', 0.69, [
          ['tt_tam_tru', 0.69],
          ['tt_thuong_tru', 0.31],
        ]),
      }),
    );
    expect(replies(d.actions)[0].answerId).toBe('tt_tam_tru:short');
  });
});

describe('answers lead with the aspect asked', () => {
  test.each<[string, Aspect[]]>([
    ['làm giấy khai sinh cần giấy gì', ['ho_so']],
    ['làm hộ chiếu bao nhiêu tiền', ['le_phi']],
    ['đổi bằng lái mất mấy ngày', ['thoi_han']],
    ['đăng ký kết hôn nộp ở đâu', ['noi_nop']],
    ['làm căn cước online được không', ['truc_tuyen']],
    ['ai được hưởng trợ cấp thất nghiệp', ['dieu_kien']],
    ['tui mần giấy khai sinh cho con thì tốn bao nhiêu tiền, mấy bữa có', ['le_phi', 'thoi_han']],
    ['thủ tục đăng ký khai sinh', []],
  ])('"%s" asks about %j', (text, aspects) => {
    expect(detectAspects(text)).toEqual(expect.arrayContaining(aspects));
    expect(detectAspects(text)).toHaveLength(aspects.length);
  });

  test('the answer gives that part, then offers the others as buttons', () => {
    const d = decide(input({ text: 'làm hộ chiếu mất mấy ngày', parse: parsed('tt_ho_chieu', 0.97) }));
    const [a] = replies(d.actions);
    const p = seed.procedures.find((x) => x.intent === 'tt_ho_chieu')!;
    expect(a.text.startsWith(`${p.title}\n\nThời hạn giải quyết: ${p.processing_time}`)).toBe(true);
    expect(a.text).not.toContain('Phí, lệ phí:');
    expect(a.quickReplies.map((q) => q.title)).toEqual([
      'Hồ sơ',
      'Lệ phí',
      'Nơi nộp',
      'Nộp trực tuyến',
      'Xem chi tiết',
      'Gặp tổng đài viên',
    ]);
  });

  test('a follow-up ("còn lệ phí?") answers that aspect of the same procedure, whatever the engine guessed', () => {
    const first = decide(input({ text: 'làm hộ chiếu mất mấy ngày', parse: parsed('tt_ho_chieu', 0.97) }));
    const fee = decide(input({ context: first.context, text: 'còn lệ phí?', parse: parsed('tt_thanh_toan_truc_tuyen', 1) }));
    expect(fee.intent).toBe('tt_ho_chieu');
    expect(replies(fee.actions)[0].text).toMatch(/^Cấp hộ chiếu.*\n\nPhí, lệ phí: /s);
    const button = decide(input({ context: fee.context, text: 'Nơi nộp', quickReplyPayload: 'aspect:tt_ho_chieu:noi_nop' }));
    expect(replies(button.actions)[0].text).toContain('Nơi nộp, cách nộp:');
    // On Zalo the buttons are a numbered list: "3" picks the third.
    const typed = decide(input({ fit: ZALO, context: fee.context, text: '3', parse: parsed('nlu_fallback', 0.1) }));
    expect(replies(typed.actions)[0].answerId).toBe(`tt_ho_chieu:short:${fee.context.offered![2].payload.split(':')[2]}`);
    // A message naming another procedure is not a follow-up.
    expect(isAspectFollowUp('còn lệ phí khai sinh?')).toBe(false);
    expect(isAspectFollowUp('vậy mất mấy ngày vậy em')).toBe(true);
  });
});

describe('every answer fits one message of its channel, shortened by structure, never cut', () => {
  const channels = Object.entries(PREVIEW_CAPABILITIES).filter(([, caps]) => !caps.longForm);

  test.each(channels)('%s: overviews, every aspect and the detail view', (_channel, caps) => {
    for (const p of seed.procedures) {
      const sourceText = JSON.stringify(p);
      const variants = [
        formatProcedureAnswer(p, 'short', { fit: answerFit(caps) }),
        formatProcedureAnswer(p, 'full', { fit: answerFit(caps) }),
        ...ASPECTS.map((a) => formatProcedureAnswer(p, 'short', { aspects: [a], fit: answerFit(caps) })),
      ];
      for (const v of variants) {
        // One message, buttons (or their numbered list) included.
        expect([p.intent, scaleReply(v.text, v.quickReplies, caps).parts.length]).toEqual([p.intent, 1]);
        // No "…" of our own: only those already in the knowledge base.
        expect((v.text.match(/…/g) ?? []).length).toBeLessThanOrEqual((sourceText.match(/…/g) ?? []).length);
        // Every bullet is a whole item of the procedure (or the note naming what was left out).
        for (const line of v.text.split('\n').filter((l) => l.startsWith('- '))) {
          const item = line.slice(2);
          const whole =
            sourceText.includes(JSON.stringify(item).slice(1, -1)) ||
            /^Còn \d+ .* khác: bấm "/.test(item) ||
            item.startsWith('Nộp trực tuyến: ');
          expect([p.intent, item, whole]).toEqual([p.intent, item, true]);
        }
      }
    }
  });

  test('a wider channel carries more: Zalo and the citizen app use their own limits, not 1,200', () => {
    const lengths = (caps: (typeof PREVIEW_CAPABILITIES)[string]) =>
      seed.procedures.map((p) => formatProcedureAnswer(p, 'full', { fit: answerFit(caps) }).text.length);
    const zalo = lengths(PREVIEW_CAPABILITIES.zalo);
    const app = lengths(PREVIEW_CAPABILITIES.edongthap);
    expect(Math.max(...zalo)).toBeGreaterThan(1200);
    expect(app.some((n, i) => n > zalo[i])).toBe(true);
  });
});

describe('emergencies', () => {
  test.each([
    ['có người đuối nước ở bến đò xã An Bình', '112'],
    ['ghe bị lật giữa sông Tiền, hai người mất tích', '112'],
    ['sạt lở bờ sông, nhà đổ xuống sông có người bị cuốn', '112'],
    ['co nguoi duoi nuoc o ben do', '112'],
    ['nhà hàng xóm đang cháy lớn', '114'],
    ['tui chạy ra thì thấy khói bốc lên, nhà bên cạnh cháy', '114'],
    ['có người mắc kẹt trong thang máy', '114'],
  ])('"%s" within rescue (khan_cap_114) gets the %s advice', (text, number) => {
    expect(emergencyFor(def, 'khan_cap_114', text)?.number).toBe(number);
  });

  test('113 and 115 come from the same catalog; each number has advice in the knowledge base', () => {
    expect(emergencyFor(def, 'khan_cap_113', 'có đánh nhau')?.number).toBe('113');
    expect(emergencyFor(def, 'khan_cap_115', 'ông ngoại bất tỉnh')?.number).toBe('115');
    expect(emergencyFor(def, 'tt_khai_tu', 'chết đuối')).toBeNull();
    for (const e of def.emergency)
      expect([e.number, kb.serviceAnswer(e.answer)?.text]).toEqual([e.number, expect.stringContaining(`GỌI NGAY ${e.number}`)]);
  });

  test('advice first, then one receipt with the code; handed over urgently with an alert text', () => {
    const d = decide(input({ text: 'có người đuối nước ở bến đò xã An Bình', parse: parsed('khan_cap_114', 0.99) }));
    expect(d.actions.map((a) => a.type)).toEqual(['reply', 'open_ticket', 'escalate']);
    expect(d.actions[0]).toMatchObject({ answerId: 'emergency_112', text: expect.stringContaining('GỌI NGAY 112') });
    expect(d.actions[1]).toMatchObject({ priority: 'urgent', receipt: 'emergency', field: 'pccc_cuu_nan' });
    expect(d.actions[2]).toMatchObject({ urgent: true, alert: expect.stringMatching(/^Khẩn cấp 112 .*đuối nước/) });
    expect(automatic(d.actions)).toBe(2);
  });

  test('an unsure result with a rescue candidate and rescue words is still an emergency', () => {
    const unsure = parsed('nlu_fallback', 0.5, [
      ['tt_khai_tu', 0.5],
      ['khan_cap_114', 0.31],
    ]);
    const d = decide(input({ text: 'ghe bị lật trên sông Tiền, có 2 người mất tích', parse: unsure }));
    expect(d.intent).toBe('khan_cap_114');
    expect(d.actions[0]).toMatchObject({ answerId: 'emergency_112' });
    // A confident other intent stays itself ("thủ tục khai tử cho người chết đuối").
    const khaiTu = decide(
      input({
        text: 'thủ tục khai tử cho người chết đuối',
        parse: parsed('tt_khai_tu', 0.98, [
          ['tt_khai_tu', 0.98],
          ['khan_cap_114', 0.02],
        ]),
      }),
    );
    expect(khaiTu.intent).toBe('tt_khai_tu');
  });
});

describe('register and message count', () => {
  test('one register: the definition and every knowledge-base text address citizens as "anh/chị"', () => {
    expect(def.register).toBe('anh/chị');
    expect(registerIssues(def)).toEqual([]);
    expect(registerIssues({ ...def, messages: { ...def.messages, closed: 'Cám ơn Quý khách.' } })).toEqual(['messages.closed']);
    const texts = [
      ...seed.services.map((s) => s.text),
      ...seed.procedures.flatMap((p) => [p.summary, ...p.documents, p.fee, p.processing_time, ...p.where, ...p.notes]),
    ];
    expect(texts.filter((t) => /quý khách/i.test(t))).toEqual([]);
  });

  test('at most two automatic messages per citizen message: question, report, fallback, emergency, hand-over', () => {
    const cases: Partial<PolicyInput>[] = [
      { text: 'làm hộ chiếu cần giấy gì', parse: parsed('tt_ho_chieu', 0.95) },
      { text: 'đường ấp 3 bị ngập', parse: parsed('su_co_ha_tang', 0.95) },
      { text: 'đèn đường hư ở đường Nguyễn Huệ phường 1 từ tối hôm qua', parse: parsed('su_co_ha_tang', 0.95) },
      { text: 'abc xyz', parse: parsed('nlu_fallback', 0.1) },
      { text: 'nhà hàng xóm đang cháy lớn', parse: parsed('khan_cap_114', 0.99) },
      { text: 'cho gặp tổng đài viên', parse: parsed('gap_tong_dai_vien', 0.95) },
    ];
    for (const c of cases) {
      const d = decide(input(c));
      // Plus the conversation's receipt when it is new and no ticket (with its own receipt) is opened.
      const receipt = d.actions.some((a) => a.type === 'open_ticket') ? 0 : 1;
      expect([c.text, automatic(d.actions) + receipt]).toEqual([c.text, expect.any(Number)]);
      expect(automatic(d.actions) + receipt).toBeLessThanOrEqual(2);
    }
    const report = decide(input(cases[1]));
    expect(report.actions[0]).toMatchObject({ type: 'open_ticket', receipt: 'report' });
    expect(decide(input(cases[3])).actions[0]).toMatchObject({ type: 'open_ticket', receipt: 'request' });
  });

  test('receipts are worded by what arrived', () => {
    expect(def.receipt.default).not.toMatch(/góp ý|phản ánh/);
    expect(def.report_receipt.default).toMatch(/phản ánh của anh\/chị với mã phiếu \{code\}/);
    expect(def.ticket_receipt.default).toMatch(/Yêu cầu của anh\/chị .*\{code\}/);
    expect(def.messages.emergency_received).toMatch(/\{code\}/);
  });
});
