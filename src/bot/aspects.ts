/**
 * The aspect of a procedure a citizen asks about ("cần giấy gì", "bao nhiêu tiền", "mất mấy ngày"…),
 * so that the answer leads with that part instead of the whole summary. Keyword rules on folded text.
 */
import { foldDiacritics } from '../nlu/fold';

/** The parts of a procedure a question can be about, in the order answers show them. */
export const ASPECTS = ['ho_so', 'le_phi', 'thoi_han', 'noi_nop', 'truc_tuyen', 'dieu_kien'] as const;
/** One part of a procedure: documents, fee, processing time, where to submit, online submission, eligibility. */
export type Aspect = (typeof ASPECTS)[number];

/** Button titles offering each aspect (at most 20 characters: Messenger's limit). */
export const ASPECT_TITLES: Record<Aspect, string> = {
  ho_so: 'Hồ sơ',
  le_phi: 'Lệ phí',
  thoi_han: 'Thời hạn',
  noi_nop: 'Nơi nộp',
  truc_tuyen: 'Nộp trực tuyến',
  dieu_kien: 'Điều kiện',
};

// Words citizens use (folded: no diacritics), Southern forms included ("hông", "nhiu", "mấy bữa").
const RULES: [Aspect, RegExp][] = [
  [
    'thoi_han',
    /\b(thoi han|thoi gian giai quyet|bao lau|may ngay|bao nhieu ngay|may bua|bao nhieu bua|may tuan|bao nhieu lau|lau (khong|hong|ko|k)|khi nao (co|nhan|lay)|may hom|nhanh (khong|hong|ko)|tra ket qua khi nao)\b/,
  ],
  [
    'le_phi',
    /\b(le phi|phi|bao nhieu tien|bao nhiu tien|may tien|ton bao nhieu|het bao nhieu|mat bao nhieu tien|ton tien|mat tien|mien phi|tien (le )?phi|gia bao nhieu|dong bao nhieu|nop bao nhieu)\b/,
  ],
  [
    'ho_so',
    /\b(giay to|ho so|can giay|can gi|can nhung gi|can nhung giay|mang theo|chuan bi (gi|nhung gi)|thanh phan|giay gi|can nhung|phai co gi|can co gi|nop nhung gi|nop gi)\b/,
  ],
  [
    'truc_tuyen',
    /\b(online|onl|truc tuyen|qua mang|tren mang|qua dien thoai|tren dien thoai|vneid|dich vu cong|dichvucong|tai nha (duoc|dc)|khong can (den|di|len))\b/,
  ],
  ['noi_nop', /\b(o dau|cho nao|noi nop|nop dau|lam dau|nop o|lam o|den dau|toi dau|di dau|co quan nao|noi nao|dia chi)\b/],
  ['dieu_kien', /\b(ai duoc|ai co the|ai dc|dieu kien|doi tuong|co duoc (lam|cap|huong) khong|truong hop nao|co du dieu kien)\b/],
];

/** The rules' words, all occurrences: removed to see what else a follow-up says. */
const ERASE = RULES.map(([, re]) => new RegExp(re.source, 'g'));

/** The aspects a message asks about, in answer order; empty when it asks about the procedure as a whole. */
export function detectAspects(text: string): Aspect[] {
  const t = foldDiacritics(text);
  const found = new Set<Aspect>();
  for (const [aspect, re] of RULES) if (re.test(t)) found.add(aspect);
  // "nộp online ở đâu" asks for the online way, not the office.
  if (found.has('truc_tuyen')) found.delete('noi_nop');
  // "ho so" alone also names the file being tracked ("hồ sơ của tôi tới đâu rồi"): the policy only uses
  // aspects of procedure questions, so no extra rule is needed here.
  return ASPECTS.filter((a) => found.has(a));
}

// Words of a follow-up that say nothing about which procedure: particles, pronouns, politeness.
const FILLER = new Set(
  'con vay the roi thi la va voi cho hoi xin a ah ha nha nhe nhi ne em anh chi tui toi minh co khong ko k hong hok dc duoc bao nhieu nhieu nhiu may mat ton het phai can gi sao nao o dau lam nop ve cai do kia'.split(
    ' ',
  ),
);

/**
 * True when a message only asks about an aspect ("còn lệ phí?", "vậy mất mấy ngày vậy em"): once the
 * aspect's words and small words are removed, at most one word is left, so it names no procedure and
 * is about the one just answered.
 */
export function isAspectFollowUp(text: string): boolean {
  if (detectAspects(text).length === 0) return false;
  let t = ` ${foldDiacritics(text)} `;
  for (const re of ERASE) t = t.replace(re, ' ');
  return t.split(' ').filter((w) => w && !FILLER.has(w)).length <= 1;
}
