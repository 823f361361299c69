/** The dialogue policy, pure: what the bot does for each kind of message and state. */
import { isOfficeHours, nextOpening } from '../../src/bot/office-hours';
import { decide, type KnowledgeView, type PolicyInput } from '../../src/bot/policy';
import { def, parsed, policyInput, TUESDAY_10 } from './policy-input';

const kb: KnowledgeView = {
  procedureAnswer: (intent, style) =>
    intent === 'tt_khai_sinh' || intent === 'tt_thuong_tru' || intent === 'tt_tam_tru'
      ? {
          id: `${intent}:${style}`,
          text: `Trả lời ${intent} (${style})`,
          quickReplies: [{ title: 'Xem chi tiết', payload: `detail:${intent}` }],
        }
      : null,
  serviceAnswer: (i) => ({ id: i, text: `Dịch vụ ${i}`, quickReplies: [] }),
  title: (i) => ({ tt_khai_sinh: 'Đăng ký khai sinh', tt_thuong_tru: 'Đăng ký thường trú', tt_tam_tru: 'Đăng ký tạm trú' })[i] ?? null,
  field: (i) => (i.startsWith('tt_') ? 'ho_tich' : null),
};

// A Sunday (no operators).
const SUNDAY = new Date('2026-11-22T03:00:00Z');

const input = (over: Partial<PolicyInput>): PolicyInput => policyInput(kb, over);
const types = (d: ReturnType<typeof decide>) => d.actions.map((a) => a.type);

test('a confident procedure question is answered from the knowledge base', () => {
  const d = decide(input({ parse: parsed('tt_khai_sinh', 0.93) }));
  expect(d.actions).toEqual([
    { type: 'reply', text: 'Trả lời tt_khai_sinh (short)', quickReplies: expect.any(Array), answerId: 'tt_khai_sinh:short' },
  ]);
  expect(d.context.lastIntent).toBe('tt_khai_sinh');
  expect(decide(input({ parse: parsed('tt_khai_sinh', 0.93), style: 'full' })).actions[0]).toMatchObject({ answerId: 'tt_khai_sinh:full' });
});

test('"xem chi tiết" gives the full answer', () => {
  const d = decide(input({ quickReplyPayload: 'detail:tt_khai_sinh', parse: parsed('nlu_fallback', 0.2) }));
  expect(d.actions[0]).toMatchObject({ type: 'reply', answerId: 'tt_khai_sinh:full' });
});

test('close top two: the bot asks which one, then hands over if still unclear', () => {
  const d = decide(
    input({
      parse: parsed('nlu_fallback', 0.45, [
        ['tt_tam_tru', 0.45],
        ['tt_thuong_tru', 0.41],
        ['chao_hoi', 0.02],
      ]),
    }),
  );
  expect(types(d)).toEqual(['reply']);
  expect(d.actions[0]).toMatchObject({ answerId: 'clarify' });
  const qr = (d.actions[0] as { quickReplies: { payload: string }[] }).quickReplies.map((q) => q.payload);
  expect(qr).toEqual(['intent:tt_tam_tru', 'intent:tt_thuong_tru', 'handover']);
  const chosen = decide(input({ context: d.context, quickReplyPayload: 'intent:tt_thuong_tru' }));
  expect(chosen.actions[0]).toMatchObject({ answerId: 'tt_thuong_tru:short' });
  const again = decide(
    input({
      context: d.context,
      parse: parsed('nlu_fallback', 0.45, [
        ['tt_tam_tru', 0.45],
        ['tt_thuong_tru', 0.41],
      ]),
    }),
  );
  expect(types(again)).toEqual(['open_ticket', 'escalate', 'reply']);
});

test('a result the engine declined as too close to choose (`ambiguous`) is asked about even with a wider gap', () => {
  const ranking: [string, number][] = [
    ['tt_tam_tru', 0.62],
    ['tt_thuong_tru', 0.34],
    ['tt_khai_sinh', 0.01],
  ];
  const declined = parsed('nlu_fallback', 0.5, ranking);
  declined.ambiguous = [
    { name: 'tt_tam_tru', confidence: 0.62 },
    { name: 'tt_thuong_tru', confidence: 0.34 },
  ];
  const d = decide(input({ parse: declined }));
  expect(types(d)).toEqual(['reply']);
  const qr = (d.actions[0] as { quickReplies: { payload: string }[] }).quickReplies.map((q) => q.payload);
  expect(qr).toEqual(['intent:tt_tam_tru', 'intent:tt_thuong_tru', 'handover']);
  // The same ranking without the engine's word is too far apart to ask: an operator takes it.
  expect(types(decide(input({ parse: parsed('nlu_fallback', 0.5, ranking) })))).toEqual(['open_ticket', 'escalate', 'reply']);
});

test('fallback opens a ticket and hands over, saying when operators answer out of hours', () => {
  const inHours = decide(input({}));
  expect(types(inHours)).toEqual(['open_ticket', 'escalate', 'reply']);
  expect((inHours.actions[2] as { text: string }).text).toBe(def.messages.escalated_in_hours);
  const sunday = decide(input({ now: SUNDAY }));
  expect((sunday.actions[2] as { text: string }).text).toContain('07:00 thứ Hai, 23/11/2026');
});

test('emergencies are answered even while an operator holds the conversation, and flag the ticket urgent', () => {
  const held = decide(input({ state: 'operator', hasOpenTicket: true, parse: parsed('khan_cap_114', 0.9) }));
  // The advice first; the conversation is also handed over at the top of the queue (escalate, urgent).
  expect(types(held)).toEqual(['reply', 'flag_urgent', 'escalate']);
  expect(held.actions[2]).toMatchObject({ type: 'escalate', reason: 'emergency', urgent: true });
  const fresh = decide(input({ parse: parsed('khan_cap_115', 0.9) }));
  expect(fresh.actions[1]).toMatchObject({ type: 'open_ticket', priority: 'urgent', field: 'y_te' });
});

test('fire-safety paperwork, a theft told the day after or thanks once the fire is out get no emergency numbers', () => {
  const unsure = parsed('nlu_fallback', 0.5, [
    ['nlu_fallback', 0.5],
    ['khan_cap_114', 0.3],
    ['tt_ho_kinh_doanh', 0.2],
  ]);
  for (const text of [
    'Cơ sở karaoke của tôi cần làm thủ tục phòng cháy chữa cháy thì nộp hồ sơ ở đâu',
    'Tối hôm qua nhà tôi bị cháy cái kho, giờ muốn làm giấy xác nhận thì làm sao',
    'dạ lửa tắt rồi, cám ơn mấy anh chữa cháy nhiều nhen',
  ]) {
    const d = decide(input({ parse: unsure, text }));
    expect(d.actions.some((a) => a.type === 'reply' && /^emergency_|possible_emergency/.test(a.answerId ?? ''))).toBe(false);
    expect(d.actions.some((a) => a.type === 'escalate' && a.urgent)).toBe(false);
  }
  // The same unsure reading of a fire going on: the numbers first.
  const now = decide(input({ parse: unsure, text: 'nhà kế bên đang cháy, khói đen mù mịt' }));
  expect(now.actions[0]).toMatchObject({ type: 'reply' });
  expect(now.actions.some((a) => a.type === 'escalate' && a.urgent)).toBe(true);
});

test('a past day, paperwork or thanks beside a word of danger now still get the numbers first: in doubt, an emergency', () => {
  const unsure = parsed('nlu_fallback', 0.5, [
    ['nlu_fallback', 0.5],
    ['khan_cap_114', 0.3],
    ['su_co_ha_tang', 0.2],
  ]);
  for (const text of [
    'Tối hôm qua cây đổ đè sập mái nhà, giờ bà già tui còn kẹt chưn bên trong',
    'hỏi thủ tục gì cũng được, ông già tui bất tỉnh trong nhà rồi',
    'lửa tắt rồi, cám ơn mấy anh, mà khói còn nhiều lắm',
    'hom qua ghe bi lat, con hai nguoi chua tim thay',
  ]) {
    const d = decide(input({ parse: unsure, text }));
    expect(d.actions[0]).toMatchObject({ type: 'reply' });
    expect(d.actions.some((a) => a.type === 'escalate' && a.urgent)).toBe(true);
  }
});

test('a message handed over with an emergency among its best candidates gets the numbers first, an urgent ticket and an alert', () => {
  // "Đò ngang bị lật…" told without the catalog's words: the engine is unsure, 114 is its second guess.
  const faint = parsed('nlu_fallback', 0.5, [
    ['nlu_fallback', 0.5],
    ['vi_pham', 0.3],
    ['khan_cap_114', 0.13],
  ]);
  const d = decide(input({ parse: faint, text: 'đò ngang bị lật giữa sông, người ta rớt xuống nước hết' }));
  expect(types(d)).toEqual(['reply', 'open_ticket', 'escalate']);
  expect(d.actions[0]).toMatchObject({ type: 'reply', text: def.messages.possible_emergency, answerId: 'possible_emergency' });
  expect(d.actions[0]).toMatchObject({ text: expect.stringMatching(/113.*114.*115.*112/) });
  expect(d.actions[1]).toMatchObject({ type: 'open_ticket', priority: 'urgent', reason: 'emergency', receipt: 'emergency' });
  expect(d.actions[2]).toMatchObject({
    type: 'escalate',
    reason: 'possible_emergency',
    urgent: true,
    alert: expect.stringContaining('114'),
  });
  // While an operator holds it: the numbers, and the open ticket made urgent.
  const held = decide(input({ parse: faint, state: 'operator', hasOpenTicket: true }));
  expect(types(held)).toEqual(['reply', 'flag_urgent', 'escalate']);
  // Fainter than 5 %, or below the three best: an ordinary handover.
  const fainter = parsed('nlu_fallback', 0.5, [
    ['nlu_fallback', 0.5],
    ['khan_cap_113', 0.03],
  ]);
  expect(types(decide(input({ parse: fainter })))).toEqual(['open_ticket', 'escalate', 'reply']);
  const fourth = parsed('nlu_fallback', 0.5, [
    ['nlu_fallback', 0.5],
    ['vi_pham', 0.3],
    ['su_co_ha_tang', 0.2],
    ['phan_anh_kien_nghi', 0.1],
    ['khan_cap_115', 0.08],
  ]);
  expect(types(decide(input({ parse: fourth })))).toEqual(['open_ticket', 'escalate', 'reply']);
});

test('the bot is silent while an operator holds or is about to take the conversation', () => {
  for (const state of ['operator', 'waiting'] as const) {
    const d = decide(input({ state, parse: parsed('tt_khai_sinh', 0.99) }));
    expect(d.silent).toBe(true);
    expect(d.actions).toEqual([]);
  }
});

test('a report opens a ticket with its field and asks for missing details once or twice', () => {
  const d = decide(input({ text: 'cúp điện quá trời luôn', parse: parsed('su_co_ha_tang', 0.9) }));
  expect(d.actions[0]).toMatchObject({ type: 'open_ticket', field: 'ha_tang_dien', priority: 'high' });
  expect(d.actions[1]).toMatchObject({ answerId: 'report_ask_details' });
  expect(d.context.report).toEqual({ ticketId: '', asked: 1 });
  const next = decide(input({ text: 'ở ấp 3 xã Mỹ Hiệp, từ sáng hôm qua', context: { report: { ticketId: 't1', asked: 1 } } }));
  expect(types(next)).toEqual(['add_report_details', 'escalate', 'reply']);
  const complete = decide(input({ text: 'đèn đường hư ở đường Nguyễn Huệ phường 1 từ tối hôm qua', parse: parsed('su_co_ha_tang', 0.9) }));
  expect(types(complete)).toEqual(['open_ticket', 'escalate', 'reply']);
  expect(complete.actions[0]).toMatchObject({ field: 'ha_tang_chieu_sang' });
});

test('a ticket code is looked up; without one the bot asks for it', () => {
  const code = { entity: 'ma_phieu', value: '1022-2026-000123', start: 0, end: 16, extractor: 'x' };
  expect(decide(input({ parse: parsed('tra_cuu_phan_anh', 0.9, [], [code]) })).actions).toEqual([
    { type: 'lookup_ticket', code: '1022-2026-000123' },
  ]);
  const ask = decide(input({ parse: parsed('tra_cuu_phan_anh', 0.9) }));
  expect(ask.actions[0]).toMatchObject({ answerId: 'ask_ticket_code' });
  expect(decide(input({ context: ask.context, parse: parsed('nlu_fallback', 0.1, [], [code]) })).actions).toEqual([
    { type: 'lookup_ticket', code: '1022-2026-000123' },
  ]);
});

test('a lookup waiting for the phone digits: 4 digits check them, anything else moves on', () => {
  const check = { ticketCheck: { code: '1022-2026-000123-K7QM', tries: 1 } };
  const d = decide(input({ context: check, text: 'số cuối 1222 nha', parse: parsed('nlu_fallback', 0.1) }));
  expect(d.actions).toEqual([{ type: 'verify_ticket', code: '1022-2026-000123-K7QM', digits: '1222', tries: 1 }]);
  expect(d.context.ticketCheck).toBeUndefined();
  // Another code instead: a new lookup, not a check of the old one.
  const code = { entity: 'ma_phieu', value: '1022-2026-000124-AB7K', start: 0, end: 21, extractor: 'x' };
  expect(decide(input({ context: check, text: 'x', parse: parsed('tra_cuu_phan_anh', 0.9, [], [code]) })).actions).toEqual([
    { type: 'lookup_ticket', code: '1022-2026-000124-AB7K' },
  ]);
  const other = decide(input({ context: check, text: 'cho hỏi làm khai sinh', parse: parsed('tt_khai_sinh', 0.9) }));
  expect(other.actions.map((a) => a.type)).not.toContain('verify_ticket');
  expect(other.context.ticketCheck).toBeUndefined();
});

test('a rating after closing is recorded', () => {
  const d = decide(input({ state: 'closed', context: { csatTicketId: 't9' }, text: '4 sao' }));
  expect(d.actions[0]).toEqual({ type: 'record_csat', ticketId: 't9', score: 4 });
});

test('formal complaints get the formal route, not a ticket', () => {
  const d = decide(input({ parse: parsed('khieu_nai_to_cao', 0.9) }));
  expect(d.actions).toEqual([{ type: 'reply', text: 'Dịch vụ khieu_nai_to_cao', quickReplies: [], answerId: 'khieu_nai_to_cao' }]);
});

test('office hours follow the bot definition in Vietnam time', () => {
  expect(isOfficeHours(def, TUESDAY_10)).toBe(true);
  expect(isOfficeHours(def, new Date('2026-11-24T11:00:00Z'))).toBe(false); // 18:00
  expect(isOfficeHours(def, SUNDAY)).toBe(false);
  expect(nextOpening(def, new Date('2026-11-24T11:00:00Z'))).toBe('07:00 thứ Tư, 25/11/2026');
});
