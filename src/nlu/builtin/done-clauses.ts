/**
 * Back-story clauses told as done or owned: "tui làm khai tử cho ba xong rồi", "có giấy báo tử
 * rồi", "Tôi vừa đăng ký thường trú xong". Citizens name the procedures they have finished before
 * the one they ask about; the engine reads the message once more without those clauses, so that
 * a finished procedure's words do not decide the request unchecked.
 */
import { foldDiacritics, hasDiacritics, normalize } from '../normalize';
import { CLAUSE } from './segments';

/** Where a done clause sits in the text (character offsets, end exclusive). */
export interface Span {
  start: number;
  end: number;
}

/** A cheap test before normalizing clauses: the text may tell something as done ("rồi", "r", "xong"). */
const DONE_HINT = /r[ồo]i|\br\b|xong/iu;
/** Particles that may follow the closing "rồi" ("xong rồi ạ", "có rồi luôn", "đủ hết rồi nè"). */
const TRAILING = new Set(['a', 'luon', 'het', 'tron', 'nha', 'nghen', 'ne', 'do', 'ma', 'nua', 'xuoi', 'ca', 'hen']);
/**
 * Verbs of doing or having that make a clause ending in "rồi" a finished procedure ("làm … rồi",
 * "có … rồi", "xin được rồi"); without one, "rồi" tells time or age ("82 tuổi rồi", "cháy rồi!").
 * Compared accented when the writer typed accents ("đổi", not "đôi" in "gãy đôi").
 */
const DONE_VERBS = new Set('làm mần xin có nộp đăng cấp lãnh lĩnh được sang chia chuyển đổi cài đóng xong nhận'.split(' '));
const FOLDED_DONE_VERBS = new Set([...DONE_VERBS].map(foldDiacritics));
/**
 * Words that make a clause a question, a denial or a plea, never a finished story; compared
 * accented when typed with accents ("báo tử" is no "bao").
 */
const ASKING = new Set('gì sao đâu nào chưa ai hả không hông ko hok nhiêu giúp giùm dùm'.split(' '));
const FOLDED_ASKING = new Set([...ASKING].map(foldDiacritics));
/**
 * Words of loss or damage: "làm mất cái thẻ rồi", "đánh rớt rồi", "rách rồi", "bị chuột cắn nát
 * rồi", "ướt hết rồi", "cháy rụi rồi" tell why a paper is asked for again, not a procedure done.
 * Unaccented, only the spellings no common word shares.
 */
const LOSS = new Set('mất rớt rách hư hỏng gãy lạc nát ướt mục cháy'.split(' '));
const FOLDED_LOSS = new Set(['mat', 'rot', 'rach', 'lac', 'uot']);
/** After "bao", the words that make a question: bao nhiêu, bao lâu, bao giờ. */
const BAO_QUESTION = new Set(['nhieu', 'lau', 'gio']);

function asks(tokens: readonly string[], folded: readonly string[]): boolean {
  return tokens.some(
    (t, i) => (hasDiacritics(t) ? ASKING.has(t) : FOLDED_ASKING.has(folded[i])) || (folded[i] === 'bao' && BAO_QUESTION.has(folded[i + 1])),
  );
}
/** A word as typed (for counting a clause's words without normalizing it). */
const WORD = /[\p{L}\p{N}]+/gu;
/** A clause needs this many words to be a story (and the rest of the message as many to be a request). */
const MIN_WORDS = 3;

/** True when `text` has at least `n` words as typed (counted no further). */
function hasWords(text: string, n: number): boolean {
  const words = text.matchAll(WORD);
  let count = 0;
  while (count < n && !words.next().done) count++;
  return count >= n;
}

/** True when the normalized clause tells a procedure as done or owned. */
function isDone(tokens: readonly string[], folded: readonly string[]): boolean {
  if (folded.length < MIN_WORDS || asks(tokens, folded)) return false;
  // Something happening now is no story: "đang cháy", "đang đánh nhau".
  if (tokens.includes('đang')) return false;
  if (tokens.some((t, i) => (hasDiacritics(t) ? LOSS.has(t) : FOLDED_LOSS.has(folded[i])))) return false;
  let last = folded.length - 1;
  while (last > 0 && TRAILING.has(folded[last])) last--;
  if (folded.includes('xong')) return true;
  return folded[last] === 'roi' && tokens.some((t, i) => (hasDiacritics(t) ? DONE_VERBS.has(t) : FOLDED_DONE_VERBS.has(folded[i])));
}

/**
 * "… xong rồi mà …": a procedure told as finished, then a complaint or a question about something
 * else in the same clause ("làm khai sinh xong rồi mà sao chưa thấy thẻ bảo hiểm y tế"). Not a bare
 * "rồi mà" or "xong mà": "cài app vneid rồi mà hổng cho đăng nhập", "trả lệ phí xong mà hổng thấy
 * biên lai" complain about the same procedure.
 */
const DONE_BUT = /(?:xong|xog)\s+(?:rồi|roi|r)(?=\s+(?:mà|ma)\s)/giu;

/** The message's clauses (`CLAUSE`), each cut once more after a "rồi" or "xong" that a "mà" follows. */
function* clausesOf(text: string): Generator<[string] & { index: number }> {
  for (const m of text.matchAll(CLAUSE)) {
    const raw = m[0];
    const start = m.index ?? 0;
    let from = 0;
    for (const cut of raw.matchAll(DONE_BUT)) {
      const end = (cut.index ?? 0) + cut[0].length;
      yield Object.assign([raw.slice(from, end)] as [string], { index: start + from });
      from = end;
    }
    yield Object.assign([raw.slice(from)] as [string], { index: start + from });
  }
}

/**
 * The clauses of a message that tell a procedure as done or owned, when at least one other
 * clause of three words or more is left to carry the request; none otherwise.
 */
export function doneClauses(text: string): Span[] {
  if (!DONE_HINT.test(text)) return [];
  const done: Span[] = [];
  let rest = 0;
  for (const m of clausesOf(text)) {
    const raw = m[0];
    if (raw.includes('?')) {
      rest++;
      continue;
    }
    // Only a clause that says "rồi" or "xong" is normalized (the cost of a long message's parse).
    if (!DONE_HINT.test(raw)) {
      if (hasWords(raw, MIN_WORDS)) rest++;
      continue;
    }
    const n = normalize(raw);
    if (n.folded.length === 0) continue;
    const start = m.index ?? 0;
    if (isDone(n.tokens, n.folded)) done.push({ start, end: start + raw.length });
    else if (n.folded.length >= MIN_WORDS) rest++;
  }
  return rest > 0 ? done : [];
}
