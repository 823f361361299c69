/**
 * Renders knowledge base entries into the bot's answers. Pure functions, no I/O.
 * `short` suits chat channels (Zalo, Messenger, live chat, the citizen app): the essentials, or the part
 * asked about, in one message of the channel, and buttons for the rest; `full` suits e-mail and the
 * detail view. Answers are shortened by leaving out whole parts, never by cutting a sentence.
 */
import { ASPECTS, ASPECT_TITLES, type Aspect } from '../bot/aspects';
import type { ChannelCapabilities } from '../channels/kit/contract';
import type { Procedure, QuickReplyItem, ServiceAnswer } from './schema';

/** How an answer is shaped for a channel. */
export type AnswerStyle = 'short' | 'full';

/** Text and buttons of one answer. */
export interface FormattedAnswer {
  text: string;
  quickReplies: QuickReplyItem[];
}

/** How the bot addresses citizens (bot.yml `register` and `messages.ask_more`). */
export interface AnswerVoice {
  /** "anh/chị" or "Quý khách", as written inside a sentence. */
  register: string;
  /** Closing question of every procedure answer. */
  askMore: string;
}

/** The voice of a register; without a closing question of its own, the standard one in that register. */
export function voiceFor(register: string, askMore?: string): AnswerVoice {
  return { register, askMore: askMore ?? `${register[0].toUpperCase()}${register.slice(1)} cần hỏi thêm gì không?` };
}

/** The voice when no bot definition is at hand (previews without one, tests). */
export const DEFAULT_VOICE = voiceFor('anh/chị');

/** Length of a short answer when the channel is not known (previews, tests); channels pass their own limit. */
export const SHORT_ANSWER_MAX = 1200;

/** Quick-reply payloads the policy understands: `detail:<intent>` shows the full answer, `handover` calls an operator. */
export const PAYLOAD_HANDOVER = 'handover';
/** Payload of "Hỏi thêm": the citizen wants to ask something else. */
export const PAYLOAD_ASK_MORE = 'ask_more';

const QR_DETAIL = (intent: string): QuickReplyItem => ({ title: 'Xem chi tiết', payload: `detail:${intent}` });
const QR_ASK_MORE: QuickReplyItem = { title: 'Hỏi thêm', payload: PAYLOAD_ASK_MORE };
const QR_HANDOVER: QuickReplyItem = { title: 'Gặp tổng đài viên', payload: PAYLOAD_HANDOVER };
const QR_ASPECT = (intent: string, a: Aspect): QuickReplyItem => ({ title: ASPECT_TITLES[a], payload: `aspect:${intent}:${a}` });

/** Values used when a service text has a placeholder the caller did not fill. */
const DEFAULT_VARS: Record<string, string> = { next_open: 'giờ làm việc kế tiếp' };

/** Shortens `text` to at most `max` characters, at a sentence end when one is near, else at a word with "…". */
export function clip(text: string, max: number): string {
  const t = text.trim();
  if (t.length <= max) return t;
  const head = t.slice(0, max);
  const sentenceEnd = Math.max(head.lastIndexOf('. '), head.lastIndexOf('; '));
  if (sentenceEnd >= max * 0.5) return head.slice(0, sentenceEnd + 1).trim();
  const space = head.lastIndexOf(' ', max - 1);
  return `${head.slice(0, space > max * 0.5 ? space : max - 1).trim()}…`;
}

/** "2026-11-23" → "23/11/2026". */
function vnDate(iso: string): string {
  const [y, m, d] = iso.split('-');
  return `${d}/${m}/${y}`;
}

const bullets = (items: string[]) => items.map((i) => `- ${i}`).join('\n');

/** Whether the online address is already written in one of the "where" lines. */
function urlMentioned(p: Procedure): boolean {
  return p.online_url !== null && p.where.some((w) => w.includes(p.online_url!));
}

/** What one message of the channel can carry; the answer is shaped to fit it whole. */
export interface AnswerFit {
  /** Longest text of one message on the channel. */
  maxLength: number;
  /** Whether the channel shows buttons; otherwise they are written under the text as a numbered list. */
  quickReplies: boolean;
}

/** The fit of a channel's capabilities. */
export function answerFit(caps: Pick<ChannelCapabilities, 'maxTextLength' | 'quickReplies'>): AnswerFit {
  return { maxLength: caps.maxTextLength, quickReplies: caps.quickReplies !== null };
}

/** Options of a procedure answer. */
export interface ProcedureAnswerOptions {
  /** The parts asked about: the answer leads with them (default: an overview). */
  aspects?: Aspect[];
  /** The channel's limits (default: SHORT_ANSWER_MAX with buttons; unlimited for `full`). */
  fit?: AnswerFit;
  /** How citizens are addressed (default: DEFAULT_VOICE). */
  voice?: AnswerVoice;
}

// One part of an answer: a heading and whole units (list items or sentences), never cut inside a unit.
interface Block {
  key: Aspect | 'tong_quan' | 'co_quan' | 'can_cu' | 'thay_doi' | 'luu_y' | 'nguon' | 'ra_soat';
  heading: string | null;
  units: string[];
  list: boolean;
  /** What the items are ("giấy tờ"): a note says how many were left out and which button shows them. */
  more?: string;
}

/** Splits a text into sentences (kept whole when an answer is shortened). */
function sentences(text: string): string[] {
  return text
    .trim()
    .split(/(?<=[.;!?])\s+(?=[\p{Lu}\d"“(])/u)
    .filter(Boolean);
}

/** The "where" lines about submitting online, or the online address, or null when there is none. */
function onlineLines(p: Procedure): string[] {
  const lines = p.where.filter((w) => /trực tuyến|online|dichvucong|https?:\/\//i.test(w));
  if (lines.length > 0) return lines;
  return p.online_url ? [`Nộp trực tuyến: ${p.online_url}`] : [];
}

function blocksOf(p: Procedure, full: boolean, voice: AnswerVoice): Record<Block['key'], Block> {
  const h = (short: string, long: string) => (full ? long : short);
  const online = onlineLines(p);
  let where = [...p.where];
  if (p.online_url && !urlMentioned(p)) where.push(`Nộp trực tuyến: ${p.online_url}`);
  // A short answer gives the online address first, in one short line, so that it is never left out.
  if (!full && p.online_url) where = [`Nộp trực tuyến: ${p.online_url}`, ...where.filter((w) => !online.includes(w))];
  return {
    tong_quan: { key: 'tong_quan', heading: null, units: sentences(p.summary), list: false },
    co_quan: { key: 'co_quan', heading: h('Cơ quan giải quyết:', 'CƠ QUAN GIẢI QUYẾT'), units: sentences(p.agency), list: false },
    ho_so: { key: 'ho_so', heading: h('Hồ sơ chính:', 'HỒ SƠ'), units: p.documents, list: true, more: 'giấy tờ' },
    thoi_han: { key: 'thoi_han', heading: h('Thời hạn giải quyết:', 'THỜI HẠN GIẢI QUYẾT'), units: sentences(p.processing_time), list: false },
    le_phi: { key: 'le_phi', heading: h('Phí, lệ phí:', 'PHÍ, LỆ PHÍ'), units: sentences(p.fee), list: false },
    noi_nop: {
      key: 'noi_nop',
      heading: h('Nơi nộp, cách nộp:', 'NƠI NỘP, CÁCH NỘP'),
      units: where,
      list: true,
      more: 'cách nộp',
    },
    truc_tuyen: {
      key: 'truc_tuyen',
      heading: h('Nộp trực tuyến:', 'NỘP TRỰC TUYẾN'),
      units: online.length > 0 ? online : [`Chưa có thông tin nộp trực tuyến cho thủ tục này; ${voice.register} vui lòng nộp theo các cách ở mục "Nơi nộp".`],
      list: online.length > 1,
    },
    dieu_kien: {
      key: 'dieu_kien',
      heading: h('Điều kiện, đối tượng:', 'ĐIỀU KIỆN, ĐỐI TƯỢNG'),
      units: [...sentences(p.summary), ...p.notes],
      list: false,
    },
    can_cu: { key: 'can_cu', heading: h('Căn cứ pháp lý:', 'CĂN CỨ PHÁP LÝ'), units: p.legal_basis, list: true },
    thay_doi: { key: 'thay_doi', heading: h('Thay đổi gần đây:', 'THAY ĐỔI GẦN ĐÂY'), units: p.recent_changes, list: true },
    luu_y: { key: 'luu_y', heading: h('Lưu ý:', 'LƯU Ý'), units: p.notes, list: true },
    // Where the facts come from, so a citizen (or an operator) can check them.
    nguon: { key: 'nguon', heading: h('Nguồn tham khảo:', 'NGUỒN THAM KHẢO'), units: p.sources, list: true },
    ra_soat: {
      key: 'ra_soat',
      heading: null,
      units: [`Thông tin được rà soát ngày ${vnDate(p.last_reviewed)}. Quy định có thể thay đổi; ${voice.register} vui lòng đối chiếu tại nơi nộp hồ sơ.`],
      list: false,
    },
  };
}

function renderBlock(b: Block, n: number, full: boolean, button: (b: Block) => string): string {
  const shown = b.units.slice(0, n);
  let body = b.list ? bullets(shown) : shown.join(' ');
  if (b.list && n < b.units.length && b.more) body += `\n- Còn ${b.units.length - n} ${b.more} khác: bấm "${button(b)}".`;
  if (!b.heading) return body;
  // Short answers keep a one-sentence section on the heading's line.
  return !full && !b.list ? `${b.heading} ${body}` : `${b.heading}\n${body}`;
}

/** Quick replies written as a numbered list where the channel has no buttons (as the scaler does). */
const numberedLength = (qr: QuickReplyItem[]) => qr.reduce((n, q, i) => n + `${i + 1}. ${q.title}`.length + 1, 2);

/**
 * Packs blocks into one message of at most `max` characters: first one unit of each block in
 * priority order (so every part gets in), then as many more whole units as fit. Nothing is cut
 * inside a sentence or an item; what does not fit is left out and offered by the buttons.
 */
function pack(
  title: string,
  blocks: Block[],
  priority: Block[],
  max: number,
  full: boolean,
  button: (b: Block) => string,
  askMore: string,
): { text: string; partial: Block['key'][] } {
  const counts = new Map<Block, number>(blocks.map((b) => [b, 0]));
  const compose = () =>
    [
      title,
      ...blocks.filter((b) => counts.get(b)! > 0).map((b) => renderBlock(b, counts.get(b)!, full, button)),
      askMore,
    ].join('\n\n');
  const tryCount = (b: Block, n: number) => {
    const before = counts.get(b)!;
    counts.set(b, n);
    if (compose().length <= max) return true;
    counts.set(b, before);
    return false;
  };
  for (const b of priority) if (b.units.length > 0) tryCount(b, 1);
  // Then one more unit per block and round, so that no part takes all the room.
  let grown = true;
  while (grown) {
    grown = false;
    for (const b of priority) {
      const n = counts.get(b)!;
      if (n > 0 && n < b.units.length && tryCount(b, n + 1)) grown = true;
    }
  }
  return { text: compose(), partial: blocks.filter((b) => counts.get(b)! < b.units.length).map((b) => b.key) };
}

const isAspect = (k: string): k is Aspect => (ASPECTS as readonly string[]).includes(k);

const OVERVIEW: Block['key'][] = ['tong_quan', 'ho_so', 'thoi_han', 'le_phi', 'noi_nop'];
// The overview's budget goes first to what citizens need to act, the summary takes what is left.
const OVERVIEW_PRIORITY: Block['key'][] = ['ho_so', 'thoi_han', 'le_phi', 'noi_nop', 'tong_quan'];
const FULL: Block['key'][] = ['tong_quan', 'co_quan', 'ho_so', 'thoi_han', 'le_phi', 'noi_nop', 'can_cu', 'thay_doi', 'luu_y', 'nguon', 'ra_soat'];

/**
 * Renders a procedure as the bot's answer. `short` is an overview (or, with `aspects`, just the parts
 * asked about, the rest offered as buttons); `full` is everything (e-mail, "Xem chi tiết"). The text
 * always fits one message of the channel (`fit`), shortened by leaving out whole parts, never by
 * cutting a sentence.
 */
export function formatProcedureAnswer(p: Procedure, style: AnswerStyle, options: ProcedureAnswerOptions = {}): FormattedAnswer {
  const full = style === 'full';
  const aspects = options.aspects ?? [];
  const fit = options.fit ?? { maxLength: full ? Number.MAX_SAFE_INTEGER : SHORT_ANSWER_MAX, quickReplies: true };
  const voice = options.voice ?? DEFAULT_VOICE;
  const all = blocksOf(p, full, voice);
  let order: Block['key'][];
  let priority: Block['key'][];
  if (full) {
    order = [...aspects, ...FULL.filter((k) => !aspects.includes(k as Aspect))];
    priority = order;
  } else if (aspects.length > 0) {
    order = aspects;
    priority = aspects;
  } else {
    order = OVERVIEW;
    priority = OVERVIEW_PRIORITY;
  }
  const offered = (keys: Aspect[]) => keys.map((a) => QR_ASPECT(p.intent, a));
  let quickReplies =
    full && aspects.length === 0
      ? [QR_ASK_MORE, QR_HANDOVER]
      : aspects.length > 0
        ? [...offered(ASPECTS.filter((a) => !aspects.includes(a)).slice(0, 4)), QR_DETAIL(p.intent), QR_HANDOVER]
        : [QR_DETAIL(p.intent), QR_ASK_MORE, QR_HANDOVER];
  // The full answer has no "Xem chi tiết": a part that did not fit whole gets its own button.
  const button = (b: Block) => (full && isAspect(b.key) ? ASPECT_TITLES[b.key] : QR_DETAIL(p.intent).title);
  const blocks = order.map((k) => all[k]).filter((b) => b.units.length > 0);
  const byKey = new Map(blocks.map((b) => [b.key, b]));
  const render = () =>
    pack(
      full ? p.title.toUpperCase() : p.title,
      blocks,
      priority.map((k) => byKey.get(k)).filter((b): b is Block => b !== undefined),
      fit.maxLength - (fit.quickReplies ? 0 : numberedLength(quickReplies)),
      full,
      button,
      voice.askMore,
    );
  const first = render();
  const missing = full ? first.partial.filter(isAspect) : [];
  if (missing.length === 0) return { text: first.text, quickReplies };
  // Rendered again: on channels without buttons the added ones take room under the text.
  quickReplies = [...offered(missing), ...quickReplies];
  return { text: render().text, quickReplies };
}

/**
 * Renders a service answer, filling placeholders such as {next_open} from `vars`
 * (unknown placeholders fall back to a neutral wording, never "undefined").
 */
export function formatServiceAnswer(s: ServiceAnswer, vars: Record<string, string> = {}): FormattedAnswer {
  const text = s.text.replace(/\{([a-z_]+)\}/g, (whole, key: string) => vars[key] ?? DEFAULT_VARS[key] ?? whole);
  return { text: text.trim(), quickReplies: s.quick_replies.map((q) => ({ title: q.title, payload: q.payload })) };
}
