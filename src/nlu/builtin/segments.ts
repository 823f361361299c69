/**
 * Long messages: citizens on Zalo and Messenger write a greeting, a story, the question and a
 * thank-you in one message. This module cuts a message into clauses, recognizes the ones that
 * only greet, thank, apologize or address the hotline (they say nothing about the request and
 * dilute it), and marks the clauses that ask or request something, so that the engine classifies
 * the request part and can notice two distinct requests in one message.
 */
import { foldDiacritics, normalize } from '../normalize';

/** One clause of a message, with its place in the original text. */
export interface Clause {
  text: string;
  start: number;
  end: number;
  /** Folded, normalized syllables. */
  words: readonly string[];
  /** Only greets, thanks, apologizes or addresses the hotline. */
  filler: boolean;
  /** Asks a question or requests something (a "?", a question word, or a request opener such as "cho hỏi"). */
  request: boolean;
  /** Starts a sentence (not a clause after a comma). */
  sentenceStart: boolean;
  /** Puts something off for later ("vụ nhận cha cho con tính sau", "gia đình định sau này làm thừa kế"): not the request. */
  deferred: boolean;
  /** Tells what the writer will do later, and asks nothing ("để mai chú lên xã làm", "để cuối tuần em về quê nộp"). */
  plan: boolean;
  /** Takes leave and says nothing else ("tui đi đây", "hẹn gặp lại", "tạm biệt nha"). */
  leave: boolean;
}

/** Clause ends: sentence punctuation, line breaks, and commas (a greeting often ends with one). */
export const CLAUSE = /[^.?!;\n,…]+[.?!;\n,…]*/gu;
const SENTENCE_END = /[.?!;\n…]/u;

/** Whether `run` (folded words) stands in `words` from index `at`. */
export function runAt(words: readonly string[], at: number, run: readonly string[]): boolean {
  for (let k = 0; k < run.length; k++) if (words[at + k] !== run[k]) return false;
  return true;
}

/** Words that make a clause a greeting, a thank-you, an apology or a polite closing. */
const FILLER_CUES = new Set('chao loi cam on kinh alo phien thank chuc biet hieu mong tuyet'.split(' '));
/** Words that may stand beside the cues in such a clause (people, the hotline, particles). */
const FILLER_WORDS = new Set(
  (
    'a ad admin anh chi em toi minh chung ta tong dai vien 1022 da vang u a nha nghen luon cac moi nguoi co chu bac ban xin nhieu rat lam ' +
    'duoc som hoi dap tra loi xem xet quy co quan can bo ong ba con chau may ca nhe nhi oi voi va cua truc ho tro giup nhan buoi sang chieu ' +
    'toi ngay tot lanh suc khoe thanh cong truoc that that su lai lan nua trung tam hanh chinh cong ubnd uy ban xa phuong tinh dong thap ' +
    'kinh gui chuc thi cho minh em nhe day ah nay do ay vui long thong cam xin loi vi phien lam ha nhieu lam mot ngay vui ve ' +
    'da het roi biet hieu vay ok manh gioi binh an'
  ).split(' '),
);
/**
 * Question words, accented (not "mấy": "mấy năm nay" tells a story). A word typed without accents
 * is compared folded ("dau" may be "đầu" as well as "đâu": without accents, nothing tells them apart).
 */
const QUESTION_WORDS = new Set('gì sao đâu nào chưa ai hả nhỉ'.split(' '));
const FOLDED_QUESTION_WORDS = new Set([...QUESTION_WORDS].map(foldDiacritics));
/** After "bao" (folded "bảo" is also "to tell"), the words that make a question: bao nhiêu, bao lâu, bao giờ. */
const BAO_QUESTION = new Set(['nhieu', 'lau', 'gio']);
/** Words that end a yes/no question ("… được không", "… phải hông"). */
const QUESTION_ENDS = new Set(['khong', 'chua', 'ha', 'ko', 'hong', 'nha', 'vay', 'a']);
/** Openers of a request ("cho hỏi", "xin hỏi", "làm ơn", "nhờ", "đề nghị") regardless of question words. */
const REQUEST_OPENERS = [['cho'], ['xin', 'hoi'], ['lam', 'on'], ['nho'], ['de', 'nghi'], ['giup']];
/** Words before "hỏi" that make it a request to ask ("cho hỏi", "xin hỏi", "muốn hỏi"), not "hồi đó". */
const ASK_BEFORE = new Set(['cho', 'xin', 'muon', 'can']);
/** Most request sentences looked at (the last ones: the questions come at the end). */
const MAX_REQUEST_SENTENCES = 4;

/** Words that end a clause putting something off ("… tính sau", "… tui tính làm sau", "… sẽ tính sau"), particles aside. */
const LATER_ENDS = [
  ['tinh', 'sau'],
  ['lam', 'sau'],
];
/** A wish put off to a later day inside a clause ("định sau này làm thừa kế", "tính sau này mới làm"). */
const LATER_WISHES = [
  ['dinh', 'sau', 'nay'],
  ['tinh', 'sau', 'nay'],
];
/** Particles that may close a clause after what it puts off. */
const CLOSING_PARTICLES = new Set(['a', 'nha', 'ha', 'luon', 'roi', 'the', 'vay', 'di']);

/**
 * A clause that puts another matter off for later, and asks nothing ("vụ nhận cha cho con tính sau"):
 * not one that does something first and the rest later ("làm khai sinh trước rồi tính sau").
 */
function isDeferred(words: readonly string[], request: boolean): boolean {
  if (request || words.includes('truoc')) return false;
  let end = words.length;
  while (end > 0 && CLOSING_PARTICLES.has(words[end - 1])) end--;
  const endsLater = LATER_ENDS.some((p) => end >= p.length + 1 && runAt(words, end - p.length, p));
  if (endsLater) return true;
  for (let i = 0; i < words.length; i++) for (const p of LATER_WISHES) if (words[i] === p[0] && runAt(words, i, p)) return true;
  return false;
}

/** After "để", the words of a later day that make a clause a plan ("để mai", "để chiều", "để cuối tuần", "để bữa khác"). */
const PLAN_TIMES = new Set(['mai', 'mot', 'chieu', 'sang', 'toi', 'cuoi', 'bua', 'hom', 'tuan', 'thu', 'khi', 'luc', 'ngay', 'dip']);

/** Before "mai", the parts of a day that open a plan ("chiều mai em ghé", "sáng mai tui lên"). */
const DAY_PARTS = new Set(['ngay', 'chieu', 'sang', 'toi', 'trua']);

/**
 * A plan for later that asks nothing ("để mai chú lên xã làm", "để cuối tuần em xin nghỉ về quê nộp
 * hồ sơ", "mai tui lên xã làm liền", "chiều mai em ghé").
 */
function isPlan(words: readonly string[], request: boolean): boolean {
  if (request) return false;
  if (words[0] === 'de') return PLAN_TIMES.has(words[1]);
  return words[0] === 'mai' || words[0] === 'mot' || (DAY_PARTS.has(words[0]) && words[1] === 'mai');
}

/** Phrases that take leave (folded): "hẹn gặp lại", "tạm biệt" (and "bye"), "tui đi đây", "tui về đây". */
const LEAVE_PHRASES = [
  ['hen', 'gap', 'lai'],
  ['tam', 'biet'],
  ['di', 'day'],
  ['ve', 'day'],
];

/** The words a leave phrase starts with. */
const LEAVE_FIRST = new Set(LEAVE_PHRASES.map((p) => p[0]));

/** A clause that only takes leave: a leave phrase, and besides it only the words a greeting may have. */
function isLeave(words: readonly string[]): boolean {
  // A quick look first: most clauses hold no word a leave phrase starts with.
  if (!words.some((w) => LEAVE_FIRST.has(w))) return false;
  for (const p of LEAVE_PHRASES) {
    for (let i = 0; i + p.length <= words.length; i++) {
      if (words[i] !== p[0] || !runAt(words, i, p)) continue;
      return words.every((w, j) => (j >= i && j < i + p.length) || FILLER_WORDS.has(w));
    }
  }
  return false;
}

/** Who the writer is, before the story ("tôi là cộng tác viên y tế ấp", "tui là trưởng ấp"): words that open such a clause. */
const SELF = new Set(['toi', 'tui', 'em', 'minh', 'con', 'chau']);
/** Longest self-introduction clause (words): a longer one tells more than who is writing. */
const MAX_INTRODUCTION_WORDS = 10;

/** A clause that only says who is writing ("tôi là giáo viên chủ nhiệm lớp 3"): a greeting's kin, nothing asked. */
function isIntroduction(words: readonly string[], request: boolean): boolean {
  return !request && words.length <= MAX_INTRODUCTION_WORDS && SELF.has(words[0]) && words[1] === 'la';
}

function isFiller(words: readonly string[]): boolean {
  if (words.length === 0) return true;
  let cue = false;
  for (const w of words) {
    if (FILLER_CUES.has(w)) cue = true;
    else if (!FILLER_WORDS.has(w) && !/^\d+$/.test(w)) return false;
  }
  return cue;
}

function isRequest(tokens: readonly string[], words: readonly string[], raw: string): boolean {
  if (raw.includes('?')) return true;
  // "(may) hổng ai bị gì": no one was hurt, not "who?" nor "what?".
  const from = words[0] === 'may' ? 1 : 0;
  if (words[from] === 'khong' && words[from + 1] === 'ai') return false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === words[i] ? FOLDED_QUESTION_WORDS.has(t) : QUESTION_WORDS.has(t)) return true;
    if (words[i] === 'bao' && BAO_QUESTION.has(words[i + 1])) return true;
  }
  // A yes/no question: "không" among the last words ("có phải khai báo không ạ").
  if (words.slice(-3).some((w) => w === 'khong') && QUESTION_ENDS.has(words[words.length - 1])) return true;
  return REQUEST_OPENERS.some((o) => runAt(words, 0, o)) || opensWithAsking(words);
}

/** "cho hỏi", "cho tui hỏi", "xin hỏi", "em muốn hỏi", "tui cần hỏi" among the first words (not "hồi đó"). */
function opensWithAsking(folded: readonly string[]): boolean {
  for (let i = 1; i < Math.min(folded.length, 5); i++) {
    if (folded[i] !== 'hoi') continue;
    if (ASK_BEFORE.has(folded[i - 1]) || (i >= 2 && folded[i - 2] === 'cho')) return true;
  }
  return false;
}

/** The clauses of a message, in order (an empty list for a message without letters or digits). */
export function clauses(text: string): Clause[] {
  const out: Clause[] = [];
  let sentenceStart = true;
  for (const m of text.matchAll(CLAUSE)) {
    const raw = m[0];
    const start = m.index ?? 0;
    const { tokens, folded: words } = normalize(raw);
    if (words.length > 0) {
      const request = isRequest(tokens, words, raw);
      out.push({
        text: raw,
        start,
        end: start + raw.length,
        words,
        filler: isFiller(words) || (sentenceStart && isIntroduction(words, request)),
        request,
        sentenceStart,
        deferred: isDeferred(words, request),
        plan: isPlan(words, request),
        leave: !request && isLeave(words),
      });
    }
    sentenceStart = SENTENCE_END.test(raw);
  }
  return out;
}

/** The message without its filler clauses; the message itself when nothing else is left. */
export function requestPart(parts: Clause[], text: string): string {
  const kept = parts.filter((c) => !c.filler && !c.deferred);
  if (kept.length === 0 || kept.length === parts.length) return text;
  return kept.map((c) => c.text.trim()).join(' ');
}

/**
 * The message's sentences that ask or request something (commas do not split here: "xin hỏi
 * A, B thì sao" is one request), for finding two requests in one message.
 */
export function requestSentences(parts: Clause[]): string[] {
  const sentences: Clause[][] = [];
  for (const c of parts) {
    if (c.sentenceStart || sentences.length === 0) sentences.push([c]);
    else sentences[sentences.length - 1].push(c);
  }
  return sentences
    .map((s) => s.filter((c) => !c.filler && !c.deferred))
    .filter((s) => s.length > 0 && s.some((c) => c.request))
    .map((s) => s.map((c) => c.text.trim()).join(' '))
    .slice(-MAX_REQUEST_SENTENCES);
}

/**
 * Words that join two requests inside one sentence ("làm lại căn cước với đổi bằng lái luôn",
 * "thẻ bảo hiểm cho bé làm ở đâu, với lại giấy khai sanh làm chung được hông"), longest first.
 */
const JOINERS = [['voi', 'lai'], ['cung', 'voi'], ['voi'], ['va']];
/** Fewest words on each side of a joiner for the two sides to be requests of their own. */
const MIN_SIDE_WORDS = 3;

/** Words that ask where, how or what, or name an office: a half made only of them names no procedure. */
const ASPECT_WORDS = new Set(
  'nop o dau can giay to gi khong hong ko duoc bao lau nhieu phi le tien mat ngay may the nao sao thu tuc ho so di den ra len vo toi lam bo phan mot cua huyen ubnd'.split(
    ' ',
  ),
);

/** Words that may name something: neither a greeting's, nor an aspect's or an office's. */
function namingWords(folded: string[]): number {
  return folded.filter((w) => !FILLER_WORDS.has(w) && !ASPECT_WORDS.has(w) && !/^\d+$/.test(w)).length;
}

/** Yes/no endings that make a whole sentence a question ("… làm chung được hông"). */
const YES_NO_ENDS = new Set(['khong', 'hong', 'ko', 'k', 'chua', 'hem', 'hok']);

/**
 * The sentence as a whole asks: it ends with "?" or a yes/no ending, or opens with "cho hỏi",
 * "xin hỏi", "em muốn hỏi"… (a story sentence with a question word inside, "… mà chưa có tên
 * tôi", does not).
 */
function asksAsAWhole(sentence: string, folded: readonly string[]): boolean {
  if (/\?\s*$/u.test(sentence)) return true;
  const last = folded.length - (folded[folded.length - 1] === 'a' ? 2 : 1);
  if (YES_NO_ENDS.has(folded[last])) return true;
  return opensWithAsking(folded);
}

/**
 * A question cut in two at its first joiner ("với lại", "cùng với", "với", "và") that leaves at
 * least three words on each side, each naming something besides where / how / what: the two
 * halves, to be classified apart. Undefined when the sentence does not ask as a whole, when there
 * is no such joiner, or when normalization changed the number of words (teencode "bhyt"). Whether
 * the halves are two requests is the classifier's call ("đăng ký kết hôn với người Hàn Quốc được
 * không" has a joiner but one request).
 */
export function conjoinedHalves(sentence: string): [string, string] | undefined {
  const { folded } = normalize(sentence);
  if (!asksAsAWhole(sentence, folded)) return undefined;
  const raw = [...sentence.matchAll(/[^\s,]+/gu)];
  // The raw words and the normalized ones line up only when normalization kept every word.
  if (raw.length !== folded.length) return undefined;
  for (let i = MIN_SIDE_WORDS; i < folded.length - MIN_SIDE_WORDS; i++) {
    const joiner = JOINERS.find((j) => runAt(folded, i, j));
    if (!joiner || folded.length - i - joiner.length < MIN_SIDE_WORDS) continue;
    if (namingWords(folded.slice(0, i)) === 0 || namingWords(folded.slice(i + joiner.length)) === 0) continue;
    const cut = raw[i].index ?? 0;
    const after = raw[i + joiner.length].index ?? 0;
    return [sentence.slice(0, cut).trim(), sentence.slice(after).trim()];
  }
  return undefined;
}
