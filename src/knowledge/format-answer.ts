/**
 * Renders knowledge base entries into the bot's answers. Pure functions, no I/O.
 * `short` suits chat channels (Zalo, Messenger, live chat, the citizen app): the essentials within
 * SHORT_ANSWER_MAX characters and a "Xem chi tiết" button; `full` suits e-mail and the detail view.
 */
import type { Procedure, QuickReplyItem, ServiceAnswer } from './schema';

/** How an answer is shaped for a channel. */
export type AnswerStyle = 'short' | 'full';

/** Text and buttons of one answer. */
export interface FormattedAnswer {
  text: string;
  quickReplies: QuickReplyItem[];
}

/** Closing question of every procedure answer. */
export const ASK_MORE = 'Anh/chị cần hỏi thêm gì không?';

/** Upper bound of a short answer, well under the 2,000 characters of Zalo and Messenger texts. */
export const SHORT_ANSWER_MAX = 1200;

/** Quick-reply payloads the policy understands: `detail:<intent>` shows the full answer, `handover` calls an operator. */
export const PAYLOAD_HANDOVER = 'handover';
/** Payload of "Hỏi thêm": the citizen wants to ask something else. */
export const PAYLOAD_ASK_MORE = 'ask_more';

const QR_DETAIL = (intent: string): QuickReplyItem => ({ title: 'Xem chi tiết', payload: `detail:${intent}` });
const QR_ASK_MORE: QuickReplyItem = { title: 'Hỏi thêm', payload: PAYLOAD_ASK_MORE };
const QR_HANDOVER: QuickReplyItem = { title: 'Gặp tổng đài viên', payload: PAYLOAD_HANDOVER };

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

interface ShortBudget {
  docs: number;
  where: number;
  item: number;
  line: number;
}

function shortText(p: Procedure, b: ShortBudget): string {
  const parts: string[] = [p.title, clip(p.summary, b.line * 2)];
  const docs = p.documents.slice(0, b.docs).map((d) => clip(d, b.item));
  const more = p.documents.length > b.docs ? '\n- Giấy tờ khác: bấm "Xem chi tiết".' : '';
  parts.push(`Hồ sơ chính:\n${bullets(docs)}${more}`);
  parts.push(`Thời hạn giải quyết: ${clip(p.processing_time, b.line)}\nPhí, lệ phí: ${clip(p.fee, b.line)}`);
  let where = `Nơi nộp, cách nộp:\n${bullets(p.where.slice(0, b.where).map((w) => clip(w, b.item)))}`;
  const shownWhere = p.where.slice(0, b.where).join(' ');
  if (p.online_url && !shownWhere.includes(p.online_url)) where += `\nNộp trực tuyến: ${p.online_url}`;
  parts.push(where);
  parts.push(ASK_MORE);
  return parts.join('\n\n');
}

// From richest to most compact; the first that fits the limit is used.
const SHORT_BUDGETS: ShortBudget[] = [
  { docs: 5, where: 3, item: 180, line: 260 },
  { docs: 5, where: 3, item: 140, line: 200 },
  { docs: 4, where: 3, item: 120, line: 170 },
  { docs: 4, where: 2, item: 110, line: 150 },
  { docs: 3, where: 2, item: 100, line: 130 },
  { docs: 3, where: 2, item: 90, line: 110 },
  { docs: 2, where: 2, item: 80, line: 100 },
];

function fullText(p: Procedure): string {
  const sections: string[] = [p.title.toUpperCase(), p.summary];
  const add = (heading: string, body: string) => sections.push(`${heading}\n${body}`);
  add('CƠ QUAN GIẢI QUYẾT', p.agency);
  add('HỒ SƠ', bullets(p.documents));
  add('THỜI HẠN GIẢI QUYẾT', p.processing_time);
  add('PHÍ, LỆ PHÍ', p.fee);
  add('NƠI NỘP, CÁCH NỘP', bullets(p.where) + (p.online_url && !urlMentioned(p) ? `\nNộp trực tuyến: ${p.online_url}` : ''));
  add('CĂN CỨ PHÁP LÝ', bullets(p.legal_basis));
  if (p.recent_changes.length > 0) add('THAY ĐỔI GẦN ĐÂY', bullets(p.recent_changes));
  if (p.notes.length > 0) add('LƯU Ý', bullets(p.notes));
  // Where the facts come from, so a citizen (or an operator) can check them.
  add('NGUỒN THAM KHẢO', bullets(p.sources));
  sections.push(`Thông tin được rà soát ngày ${vnDate(p.last_reviewed)}. Quy định có thể thay đổi; anh/chị vui lòng đối chiếu tại nơi nộp hồ sơ.`);
  sections.push(ASK_MORE);
  return sections.join('\n\n');
}

/** Renders a procedure as the bot's answer in the given style. */
export function formatProcedureAnswer(p: Procedure, style: AnswerStyle): FormattedAnswer {
  if (style === 'full') return { text: fullText(p), quickReplies: [QR_ASK_MORE, QR_HANDOVER] };
  let text = '';
  for (const budget of SHORT_BUDGETS) {
    text = shortText(p, budget);
    if (text.length <= SHORT_ANSWER_MAX) break;
  }
  if (text.length > SHORT_ANSWER_MAX) {
    // Last resort: keep the start and the closing question; the detail view has everything.
    text = `${clip(text, SHORT_ANSWER_MAX - ASK_MORE.length - 4)}\n\n${ASK_MORE}`;
  }
  return { text, quickReplies: [QR_DETAIL(p.intent), QR_ASK_MORE, QR_HANDOVER] };
}

/**
 * Renders a service answer, filling placeholders such as {next_open} from `vars`
 * (unknown placeholders fall back to a neutral wording, never "undefined").
 */
export function formatServiceAnswer(s: ServiceAnswer, vars: Record<string, string> = {}): FormattedAnswer {
  const text = s.text.replace(/\{([a-z_]+)\}/g, (whole, key: string) => vars[key] ?? DEFAULT_VARS[key] ?? whole);
  return { text: text.trim(), quickReplies: s.quick_replies.map((q) => ({ title: q.title, payload: q.payload })) };
}
