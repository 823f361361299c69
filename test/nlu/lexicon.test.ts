/** The word classes (lexicon) matcher: accents, longest phrase first, a count typed in digits. */
import { LEXICON, LexiconMatcher } from '../../src/nlu/builtin/lexicon';
import { normalize } from '../../src/nlu/normalize';

const matcher = new LexiconMatcher(LEXICON, normalize);
const classesOf = (text: string): string[] => {
  const n = normalize(text);
  return matcher.match(n.tokens, n.folded).classes;
};

describe('LexiconMatcher', () => {
  test.each([
    // A number typed where the entry says "mấy", with or without accents.
    ['thang máy kẹt 3 người', ['chay_no_cuu_nan']],
    ['thang may ket 12 nguoi', ['chay_no_cuu_nan']],
    ['kẹt mấy người trong đó', ['chay_no_cuu_nan']],
    // Not a year or a code.
    ['ket 2025 nguoi', []],
    // Someone fallen into a well, a fire starting, poisoning told by its signs.
    ['thằng nhỏ rớt xuống giếng', ['chay_no_cuu_nan']],
    ['dây điện tóe lửa', ['ha_tang', 'chay_no_cuu_nan']],
    ['nôn liên tục, giờ lơ mơ', ['y_te_khan', 'y_te_khan']],
    // A caller who says he is the police and wants money.
    ['bên kia nói là công an, chuyển tiền để khỏi bị bắt', ['toi_pham', 'toi_pham']],
    // No news of a dossier, in Southern words or chat English; a complaint about a service.
    ['tới giờ im re', ['trang_thai']],
    ['check status giùm', ['trang_thai']],
    ['gọi hoài không ai bắt máy', ['gop_y']],
    // The original lost (a copy from the register) vs a photocopy certified; a denied one is its own feature elsewhere.
    ['mất luôn bản chính', ['ban_sao_ho_tich']],
    ['chứng thực photo', ['sao_y']],
    // Fire-safety approval: a procedure outside the catalog.
    ['hồ sơ pccc cho quán karaoke', ['pccc', 'vi_pham']],
    // Something swallowed; a car gone into a canal; stones thrown in a brawl, an intruder over the fence, a driver run off.
    ['con tôi nuốt phải viên pin', ['y_te_khan']],
    ['xe hơi trượt xuống kinh', ['chay_no_cuu_nan']],
    ['hai xóm đang chọi đá nhau', ['toi_pham']],
    ['nó đang leo rào vô sân', ['toi_pham']],
    ['tông người ta xong bỏ chạy', ['toi_pham']],
    ['ông đó đang kéo bé ra bãi xe', ['toi_pham']],
    // Vaccination: a health service outside the catalog.
    ['cho con đi chích ngừa mở rộng', ['tiem_chung']],
    ['tiem vac xin o dau', ['tiem_chung']],
    // A classifier noun before the thing named ("sợi", "cái", "chiếc"), with or without accents; one only, and not first.
    ['thằng đó mới giựt sợi dây chuyền của bà cụ', ['toi_pham']],
    ['có người té xuống cái giếng khoan cũ', ['chay_no_cuu_nan']],
    ['co nguoi te xuong cai gieng', ['chay_no_cuu_nan']],
    ['giật cái chiếc dây chuyền', []],
    // Fuel spilled from an overturned tanker; bleeding told the other way round, pain that twists the body.
    ['xe bồn chở xăng lật, xăng chảy lênh láng', ['chay_no_cuu_nan']],
    ['bả đau quằn quại, máu ra nhiều', ['y_te_khan', 'y_te_khan']],
    // Never married, or widowed and not remarried: the marital-status certificate's cue.
    ['giấy xác nhận ở vậy một mình', ['doc_than']],
    ['tui chưa lấy vợ', ['doc_than']],
    // A parent recognized, a father's name added.
    ['muốn ghi tên ba vô khai sanh', ['nhan_con']],
    ['ổng muốn nhận con', ['nhan_con']],
    // Going abroad, as people name the passport.
    ['làm cái sổ đi nước ngoài cho má tui', ['xuat_canh']],
    ['sổ thông hành', ['xuat_canh']],
    // A criminal record, as people name the certificate that says there is none (denied: a feature of its own).
    ['giấy chứng nhận chưa từng bị kết án', ['an_tich']],
    ['xin giấy không tiền án tiền sự', ['an_tich']],
    // Someone missing, searched for in vain.
    ['từ xế tới giờ kiếm hông thấy', ['chay_no_cuu_nan']],
    ['hông thấy tăm hơi', ['chay_no_cuu_nan']],
    ['cả xóm đang đi kiếm mà tối quá', ['chay_no_cuu_nan']],
    ['mấy anh em chia nhau đi tìm', ['chay_no_cuu_nan']],
    // Spoiled food sold: a violation.
    ['quán cơm xài thịt ôi', ['vi_pham']],
    ['đồ ăn ôi thiu', ['vi_pham']],
    ['bán nước màu hổng có nhãn mác gì', ['vi_pham']],
    // Sent back again and again: a complaint about the service.
    ['xã bắt bổ sung hồ sơ tới 3 lần', ['gop_y']],
    ['đi tới đi lui mấy bận', ['gop_y']],
  ])('%s → %j', (text, classes) => {
    expect(classesOf(text)).toEqual(classes);
  });
});
