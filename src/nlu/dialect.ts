/**
 * Southern Vietnamese (Nam Bộ) words mapped to the standard words the training data is mostly
 * written in: Đồng Tháp's citizens write "tui mần giấy tờ cho tía hông được" as often as
 * "tôi làm giấy tờ cho cha không được". Keys are lowercase NFC tokens; values may span several
 * syllables. Words that are also common standard words are resolved in context
 * (`resolveSouthern`), never blindly: "biểu" is "bảo" except in "biểu mẫu", "lãnh" is "lĩnh"
 * except in "Cao Lãnh" or "lãnh đạo", "ảnh" is "anh ấy" only before a verb, not in "ảnh thẻ".
 */

/** Southern token → standard Vietnamese, independent of the neighbours. */
export const SOUTHERN: ReadonlyMap<string, string> = new Map<string, string>([
  // pronouns and people
  ['tui', 'tôi'],
  ['tụi', 'chúng'],
  ['ổng', 'ông ấy'],
  ['bả', 'bà ấy'],
  ['tía', 'cha'],
  ['má', 'mẹ'],
  ['mạ', 'mẹ'],
  ['dzợ', 'vợ'],
  // negation, question and sentence particles
  ...['hông', 'hổng'].map((k): [string, string] => [k, 'không']),
  ...['dzậy', 'dzạy', 'dzầy', 'vầy', 'zầy', 'dzay', 'zay', 'zậy', 'vại'].map((k): [string, string] => [k, 'vậy']),
  ...['nghen', 'nhen', 'hén', 'nhe', 'nhé', 'nhá'].map((k): [string, string] => [k, 'nha']),
  ['nè', 'này'],
  ['rày', 'nay'],
  ['hổm', 'hôm'],
  // verbs
  ['mần', 'làm'],
  ['mướn', 'thuê'],
  ['xài', 'dùng'],
  ['coi', 'xem'],
  ['kiếm', 'tìm'],
  ...['giùm', 'dùm'].map((k): [string, string] => [k, 'giúp']),
  ['gởi', 'gửi'],
  ['lượm', 'nhặt'],
  ['rượt', 'đuổi'],
  ...['giựt', 'dựt'].map((k): [string, string] => [k, 'giật']),
  ['quởn', 'rảnh'],
  ['lẹ', 'nhanh'],
  // places and directions: "ở bển" = over there, "trển" = up there
  ['bển', 'bên đó'],
  ['trển', 'trên đó'],
  ['ngoải', 'ngoài đó'],
  ['trỏng', 'trong đó'],
  ...['vô', 'zô', 'dzô', 'dô'].map((k): [string, string] => [k, 'vào']),
  ...['dìa', 'zìa', 'dzìa', 'dề', 'dzề'].map((k): [string, string] => [k, 'về']),
  ...['zới', 'dới', 'dzới'].map((k): [string, string] => [k, 'với']),
  // Southern pronunciations written as heard
  ['bịnh', 'bệnh'],
  ['thiệt', 'thật'],
  ['nhứt', 'nhất'],
  ['nhơn', 'nhân'],
  ['sanh', 'sinh'],
  ['phước', 'phúc'],
  ['chưn', 'chân'],
  ['xíu', 'chút'],
  ['gòi', 'rồi'],
  ['dzui', 'vui'],
]);

/** Words after "biểu" that make it the standard "biểu" (form, protest, fee table…), not "bảo". */
const BIEU_STANDARD_NEXT = new Set(['mau', 'tinh', 'hien', 'dien', 'do', 'phi', 'quyet', 'thue', 'gia', 'tuong', 'duong', 'ngu', 'thi']);
const BIEU_STANDARD_PREV = new Set(['dai', 'bang', 'phat', 'tieu', 'cac', 'theo']);
/** Words after "lãnh" that make it the Southern "lĩnh" (to collect money, papers). */
const LANH_COLLECT_NEXT = new Set([
  'luong',
  'tien',
  'tro',
  'bao',
  'huu',
  'thuong',
  'che',
  'gao',
  'hang',
  'the',
  'so',
  'bang',
  'giay',
  'ket',
  'ho',
  'bhxh',
  'bhtn',
  'that',
]);
/** Words after "lãnh" that make it the standard word or a place (lãnh đạo, lãnh thổ, lãnh sự). */
const LANH_STANDARD_NEXT = new Set(['dao', 'tho', 'su', 'hai', 'dia', 'tu', 'dam', 'binh']);
/** Verbs after "ảnh" that make it "anh ấy" rather than a photo. */
const ANH_PERSON_NEXT = new Set([
  'noi',
  'bieu',
  'bao',
  'di',
  'keu',
  'lam',
  'man',
  'muon',
  'dang',
  'hong',
  'khong',
  'ko',
  'chua',
  'o',
  'bi',
  'moi',
  've',
  'dia',
  'len',
  'xuong',
  'da',
  'co',
  'can',
  'chet',
  'mat',
  'nam',
]);
const PHOTO_PREV = new Set(['chup', 'hinh', 'tam', 'cai', 'buc', 'nop', 'gui', 'kem', 'dan']);
/** Before "hen", words that make it "hẹn" (appointment) or asthma, not the particle. */
const HEN_STANDARD_PREV = new Set(['lich', 'con', 'len', 'cuoc', 'co', 'gio', 'benh', 'bi', 'giay', 'phieu', 'ngay', 'tre']);

/**
 * Resolves a Southern word whose reading depends on its folded neighbours; undefined when the
 * word is not one of them or keeps its standard reading.
 */
export function resolveSouthern(token: string, prev: string | undefined, next: string | undefined): string | undefined {
  switch (token) {
    case 'biểu':
    case 'bieu':
      if ((next !== undefined && BIEU_STANDARD_NEXT.has(next)) || (prev !== undefined && BIEU_STANDARD_PREV.has(prev))) return undefined;
      return 'bảo';
    case 'lãnh':
      if (prev === 'cao' || (next !== undefined && LANH_STANDARD_NEXT.has(next))) return undefined;
      return 'lĩnh';
    case 'lanh':
      return prev !== 'cao' && next !== undefined && LANH_COLLECT_NEXT.has(next) ? 'lĩnh' : undefined;
    case 'ảnh':
      return next !== undefined && ANH_PERSON_NEXT.has(next) && !(prev !== undefined && PHOTO_PREV.has(prev)) ? 'anh ấy' : undefined;
    case 'hen':
      return next !== 'suyen' &&
        !(prev !== undefined && HEN_STANDARD_PREV.has(prev)) &&
        (next === undefined || next === 'ad' || next === 'a')
        ? 'nha'
        : undefined;
    case 'nhiêu':
      // "nhiêu tiền" alone is the Southern "bao nhiêu tiền".
      return prev === 'bao' ? undefined : 'bao nhiêu';
    case 'lộn':
      // "ghi lộn tên" = written wrongly; "lộn xộn" is something else.
      return next === 'xon' ? undefined : 'nhầm';
    case 'trật':
      return next === 'tu' || next === 'khop' ? undefined : 'sai';
    case 'đậu':
      // "ở đậu" = staying at someone else's place.
      return prev === 'o' ? 'nhờ' : undefined;
    default:
      return undefined;
  }
}

/** Tokens that `resolveSouthern` may rewrite. */
export const SOUTHERN_IN_CONTEXT: ReadonlySet<string> = new Set([
  'biểu',
  'bieu',
  'lãnh',
  'lanh',
  'ảnh',
  'hen',
  'nhiêu',
  'lộn',
  'trật',
  'đậu',
]);
