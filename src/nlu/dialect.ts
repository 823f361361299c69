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
  ['mầy', 'mày'],
  ['tía', 'cha'],
  ['má', 'mẹ'],
  ['mạ', 'mẹ'],
  ['dzợ', 'vợ'],
  ['ẻm', 'em ấy'],
  // negation, question and sentence particles
  ...['hông', 'hổng'].map((k): [string, string] => [k, 'không']),
  ...['dzậy', 'dzạy', 'dzầy', 'vầy', 'zầy', 'dzay', 'zay', 'zậy', 'vại'].map((k): [string, string] => [k, 'vậy']),
  ...['nghen', 'nhen', 'hén', 'nhe', 'nhé', 'nhá'].map((k): [string, string] => [k, 'nha']),
  ['nè', 'này'],
  ['rày', 'nay'],
  ['hổm', 'hôm'],
  // verbs
  ['mần', 'làm'],
  ['xai', 'dùng'],
  ['lụm', 'nhặt'],
  ['chiện', 'chuyện'],
  ['miết', 'mãi'],
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
  ...['vô', 'zô', 'dzô', 'dô', 'dzo'].map((k): [string, string] => [k, 'vào']),
  ...['dìa', 'zìa', 'dzìa', 'dề', 'dzề'].map((k): [string, string] => [k, 'về']),
  ...['zới', 'dới', 'dzới'].map((k): [string, string] => [k, 'với']),
  // Southern pronunciations written as heard
  ['bịnh', 'bệnh'],
  ['thiệt', 'thật'],
  ['nhứt', 'nhất'],
  ['nhơn', 'nhân'],
  ['chánh', 'chính'],
  ['nhựt', 'nhật'],
  ['huờn', 'hoàn'],
  ['tánh', 'tính'],
  ['sanh', 'sinh'],
  ['phước', 'phúc'],
  ['chưn', 'chân'],
  ['bự', 'to'],
  ['xíu', 'chút'],
  ['gòi', 'rồi'],
  ['dzui', 'vui'],
  ['thúi', 'thối'],
  ['cẳng', 'chân'],
  ['ừa', 'ừ'],
  // "hàng dỏm", "nước mắm dỏm": fake or shoddy goods.
  ['dỏm', 'giả'],
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

/** Before "hôn", words that make it the standard syllable (kết hôn, ly hôn, tái hôn…), not "không". */
const HON_STANDARD_PREV = new Set(['ket', 'li', 'tai', 'dinh', 'cau', 'nu', 'thoai', 'tao', 'tu', 'hua', 'vi']);
/** Particles after a question's "hôn" ("được hôn ạ", "phải hôn ta"). */
const HON_PARTICLES = new Set(['a', 'ad', 'ta', 'ha', 'nha', 'vay', 'anh', 'chi', 'em', 'ba', 'co', 'chu', 'bac']);
/** After "bữa", words that make it a day ("bữa nay", "bữa trước") rather than a meal. */
const BUA_DAY_NEXT = new Set(['nay', 'qua', 'truoc', 'kia', 'do', 'hom', 'sau', 'no', 'tet', 'roi']);
const BUA_DAY_PREV = new Set(['may', 'hom', 'hai', 'ba', 'bon', 'nam', 'vai', 'moi', 'nhieu', 'tuan', 'hom']);
/** After "mắc", words that make it "đắt" (expensive) rather than "mắc kẹt", "mắc bệnh". */
const MAC_PRICE_NEXT = new Set(['qua', 'wa', 'lam', 'vay', 'the', 'ghe', 'hon', 'khong', 'ha', 'a', 'nhi', 'ta', 'nha', 'tien', 'mo']);
/** After "kêu", words that make it "gọi" (call someone) rather than "bảo" (tell to). */
const KEU_CALL_NEXT = new Set(['cuu', 'xe', 'cong', 'canh', 'nguoi', 'bac', 'y', 'dien', 'may', 'tong', 'nhan', 'ai', 'tho', 'ho', 'giup']);
/** After "kêu", words that keep it standard (kêu ca, kêu la, kêu gọi, kêu oan). */
const KEU_STANDARD_NEXT = new Set(['ca', 'la', 'goi', 'oan', 'than', 'van', 'rang', 'to', 'keu']);
/** After an unaccented "man", words that make it "mần" (làm): "man giay to", "man sao". */
const MAN_DO_NEXT = new Set([
  'giay',
  'ho',
  'sao',
  'gi',
  'viec',
  'an',
  'dum',
  'gium',
  'lai',
  'the',
  'cai',
  'thu',
  'khai',
  'so',
  'can',
  'bang',
  'luon',
  'hong',
]);
/** After "dị", words that make it "vậy" ("sao dị", "dị là", "dị hả"), not dị tật, dị ứng, dị vật. */
const DI_SO_NEXT = new Set(['la', 'ha', 'a', 'do', 'hen', 'nha', 'ta', 'thi', 'ne', 'roi', 'ad', 'khong', 'hong']);
const DI_SO_PREV = new Set(['sao', 'the', 'nhu', 'lam', 'neu', 'vay', 'roi', 'ma']);

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
    case 'lộ':
      // "ngoài lộ", "ra lộ", "dọc lộ": the road; "tiết lộ", "quốc lộ", "lộ ra" keep their reading.
      return prev !== undefined && ROAD_PREV.has(prev) ? 'đường' : undefined;
    case 'cất':
      // "cất nhà", "cất lại cái nhà", "cất thêm cái chái" = build; "cất giữ", "cất tiền" keep theirs.
      return next !== undefined && CAT_BUILD_NEXT.has(next) ? 'xây' : undefined;
    case 'cat':
      // Unaccented, only "cat nha" / "cat lau" (cất nhà): "cat" is also cát, cắt.
      return next === 'nha' || next === 'lau' ? 'xây' : undefined;
    case 'cục':
      // "lãnh một cục" = a lump sum (một lần); "một cục đá", "cục gạch" keep theirs.
      return prev === 'mot' && (next === undefined || LUMP_NEXT.has(next)) ? 'lần' : undefined;
    case 'tạ':
      // "đa tạ" = thanks.
      return prev === 'da' ? 'cảm ơn' : undefined;
    case 'ra':
      // "xin ra sổ", "ra sổ đỏ" = have the land certificate issued.
      return next === 'so' ? 'cấp' : undefined;
    case 'mộc':
      // "đóng mộc" is stamping (đóng dấu); "đồ mộc", "thợ mộc" are carpentry.
      return prev === 'dong' ? 'dấu' : undefined;
    case 'lộn':
      // "ghi lộn tên" = written wrongly; "lộn xộn" is something else.
      return next === 'xon' ? undefined : 'nhầm';
    case 'trật':
      return next === 'tu' || next === 'khop' ? undefined : 'sai';
    case 'đậu':
      // "ở đậu" = staying at someone else's place.
      return prev === 'o' ? 'nhờ' : undefined;
    case 'hôn':
      // "được hôn" = "được không"; "kết hôn", "hôn nhân", "hôn mê" keep theirs.
      return !(prev !== undefined && HON_STANDARD_PREV.has(prev)) && (next === undefined || HON_PARTICLES.has(next)) ? 'không' : undefined;
    case 'bữa':
      return (next !== undefined && BUA_DAY_NEXT.has(next)) || (prev !== undefined && BUA_DAY_PREV.has(prev)) ? 'hôm' : undefined;
    case 'mắc':
      return next === undefined || MAC_PRICE_NEXT.has(next) ? 'đắt' : undefined;
    case 'kêu':
    case 'keu':
      if (next === undefined || KEU_STANDARD_NEXT.has(next)) return undefined;
      return KEU_CALL_NEXT.has(next) ? 'gọi' : 'bảo';
    case 'man':
      return next !== undefined && MAN_DO_NEXT.has(next) ? 'làm' : undefined;
    case 'dị':
      return (next === undefined && prev !== undefined) ||
        (next !== undefined && DI_SO_NEXT.has(next)) ||
        (prev !== undefined && DI_SO_PREV.has(prev))
        ? 'vậy'
        : undefined;
    case 'cổ':
      // "cổ nói" = "cô ấy nói"; "cổ phần", "đau cổ" keep theirs.
      return next !== undefined && ANH_PERSON_NEXT.has(next) && !(prev !== undefined && COT_PREV.has(prev)) ? 'cô ấy' : undefined;
    case 'chừng':
      return next === 'nao' ? 'khi' : undefined;
    case 'chớ':
      // "được chớ", "phải chớ hả" = "chứ"; the standard "chớ" (don't: "chớ có tin") keeps its own.
      return next === undefined || CHU_PARTICLES.has(next) || (prev !== undefined && CHU_SURE_PREV.has(prev)) ? 'chứ' : undefined;
    case 'đặng':
      // "đặng ngân hàng cho vay" = "để …" (purpose); the surname keeps its own ("ông Đặng Văn A").
      return (next !== undefined && SURNAME_NEXT.has(next)) || (prev !== undefined && SURNAME_PREV.has(prev)) ? undefined : 'để';
    case 'thấp':
    case 'thấc':
    case 'thap':
    case 'thac':
      // "thấp nghiệp", "thấc nghiệp" (a Southern final -t heard as -c or typed -p) = thất nghiệp.
      return next === 'nghiep' ? 'thất' : undefined;
    case 'kinh':
      // "xuống kinh", "bờ kinh", "dưới kinh" = the canal (kênh); kinh doanh, kinh tế keep theirs.
      return prev !== undefined && KENH_PREV.has(prev) ? 'kênh' : undefined;
    case 'chi':
      // "cần giấy chi", "mần chi" = "gì" at a question's end; "chi trả", "chi nhánh", "chị" (unaccented) keep theirs.
      return prev !== undefined && CHI_WHAT_PREV.has(prev) && (next === undefined || HON_PARTICLES.has(next) || next === 'het')
        ? 'gì'
        : undefined;
    default:
      return undefined;
  }
}

/** Around "đặng", words that make it the surname (Đặng Văn …, ông Đặng, họ Đặng). */
const SURNAME_NEXT = new Set(['van', 'thi', 'thanh', 'minh', 'quoc', 'huu', 'ngoc', 'thu']);
const SURNAME_PREV = new Set(['ong', 'ba', 'anh', 'chi', 'co', 'chu', 'ho', 'em', 'tran', 'nguyen']);
/** Before a question's "chi", words after which it means "gì" ("làm chi", "cần chi", "giấy tờ chi"). */
const CHI_WHAT_PREV = new Set([
  'lam',
  'man',
  'can',
  'to',
  'giay',
  'dem',
  'mang',
  'nop',
  'ghi',
  'phai',
  'de',
  'la',
  'hoi',
  'noi',
  'mat',
  'tien',
]);

/** Before "chớ", words after which it is the Southern "chứ" ("được chớ", "có chớ"), not "don't". */
const CHU_SURE_PREV = new Set(['duoc', 'phai', 'co', 'roi', 'vay', 'that', 'thiet']);
/** Particles after a sentence's "chớ" ("phải chớ hả", "được chớ ta"). */
const CHU_PARTICLES = new Set(['a', 'ad', 'ha', 'ta', 'nha', 'hen', 'ne', 'vay']);

/** Before "cổ", words that make it the neck or an antique, not "cô ấy". */
const COT_PREV = new Set(['dau', 'bi', 'co', 'gay', 'vong', 'trong', 'do', 'hang', 'nha', 'xe', 'buon']);

/** After "cất", words of building ("cất nhà", "cất lầu", "cất lại", "cất thêm"). */
const CAT_BUILD_NEXT = new Set(['nha', 'lau', 'lai', 'them', 'chai', 'quan', 'tiem', 'mai', 'cai']);
/** After "một cục", words that end the phrase: a lump sum, not a lump of something. */
const LUMP_NEXT = new Set([
  'duoc',
  'thi',
  'hay',
  'khong',
  'hong',
  'luon',
  'cho',
  'ra',
  'het',
  'a',
  'ha',
  'nha',
  'vay',
  'sao',
  'tren',
  'de',
  'o',
  'roi',
  'di',
]);

/** Before "kinh", words that make it the canal ("té xuống kinh", "ven kinh", "bên kia kinh"). */
const KENH_PREV = new Set(['xuong', 'bo', 'duoi', 'ven', 'doc', 'te', 'kia', 'mep', 'ke']);

/** Before "lộ", words that make it the road ("cây đổ ngoài lộ", "ra lộ đón xe"). */
const ROAD_PREV = new Set(['ngoai', 'ra', 'tren', 'doc', 'ben', 'ke', 'sat', 'giua', 'qua', 'bang', 'ven', 'mep']);

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
  'lộ',
  'mộc',
  'cất',
  'cat',
  'cục',
  'tạ',
  'ra',
  'trật',
  'đậu',
  'hôn',
  'bữa',
  'mắc',
  'kêu',
  'keu',
  'man',
  'dị',
  'cổ',
  'chừng',
  'chớ',
  'đặng',
  'chi',
  'thấp',
  'thấc',
  'thap',
  'thac',
  'kinh',
]);
