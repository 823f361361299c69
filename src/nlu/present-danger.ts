/**
 * Whether a message that reads like an emergency tells a danger happening now. Citizens also write
 * about fire-safety paperwork ("thủ tục phòng cháy chữa cháy nộp ở đâu"), about what happened days
 * ago ("tối hôm qua bị trộm xe, giờ muốn trình báo"), to thank for help that came ("lửa tắt rồi,
 * cám ơn mấy anh"), or for health advice ("bé sốt 38 độ uống thuốc gì"): none of them needs the
 * emergency numbers. A word of a danger going on ("đang", "nãy giờ", "tới giờ chưa về", a call for
 * help, "gấp") always wins: then the message is left to the emergency rules. Used by the engine (an
 * emergency reading of such a message is handed over) and by the bot's possible-emergency net.
 */
import { LEXICON, LexiconMatcher } from './builtin/lexicon';
import { foldDiacritics, hasDiacritics, normalize } from './normalize';

/** Why a message is no present danger: a procedure asked about, a past event, a danger over or that hurt no one, health advice asked for. */
export type NotPresentKind = 'procedure' | 'past' | 'over' | 'advice';

const phrases = (list: string[]): string[][] => list.map((p) => p.split(' '));

/** A danger going on, or a call for help: the message may be an emergency whatever else it says. */
const PRESENT = phrases([
  'đang',
  'nãy giờ',
  'bây giờ',
  'hiện giờ',
  'hôm nay',
  'sáng nay',
  'trưa nay',
  'chiều nay',
  'tối nay',
  'đêm nay',
  'hồi nãy',
  'tới giờ',
  'đến giờ',
  'tới bây giờ',
  'vẫn',
  'còn kẹt',
  'còn người',
  'còn ở',
  'chưa về',
  'chưa nổi',
  'chưa tỉnh',
  'chưa ra',
  'chưa thấy',
  'mất tích',
  'gấp',
  'khẩn',
  // A call for help ("gọi giúp em", "ngăn giùm tui với"), not a polite "chỉ giùm" (giùm, dùm read as giúp).
  'giúp với',
  'giúp em',
  'giúp tôi',
  'giúp con',
  'gọi giúp',
  'tới giúp',
  'đến giúp',
  'cứu giúp',
  'liền',
  'ngay',
  'mau',
  'lẹ',
  'kêu cứu',
  'cứu với',
  'cứu tôi',
  'cứu tui',
  'cứu em',
  'cứu người',
  'tới cứu',
  'đến cứu',
]);

/** Days gone by: the event is told, not happening ("tối hôm qua", "tuần rồi", "bữa trước"). */
const PAST = phrases([
  'hôm qua',
  'tối qua',
  'đêm qua',
  'sáng qua',
  'chiều qua',
  'hôm trước',
  'hôm bữa',
  'bữa trước',
  'hôm kia',
  'tuần trước',
  'tuần rồi',
  'tuần qua',
  'tháng trước',
  'tháng rồi',
  'năm ngoái',
  'năm rồi',
  'năm trước',
]);

/** The danger is over, or hurt no one ("đã lành", "lửa tắt rồi", "xe cứu thương đã tới", "không ai bị thương"). */
const OVER = phrases([
  'đã lành',
  'lành rồi',
  'tắt rồi',
  'đã tắt',
  'dập tắt rồi',
  'qua khỏi',
  'không ai bị thương',
  'không ai bị gì',
  'không ai sao',
  'không ai việc gì',
]);

/** Health advice asked for: which medicine, what to eat, where to be treated ("sốt 38 độ uống thuốc gì"). */
const ADVICE = phrases([
  'thuốc gì',
  'uống gì',
  'ăn gì',
  'kiêng gì',
  'kiêng ăn',
  'nên ăn',
  'nên uống',
  'nên cho',
  'nên lau',
  'thuốc nam',
  'thuốc bắc',
  'bài thuốc',
  'châm cứu',
  'bấm huyệt',
  'khám ở đâu',
  'chỗ nào khám',
  'bác sĩ nào',
  'có hại',
  'chích ngừa',
  'tiêm ngừa',
]);

/** Signs of someone in acute danger: with them, advice asked for is still a possible emergency ("uống nhầm thuốc gì, giờ ói"). */
const ACUTE = phrases([
  'nhầm',
  'lộn',
  'ói',
  'nôn',
  'co giật',
  'bất tỉnh',
  'xỉu',
  'ngất',
  'khó thở',
  'thở không',
  'tím',
  'máu',
  'phỏng',
  'bỏng',
  'ngộ độc',
  'sùi bọt',
  'té',
  'ngã',
  'cắn',
  'đốt',
  'sốt cao',
  'mê man',
]);

/** The engine's words of a medical emergency (lexicon class `y_te_khan`: "kêu không dậy", "lạnh ngắt"…), built on first use. */
let medicalMatcher: LexiconMatcher | undefined;
function medical(): LexiconMatcher {
  medicalMatcher ??= new LexiconMatcher({ y_te_khan: LEXICON.y_te_khan }, normalize);
  return medicalMatcher;
}

/** Help arrived ("xe cứu thương đã tới", "công an tới rồi"): over only when the message thanks for it. */
const ARRIVED = phrases(['đã tới', 'tới rồi', 'đã đến', 'đến rồi']);
/** Thanks. */
const THANKS = phrases(['cảm ơn', 'cám ơn']);
/** "… đã tới nhưng không vô được": what follows "nhưng" is the danger still there. */
const BUT = phrases(['nhưng']);

/** Paperwork of a procedure (fire-safety approval, a permit, a file): asked about, not a danger. */
const PAPERWORK = phrases([
  'thủ tục',
  'hồ sơ',
  'nghiệm thu',
  'giấy phép',
  'cấp phép',
  'giấy chứng nhận',
  'thẩm duyệt',
  'đăng ký học',
  'đăng ký lớp',
]);

/** Words that make a sentence a question (with "?"): "nộp ở đâu", "mấy loại k", "làm sao". */
const ASKING = phrases([
  'ở đâu',
  'chỗ nào',
  'làm sao',
  'thế nào',
  'ra sao',
  'bao lâu',
  'bao nhiêu',
  'mấy',
  'gì',
  'không',
  'có phải',
  'được không',
]);

/** The standardized syllables of a message (dialect and teencode resolved), accents kept where typed. */
function words(text: string): { tokens: string[]; folded: string[] } {
  return normalize(text);
}

/** `phrase` at index i: accented words compared with accents, unaccented ones folded. */
function phraseAt(w: { tokens: string[]; folded: string[] }, i: number, phrase: string[]): boolean {
  return phrase.every((p, k) => {
    const t = w.tokens[i + k];
    if (t === undefined) return false;
    return hasDiacritics(t) ? t === p : w.folded[i + k] === foldDiacritics(p);
  });
}

function has(w: { tokens: string[]; folded: string[] }, list: string[][]): boolean {
  for (let i = 0; i < w.tokens.length; i++) if (list.some((p) => phraseAt(w, i, p))) return true;
  return false;
}

/** A day gone by, not "since" one ("từ hôm qua tới giờ", "từ tối qua" tell something still going on). */
function toldAsPast(w: { tokens: string[]; folded: string[] }): boolean {
  for (let i = 0; i < w.tokens.length; i++) if (w.folded[i - 1] !== 'tu' && PAST.some((p) => phraseAt(w, i, p))) return true;
  return false;
}

/**
 * Why `text` is no present danger, or null when it may be one (a word of a danger going on, or none
 * of the signs below). Procedure: paperwork asked about ("nghiệm thu pccc … mấy loại k"); past: a day
 * gone by ("hôm qua", "tuần rồi"; not "từ hôm qua", and not with a sign of acute danger unless it is
 * over); over: the danger ended or hurt no one ("lửa tắt rồi"); advice: which medicine or food, with
 * no sign of acute danger ("bé sốt 38 độ uống thuốc gì").
 */
export function notAPresentDanger(text: string): NotPresentKind | null {
  const w = words(text);
  if (w.tokens.length === 0 || has(w, PRESENT)) return null;
  if (has(w, PAPERWORK) && (text.includes('?') || has(w, ASKING))) return 'procedure';
  const over = !has(w, BUT) && (has(w, OVER) || (has(w, ARRIVED) && has(w, THANKS)));
  const acute = has(w, ACUTE);
  // "Tối qua bị rắn cắn, giờ chân sưng", "tối qua uống rượu, sáng nay kêu không dậy": a past cause
  // with a sign of danger now (the engine's medical emergency words too), unless it is over.
  if (toldAsPast(w) && (over || !(acute || medical().match(w.tokens, w.folded).classes.length > 0))) return 'past';
  if (over) return 'over';
  if (has(w, ADVICE) && !acute) return 'advice';
  return null;
}
