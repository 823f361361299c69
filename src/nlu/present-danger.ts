/**
 * Whether a message that reads like an emergency tells a danger happening now. Citizens also write
 * about fire-safety paperwork ("thủ tục phòng cháy chữa cháy nộp ở đâu"), about what happened days
 * ago ("tối hôm qua bị trộm xe, giờ muốn trình báo"), to thank for help that came ("lửa tắt rồi,
 * cám ơn mấy anh"), or for health advice ("bé sốt 38 độ uống thuốc gì"): none of them needs the
 * emergency numbers. A word of a danger going on ("đang", "nãy giờ", "tới giờ chưa về", a call for
 * help, "gấp") always wins: then the message is left to the emergency rules. Used by the engine (an
 * emergency reading of such a message is handed over) and by the bot's possible-emergency net.
 */
import { HEALTH_ADVICE_ASKS, isCount, LEXICON, LexiconMatcher } from './builtin/lexicon';
import { foldDiacritics, hasDiacritics, normalize, type NormalizedText } from './normalize';

/** Why a message is no present danger: a procedure asked about, a past event, a danger over or that hurt no one, health advice asked for. */
export type NotPresentKind = 'procedure' | 'past' | 'over' | 'advice' | 'habitual';

const phrases = (list: string[]): string[][] => list.map((p) => p.split(' '));
/** Phrases as the normalizer writes them ("đột quỵ" → "đột quị", "xì gas" → "xì ga"). */
const normalized = (list: string[]): (readonly string[])[] => list.map((p) => normalize(p).tokens);

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

/**
 * Words that may mean someone is in danger now, whatever else the message says: trapped, unconscious,
 * not breathing, bleeding, smoke, a call for rescue, sinking or adrift, a fight, a weapon (Southern
 * forms too: "quýnh lộn", "hổng thở" read "không thở", "té sông"; unaccented words compared folded).
 * With one of them the check never vetoes an emergency: in doubt, it is one.
 */
const DANGER_NOW = normalized([
  'kẹt',
  'bất tỉnh',
  'ngất',
  'xỉu',
  'hôn mê',
  'mê man',
  'lịm',
  'co giật',
  'lên cơn',
  'không tỉnh',
  'không dậy',
  'không thở',
  'khó thở',
  'thở không',
  'ngưng thở',
  'tắt thở',
  'hết thở',
  'thở dốc',
  'tím tái',
  'tím ngắt',
  'sùi bọt',
  'lạnh ngắt',
  'bất động',
  'không cục cựa',
  'máu',
  'khói',
  'lửa lớn',
  'lửa bùng',
  'bùng lên',
  'bốc cháy',
  'cháy lớn',
  'cháy lan',
  'nổ',
  'xì gas',
  'rò gas',
  'chìm',
  'trôi',
  'đuối',
  'chết đuối',
  'sặc nước',
  'lật',
  'té sông',
  'té xuống',
  'rớt xuống',
  'lọt xuống',
  'sập',
  'đè',
  'vùi',
  'lũ cuốn',
  'nước cuốn',
  'đánh nhau',
  'đánh nhầm',
  'đánh người',
  'đánh đập',
  'bị đánh',
  'quýnh',
  'oánh',
  'đâm',
  'chém',
  'dao',
  'mã tấu',
  'súng',
  'giết',
  'bắt cóc',
  'hiếp',
  'điện giật',
  'giật điện',
  'dính điện',
  // Unaccented, the single words above that are also common words ("khoi" is khỏi, "de" is để) count
  // only in these pairs.
  'bị kẹt',
  'mắc kẹt',
  'kẹt trong',
  'kẹt dưới',
  'khói mù',
  'khói nhiều',
  'khói đen',
  'khói bay',
  'bị chìm',
  'chìm xuống',
  'bị lật',
  'ghe lật',
  'xuồng lật',
  'đò lật',
  'bị đè',
  'đè lên',
  'bị sập',
  'nhà sập',
  'bị đâm',
  'đâm chém',
  'cầm dao',
  'chảy máu',
  'mất máu',
  'ra máu',
  'ói máu',
  'bị trôi',
  'trôi mất',
  'nước trôi',
  'phát nổ',
  'nổ lớn',
  'bị vùi',
  'ngất xỉu',
  'té xỉu',
  'đuối nước',
  'bị súng',
  'bắn súng',
]);

/** Folded single words of `DANGER_NOW` that are also common words unaccented (nó, dạo, để, sắp, lát, trời…): matched only as typed with accents. */
const ACCENTED_ONLY = new Set([
  'no',
  'dao',
  'de',
  'sap',
  'lat',
  'troi',
  'dam',
  'vui',
  'khoi',
  'chim',
  'ket',
  'mau',
  'xiu',
  'hiep',
  'ngat',
  'chem',
  'sung',
  'duoi',
]);

/** After "cứu", words that name a service or aid, not a call for rescue ("xe cứu thương đã tới", "cứu trợ lũ", "cứu xét"). */
const RESCUE_NOUN = new Set(['thuong', 'hoa', 'tro', 'te', 'xet']);
/** Before "cứu", words that make it looking up or research ("tra cứu hồ sơ", "nghiên cứu"), or first aid ("sơ cứu"). */
const NOT_A_CALL = new Set(['tra', 'nghien', 'so']);
/** Before "sập", words of a collapse that has not happened ("cầu mục, sắp sập"): a hazard to report, not a danger now. */
const NOT_YET = new Set(['sap', 'muon', 'nguy']);
/** Smoke of burning straw or trash, or a chimney ("đốt rơm rạ khói mù đường"): pollution to report. */
const BURNING = phrases(['đốt rơm', 'đốt rạ', 'đốt rác', 'đốt đồng', 'đốt lá', 'xả khói', 'khói bụi', 'ống khói']);

/** After "trôi", words of time passing or fluency ("ba tháng trôi qua", "nói trôi chảy"), not something adrift. */
const NOT_ADRIFT = new Set(['qua', 'chay']);

/** After an unaccented "dang", words that make it "đăng" ("dang ky", "dang tin"). */
const NOT_NOW_AFTER_DANG = new Set(['ky', 'ki', 'tin', 'bai', 'nhap']);
/** Someone trapped: a danger that lasts until told over ("bị kẹt trong cabin", "kẹt 3 người"; unaccented "ket" alone is "kết"). */
const TRAPPED = phrases([
  'mắc kẹt',
  'kẹt trong',
  'kẹt dưới',
  'kẹt trên',
  'kẹt ở trong',
  'kẹt lại trong',
  'còn kẹt',
  'thang máy kẹt',
  'kẹt mấy người',
]);
/** "kẹt 4 người": a count of people trapped, typed in digits. */
function trappedCount(w: NormalizedText): boolean {
  return w.folded.some((f, i) => f === 'ket' && isCount(w.tokens[i + 1] ?? '') && w.folded[i + 2] === 'nguoi');
}

/** Words from a "now" marker to the danger it tells ("đang cạy", "vừa bị giật"): at most this many apart. */
const NOW_REACH = 3;

/** Whether token i is "đang" (not the unaccented "dang ky" of đăng ký), "vừa", the "giờ" of "nãy giờ", or the "đầu" of "bắt đầu". */
function nowAt(w: NormalizedText, i: number): boolean {
  const t = w.tokens[i];
  const f = w.folded[i];
  if (f === 'dau' && w.folded[i - 1] === 'bat') return true;
  if (f === 'dang') return t === 'đang' || (!hasDiacritics(t) && !NOT_NOW_AFTER_DANG.has(w.folded[i + 1]));
  if (f === 'vua') return t === 'vừa' || !hasDiacritics(t);
  return f === 'gio' && w.folded[i - 1] === 'nay';
}

/** The engine's word classes of someone hurt (but the generic words: "đang uống thuốc" is no danger), a fire or rescue, a crime, built on first use. */
let dangerMatcher: LexiconMatcher | undefined;
function dangers(): LexiconMatcher {
  dangerMatcher ??= new LexiconMatcher(
    {
      y_te_khan: SPECIFIC_MEDICAL,
      chay_no_cuu_nan: LEXICON.chay_no_cuu_nan,
      toi_pham: LEXICON.toi_pham,
    },
    normalize,
  );
  return dangerMatcher;
}

/**
 * Whether `text` tells a danger as happening right now: "đang", "vừa" or "nãy giờ" at most three
 * words before a word of someone hurt, a fire or a crime ("có người lạ đang cạy cốp xe", "tụi nó vừa
 * giựt chiếc xe"), not merely somewhere in the same message ("tui đang chạy xe thì thấy…").
 */
export function dangerHappeningNow(text: string): boolean {
  const w = normalize(text);
  // Someone trapped is in danger until told out ("tài xế bị kẹt trong cabin"), unless on a day gone by.
  if ((has(w, TRAPPED) || trappedCount(w)) && !toldAsPast(w) && !has(w, PAPERWORK)) return true;
  const { starts } = dangers().match(w.tokens, w.folded);
  return starts.some((s) => {
    for (let m = Math.max(0, s - NOW_REACH); m < s; m++) if (nowAt(w, m)) return true;
    return false;
  });
}

/**
 * Whether `text` holds a word that may mean someone in danger now (`DANGER_NOW`: "kẹt", "bất tỉnh",
 * "khói", "chìm", "đánh nhau", "máu", "không thở", a call "cứu"…), accents or not.
 */
export function mayMeanPresentDanger(text: string): boolean {
  const w = normalize(text);
  return mayBeDanger(w);
}

/** Whether something in the message may mean a present danger (`DANGER_NOW`, or a "cứu" that calls for rescue). */
function mayBeDanger(w: NormalizedText): boolean {
  for (let i = 0; i < w.tokens.length; i++) {
    const f = w.folded[i];
    if (f === 'cuu') {
      // "phòng cháy chữa cháy và cứu nạn cứu hộ" is the name of a procedure, not a call; nor is "tra cứu".
      const named =
        (w.folded[i + 1] === 'nan' && w.folded[i + 2] === 'cuu') ||
        (w.folded[i - 1] === 'nan' && w.folded[i - 2] === 'cuu') ||
        NOT_A_CALL.has(w.folded[i - 1]);
      if (!named && !RESCUE_NOUN.has(w.folded[i + 1])) return true;
      continue;
    }
    if (f === 'troi' && NOT_ADRIFT.has(w.folded[i + 1])) continue;
    // "cơ sở giết mổ" is a slaughterhouse.
    if (f === 'giet' && w.folded[i + 1] === 'mo') continue;
    if (f === 'sap' && NOT_YET.has(w.folded[i - 1])) continue;
    if (f === 'khoi' && has(w, BURNING)) continue;
    if (
      startingWith(DANGER_NOW, f).some(
        (p) => phraseAt(w, i, p) && !(p.words.length === 1 && ACCENTED_ONLY.has(f) && !hasDiacritics(w.tokens[i])),
      )
    )
      return true;
  }
  return false;
}

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
  // A month or a year named ("hồi tháng 9", "hồi năm ngoái"), not "hồi nãy" or "hồi sáng".
  'hồi tháng',
  'hồi năm',
  'hồi đầu năm',
  'mấy tháng trước',
  'mấy năm trước',
]);

/** A hazard that keeps coming back ("chập điện mấy lần rồi", "hay bị", "thường xuyên"): a report, not a danger now. */
const HABITUAL = phrases(['mấy lần rồi', 'nhiều lần rồi', 'hay bị', 'thường bị', 'thường xuyên', 'lâu nay']);

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
const ADVICE = phrases([...HEALTH_ADVICE_ASKS, 'nên cho', 'nên lau', 'có hại', 'chích ngừa', 'tiêm ngừa']);

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

/** Words of the engine's medical class that name no danger by themselves ("uống thuốc gì", "chở đi viện"). */
const GENERIC_MEDICAL = new Set(['uống thuốc', 'đi viện', 'chở đi viện', 'hen suyễn', 'cứu thương', 'xe cứu thương']);
/** The engine's words of a medical emergency (lexicon class `y_te_khan`: "kêu không dậy", "phỏng nặng", "đau ngực"…) but the generic ones. */
const SPECIFIC_MEDICAL = LEXICON.y_te_khan.filter((p) => !GENERIC_MEDICAL.has(p));
/** `SPECIFIC_MEDICAL` as the normalizer writes it. */
const MEDICAL = SPECIFIC_MEDICAL.map((p) => normalize(p).tokens);

/** A medical sign not denied ("không ai bị thương", "hông bị gì" deny it: "không" up to three words before). */
function medicalSign(w: NormalizedText): boolean {
  for (let i = 0; i < w.tokens.length; i++) {
    if (!phraseOfAt(w, i, MEDICAL)) continue;
    if (!w.folded.slice(Math.max(0, i - 3), i).includes('khong')) return true;
  }
  return false;
}

/** Help arrived ("xe cứu thương đã tới", "công an tới rồi"): over only when the message thanks for it. */
const ARRIVED = phrases(['đã tới', 'tới rồi', 'đã đến', 'đến rồi']);
/** Thanks. */
const THANKS = phrases(['cảm ơn', 'cám ơn']);
/** "… đã tới nhưng không vô được", "lửa tắt rồi mà ông nội bị phỏng": what follows "nhưng" / "mà" may be a danger still there. */
const BUT = phrases(['nhưng', 'mà']);

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

/** A phrase of a list, with its words folded once (not at every comparison). */
interface Phrase {
  words: readonly string[];
  folded: readonly string[];
}

/** `phrase` at index i: accented words compared with accents, unaccented ones folded. */
function phraseAt(w: NormalizedText, i: number, phrase: Phrase): boolean {
  const { words, folded } = phrase;
  for (let k = 0; k < words.length; k++) {
    const t = w.tokens[i + k];
    if (t === undefined) return false;
    if (hasDiacritics(t) ? t !== words[k] : w.folded[i + k] !== folded[k]) return false;
  }
  return true;
}

/** Whether one of `list`'s phrases stands at index i. */
function phraseOfAt(w: NormalizedText, i: number, list: readonly (readonly string[])[]): boolean {
  for (const p of startingWith(list, w.folded[i])) if (phraseAt(w, i, p)) return true;
  return false;
}

/** Each phrase list indexed by its phrases' first word, folded (built on first use): a message's words look up only the phrases they can start. */
const indexes = new WeakMap<readonly (readonly string[])[], Map<string, Phrase[]>>();
function startingWith(list: readonly (readonly string[])[], folded: string): readonly Phrase[] {
  let index = indexes.get(list);
  if (!index) {
    index = new Map();
    for (const p of list) {
      const first = foldDiacritics(p[0]);
      index.set(first, [...(index.get(first) ?? []), { words: p, folded: p.map(foldDiacritics) }]);
    }
    indexes.set(list, index);
  }
  return index.get(folded) ?? NONE;
}
const NONE: readonly Phrase[] = [];

function has(w: NormalizedText, list: readonly (readonly string[])[]): boolean {
  for (let i = 0; i < w.tokens.length; i++) if (phraseOfAt(w, i, list)) return true;
  return false;
}

/** After "vẫn", words of someone well ("vẫn chơi bình thường", "vẫn ăn được", "vẫn tỉnh táo"): not a danger going on. */
const STILL_WELL = new Set(['choi', 'an', 'binh', 'khoe', 'tinh']);

/** A word of a danger going on (`PRESENT`), but a "vẫn" that tells someone is still well. */
function presentSign(w: NormalizedText): boolean {
  for (let i = 0; i < w.tokens.length; i++) {
    if (w.folded[i] === 'van' && STILL_WELL.has(w.folded[i + 1])) continue;
    if (phraseOfAt(w, i, PRESENT)) return true;
  }
  return false;
}

/** A day gone by, not "since" one ("từ hôm qua tới giờ", "từ tối qua" tell something still going on). */
function toldAsPast(w: NormalizedText): boolean {
  for (let i = 0; i < w.tokens.length; i++) if (w.folded[i - 1] !== 'tu' && phraseOfAt(w, i, PAST)) return true;
  return false;
}

/**
 * Why `text` is no present danger, or null when it may be one (a word of a danger going on, a word
 * that may mean someone in danger now — `DANGER_NOW` —, or none of the signs below). In doubt, it
 * is an emergency: the check only vetoes a message that clearly tells no danger now. Procedure: paperwork asked about ("nghiệm thu pccc … mấy loại k"); past: a day
 * gone by ("hôm qua", "tuần rồi"; not "từ hôm qua", and not with a sign of acute danger unless it is
 * over); over: the danger ended or hurt no one ("lửa tắt rồi"); habitual: a hazard that keeps coming
 * back ("chập điện xẹt lửa mấy lần rồi"); advice: which medicine or food, with no sign of acute danger
 * ("bé sốt 38 độ uống thuốc gì").
 */
export function notAPresentDanger(text: string): NotPresentKind | null {
  const w = normalize(text);
  if (w.tokens.length === 0 || presentSign(w) || mayBeDanger(w)) return null;
  const over = !has(w, BUT) && (has(w, OVER) || (has(w, ARRIVED) && has(w, THANKS)));
  // Someone hurt or ill ("tối qua bị rắn cắn, giờ chân sưng", "ba tui đau ngực, uống thuốc gì",
  // "sáng nay kêu không dậy"): a possible danger, unless the message tells it is over.
  if (!over && (has(w, ACUTE) || medicalSign(w))) return null;
  if (has(w, PAPERWORK) && (text.includes('?') || has(w, ASKING))) return 'procedure';
  if (toldAsPast(w)) return 'past';
  if (over) return 'over';
  if (has(w, ADVICE)) return 'advice';
  if (has(w, HABITUAL)) return 'habitual';
  return null;
}
