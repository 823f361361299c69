/**
 * Teencode, abbreviations and Southern-dialect words seen in citizens' messages, mapped to
 * standard Vietnamese. Keys are lowercase NFC tokens; values may span several syllables.
 * Context-dependent tokens (hk, k, v, hong) are resolved in `normalize.ts`, not here.
 */

function words(keys: string[], value: string): [string, string][] {
  return keys.map((k) => [k, value]);
}

/** Token → standard Vietnamese (one or more syllables). */
export const TEENCODE: ReadonlyMap<string, string> = new Map<string, string>([
  // negation, "được", "đăng ký", question words
  ...words(['ko', 'khum', 'hông', 'hổng', 'hok', 'hem', 'khg', 'kg', 'kô', 'k0', 'khôg', 'kh', 'khong'], 'không'),
  ...words(['đc', 'dc', 'đuợc', 'đươc', 'dduoc'], 'được'),
  ...words(['dk', 'đk', 'dky', 'đky', 'dki', 'đkí', 'đăngký', 'dangky'], 'đăng ký'),
  ['j', 'gì'], ['gi', 'gì'], ['ji', 'gì'],
  ...words(['z', 'zậy', 'dzậy', 'dzay', 'zay', 'vại'], 'vậy'),
  ['ntn', 'như thế nào'], ['ntnao', 'như thế nào'],
  ['bn', 'bao nhiêu'], ['bnh', 'bao nhiêu'], ['bnhiu', 'bao nhiêu'], ['nhiu', 'nhiêu'],
  ['bít', 'biết'], ['bik', 'biết'], ['bjk', 'biết'],
  ['mún', 'muốn'], ['mìn', 'mình'], ['mik', 'mình'],
  ['r', 'rồi'], ['ròi', 'rồi'], ['rùi', 'rồi'], ['roy', 'rồi'],
  ['vs', 'với'], ['ng', 'người'], ['ngta', 'người ta'], ['mn', 'mọi người'], ['mng', 'mọi người'],
  ['cx', 'cũng'], ['cũg', 'cũng'], ['ms', 'mới'], ['thui', 'thôi'], ['hnay', 'hôm nay'], ['bjo', 'bây giờ'],
  ['lun', 'luôn'], ['tl', 'trả lời'], ['trl', 'trả lời'], ['rep', 'trả lời'], ['ib', 'nhắn tin'],
  ['inbox', 'nhắn tin'], ['sdt', 'số điện thoại'], ['sđt', 'số điện thoại'], ['đt', 'điện thoại'],
  ['dt', 'điện thoại'], ['tk', 'tài khoản'], ['mk', 'mật khẩu'], ['nc', 'nước'],
  // people, address, politeness
  ['ad', 'admin'], ['add', 'admin'], ['ace', 'anh chị em'], ['ae', 'anh em'], ['a', 'anh'], ['e', 'em'],
  ['c', 'chị'], ['cj', 'chị'], ['chj', 'chị'], ['ck', 'chồng'], ['vk', 'vợ'], ['bà con', 'bà con'],
  ['tía', 'cha'], ['bố', 'cha'], ['má', 'mẹ'], ['mạ', 'mẹ'],
  ['mần', 'làm'], ['lm', 'làm'], ['wá', 'quá'], ['qá', 'quá'], ['zô', 'vào'], ['dzô', 'vào'], ['vô', 'vào'],
  ['dìa', 'về'], ['zìa', 'về'], ['dề', 'về'], ['bịnh', 'bệnh'], ['thiệt', 'thật'], ['nhứt', 'nhất'], ['nhơn', 'nhân'],
  ['ổng', 'ông'], ['bả', 'bà'], ['hum', 'hôm'], ['hqua', 'hôm qua'], ['đag', 'đang'], ['dag', 'đang'],
  ['trc', 'trước'], ['nhg', 'nhưng'], ['nge', 'nghe'], ['ngèo', 'nghèo'], ['chx', 'chưa'], ['đg', 'đường'],
  ['hnào', 'hôm nào'], ['nhìu', 'nhiều'], ['nhiềuu', 'nhiều'], ['iu', 'yêu'], ['ak', 'à'], ['ah', 'à'], ['ạk', 'ạ'],
  ['gòi', 'rồi'], ['hỉ', 'hả'], ['dô', 'vào'], ['zới', 'với'], ['dới', 'với'], ['lẹ', 'nhanh'],
  ['quởn', 'rảnh'], ['giựt', 'giật'], ['dựt', 'giật'], ['rượt', 'đuổi'], ['sanh', 'sinh'], ['đẻ', 'sinh'], ['tui', 'tôi'], ['tao', 'tôi'], ['hổng', 'không'], ['nhen', 'nha'], ['nhe', 'nha'], ['nhé', 'nha'], ['nhá', 'nha'], ['hổm', 'hôm'], ['bển', 'bên đó'],
  ['tks', 'cảm ơn'], ['thks', 'cảm ơn'], ['thanks', 'cảm ơn'], ['thank', 'cảm ơn'], ['thanhks', 'cảm ơn'],
  ['cám', 'cảm'], ['camon', 'cảm ơn'], ['cảmơn', 'cảm ơn'], ['cámơn', 'cảm ơn'], ['tkss', 'cảm ơn'],
  ['bye', 'tạm biệt'], ['bb', 'tạm biệt'], ['pp', 'tạm biệt'],
  ['hi', 'chào'], ['hello', 'chào'], ['helo', 'chào'], ['alo', 'alô'], ['allo', 'alô'],
  ['ok', 'ok'], ['oke', 'ok'], ['okie', 'ok'], ['oki', 'ok'], ['okay', 'ok'], ['uk', 'ừ'], ['uh', 'ừ'], ['ừm', 'ừ'],
  // administrative abbreviations
  ['cccd', 'căn cước công dân'], ['cmnd', 'chứng minh nhân dân'], ['cmt', 'chứng minh thư'],
  ['gplx', 'giấy phép lái xe'], ['bhxh', 'bảo hiểm xã hội'], ['bhyt', 'bảo hiểm y tế'],
  ['gpkd', 'giấy phép kinh doanh'], ['gpxd', 'giấy phép xây dựng'], ['hkd', 'hộ kinh doanh'],
  ['dn', 'doanh nghiệp'], ['dkkd', 'đăng ký kinh doanh'], ['đkkd', 'đăng ký kinh doanh'],
  ['ubnd', 'ủy ban nhân dân'], ['ub', 'ủy ban'], ['dvc', 'dịch vụ công'], ['dvcqg', 'dịch vụ công quốc gia'],
  ['tthc', 'thủ tục hành chính'], ['lltp', 'lý lịch tư pháp'], ['gcn', 'giấy chứng nhận'],
  ['qsdd', 'quyền sử dụng đất'], ['qsdđ', 'quyền sử dụng đất'], ['gcnqsdd', 'giấy chứng nhận quyền sử dụng đất'],
  ['attp', 'an toàn thực phẩm'], ['atvstp', 'an toàn vệ sinh thực phẩm'], ['pccc', 'phòng cháy chữa cháy'],
  ['csgt', 'cảnh sát giao thông'], ['tcxh', 'trợ cấp xã hội'],
  ['tctn', 'trợ cấp thất nghiệp'], ['gks', 'giấy khai sinh'], ['kt', 'kiểm tra'], ['ktra', 'kiểm tra'],
  ['ttin', 'thông tin'], ['thtin', 'thông tin'], ['tdv', 'tổng đài viên'], ['tđv', 'tổng đài viên'],
  ['vneid', 'vneid'], ['vnid', 'vneid'],
  ['hchieu', 'hộ chiếu'], ['passport', 'hộ chiếu'], ['visa', 'thị thực'],
  ['onl', 'trực tuyến'], ['online', 'trực tuyến'], ['ol', 'trực tuyến'],
  ['xd', 'xây dựng'], ['xdung', 'xây dựng'], ['cty', 'công ty'], ['cti', 'công ty'], ['hs', 'hồ sơ'], ['hso', 'hồ sơ'],
  ['ks', 'khai sinh'], ['bhtn', 'bảo hiểm thất nghiệp'], ['gđ', 'gia đình'], ['qđ', 'quyết định'], ['nđ', 'nghị định'],
  ['bđ', 'bưu điện'], ['bdien', 'bưu điện'], ['tthcc', 'trung tâm hành chính công'], ['pvhcc', 'phục vụ hành chính công'],
  ['đkx', 'đăng ký xe'], ['bsx', 'biển số xe'], ['cavet', 'cà vẹt'], ['blx', 'bằng lái xe'],
  ['sổđỏ', 'sổ đỏ'], ['sổhồng', 'sổ hồng'], ['đkkh', 'đăng ký kết hôn'],
]);

/**
 * Telex vowel-doubling markers some keyboards leave behind when the IME is off
 * (`khoong` for "không", `dduwowcj` for "được"); order matters (`uwow` before `uow` before `ow`).
 */
export const TELEX_PAIRS: readonly (readonly [string, string])[] = [
  ['dd', 'đ'], ['uwow', 'ươ'], ['uow', 'ươ'], ['aa', 'â'], ['ee', 'ê'], ['oo', 'ô'],
  ['aw', 'ă'], ['ow', 'ơ'], ['uw', 'ư'],
];

/** Emoji that carry the message's meaning on their own ("👍" after an answer is a thank-you). */
export const EMOJI_WORDS: ReadonlyMap<string, string> = new Map([
  ['👍', 'ok'], ['👌', 'ok'], ['🙏', 'cảm ơn'], ['💐', 'cảm ơn'], ['👋', 'chào'], ['🤝', 'chào'],
  ['🔥', 'cháy'], ['🚒', 'cứu hỏa'], ['🚑', 'cấp cứu'], ['🆘', 'cứu'], ['🚓', 'công an'], ['🚨', 'khẩn cấp'],
]);
