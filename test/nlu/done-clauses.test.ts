/** Back-story clauses told as done or owned ("làm khai tử xong rồi", "có VNeID rồi"), found apart from the request. */
import { doneClauses } from '../../src/nlu/builtin/done-clauses';

const found = (text: string): string[] => doneClauses(text).map((s) => text.slice(s.start, s.end).trim());

describe('done clauses', () => {
  test.each([
    ['Tui làm khai tử cho ba xong rồi, giờ xóa tên trong hộ khẩu sao?', 'Tui làm khai tử cho ba xong rồi,'],
    ['Nhà tui có giấy báo tử rồi. Giờ làm gì tiếp theo?', 'Nhà tui có giấy báo tử rồi.'],
    ['Sổ đỏ sang tên xong xuôi. Tui muốn cất nhà thì xin phép ở đâu?', 'Sổ đỏ sang tên xong xuôi.'],
    ['da giay xac nhan doc than em xin duoc roi, gio dang ky ket hon o dau', 'da giay xac nhan doc than em xin duoc roi,'],
    ['tui có cài vneid r, mà thẻ căn cước mất rồi làm lại ở đâu', 'tui có cài vneid r,'],
    // "xong rồi mà …" in one clause: the finished procedure, then a question about something else.
    ['thằng nhỏ mới sanh, làm khai sinh xong rồi mà sao chưa thấy thẻ bảo hiểm y tế', 'làm khai sinh xong rồi'],
  ])('%s → the story clause', (text, clause) => {
    expect(found(text)).toEqual([clause]);
  });

  test.each([
    // "rồi" without a verb of doing or having tells time, age or an emergency.
    'mẹ em khó thở tím tái rồi, gọi cấp cứu giúp em với',
    'Tổng đài ơi cháy rồi, nhà kế bên cháy lớn lắm',
    'má tui 82 tuổi rồi, xin trợ cấp người già ở đâu',
    // "gãy đôi" is no "đổi" when typed with accents.
    'cccd bị gãy đôi r, cấp đổi lại mất mấy ngày',
    // Something happening now, a question, a denial.
    'tụi nó đang đánh nhau có dao rồi, tới liền đi',
    'hồ sơ sổ đỏ tui nộp tới đâu rồi, coi giùm tui',
    'tui hổng có rút một lần rồi, tui muốn lãnh thất nghiệp',
    // A loss or damage is why a paper is asked for again, not a procedure done.
    'tui lam mat the bhyt roi, xin lai o dau',
    'Tui làm mất cái thẻ căn cước rồi. Giờ làm lại ở đâu?',
    'Giấy tờ xe tui có mà rách nát hết rồi. Xin cấp lại thì mần sao?',
    // "cấp" of "bằng cấp" is no verb; the diploma was damaged, not issued.
    'cái bằng cấp ba của con tui bị chuột cắn nát rồi, xin lại bản sao được hông',
    'Giấy đăng ký kết hôn bị ướt hết rồi. Xin bản sao ở đâu?',
  ])('%s → none', (text) => {
    expect(found(text)).toEqual([]);
  });

  test('a bare "rồi mà" or "xong mà" stays in its clause: the complaint is about the same procedure', () => {
    expect(found('tui cài cái app vneid rồi mà nó hổng cho đăng nhập, kêu sai mật khẩu hoài')).toEqual([]);
    expect(found('trả lệ phí trên mạng xong mà hổng thấy biên lai đâu hết')).toEqual([]);
  });

  test('a message that is only a done story keeps it (nothing else would carry the request)', () => {
    expect(found('Tui làm căn cước xong rồi.')).toEqual([]);
    expect(found('Tui làm căn cước xong rồi, cảm ơn')).toEqual([]);
  });
});
