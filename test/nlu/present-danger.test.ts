/** A message that reads like an emergency but tells no danger going on (src/nlu/present-danger.ts). */
import { dangerHappeningNow, mayMeanPresentDanger, notAPresentDanger } from '../../src/nlu/present-danger';

describe('a word that may mean someone in danger now', () => {
  test.each([
    ['ghe bị lật giữa sông', true],
    ['1 công nhân còn kẹt dưới hầm', true],
    ['ong ay bi dam chay mau', true],
    ['xóm tui quýnh lộn', true],
    ['cây cầu gỗ mục nát, sắp sập', false],
    ['đốt rơm rạ khói mù đường', false],
    ['học sơ cứu cho con nít ở đâu', false],
    ['dao nay khoi can lam giay nay ha', false],
    // "tra cứu" is looking up; unaccented "bo sung" is "bổ sung", "duoi 6 tuoi" is "dưới".
    ['tra cứu hồ sơ theo số biên nhận', false],
    ['ho so bi tra ve yeu cau bo sung la sao', false],
    ['lam can cuoc cho tre duoi 6 tuoi', false],
    ['tre bi duoi nuoc o kenh', true],
    ['trẻ bị đuối nước ở kênh', true],
  ])('%s → %s', (text, danger) => {
    expect(mayMeanPresentDanger(text)).toBe(danger);
  });
});

describe('a danger told as happening right now', () => {
  test.each([
    ['có người lạ đang cạy cốp xe trước chợ', true],
    ['tụi nó vừa giựt chiếc xe máy của tui', true],
    ['nãy giờ có đứa cạy cửa nhà bên', true],
    ['co thang dang cay cop xe', true],
    // "đang" far from the danger, a generic medical word, or "dang ky" (đăng ký): not now.
    ['tui đang chạy xe đi làm thì thấy cái cống bể', false],
    ['tui đang uống thuốc huyết áp, mua bảo hiểm y tế ở đâu', false],
    ['dang ky xe bi cuop giay to lam lai o dau', false],
    // Someone trapped is in danger until told out; a fire "bắt đầu" (starting) is happening now.
    ['xe khách lật xuống ruộng, tài xế bị kẹt trong ca bin', true],
    ['thang máy bệnh viện kẹt 4 người hơn nửa tiếng rồi', true],
    ['mái tôn nhà kho bắt đầu bốc khói', true],
    // A file stuck, a day gone by, a traffic jam: not someone trapped now.
    ['hồ sơ tạm trú bị kẹt trong hệ thống mấy tuần rồi', false],
    ['tuần trước tui bị kẹt trong thang máy nửa tiếng', false],
    ['sáng nay kẹt xe ở cầu cả tiếng', false],
  ])('%s → %s', (text, now) => {
    expect(dangerHappeningNow(text)).toBe(now);
  });
});

describe('no danger going on', () => {
  test.each([
    ['Cơ sở karaoke của tôi cần làm thủ tục phòng cháy chữa cháy thì nộp hồ sơ ở đâu', 'procedure'],
    ['xin hỏi nhà xưởng cần nghiệm thu pccc thì có phải mua bình chữa cháy mấy loại k', 'procedure'],
    ['Tối hôm qua nhà tôi bị trộm mất chiếc xe máy, giờ tôi muốn trình báo thì làm sao', 'past'],
    ['tuần rồi tui bị lừa chuyển khoản 15 triệu, muốn báo cho cơ quan chức năng', 'past'],
    ['con tôi bị rắn cắn hôm tuần trước giờ đã lành, có cần chích ngừa không', 'past'],
    ['dạ lửa tắt rồi, cám ơn mấy anh chữa cháy nhiều nhen', 'over'],
    ['Cảm ơn tổng đài, xe cứu thương đã tới đưa ba tôi đi viện rồi', 'over'],
    ['cay dau bi gio quat nga chan nua duong, khong ai bi thuong', 'over'],
    ['bé nhà e sốt 38 độ 2 ngày r uống thuốc j ạ', 'advice'],
    ['bà nội tui hay bị chóng mặt mỗi sáng, uống thuốc gì cho đỡ vậy', 'advice'],
    // A polite "chỉ dùm" is no call for help.
    ['Má tui bị tiểu đường, bả hỏi ăn trái cây gì được, uống thuốc nam được hông. Mấy anh chị chỉ dùm nghen.', 'advice'],
    // Words that look like danger but are not one here: a procedure's name, time passing, a slaughterhouse, unaccented common words.
    ['Quán karaoke cần thủ tục phòng cháy chữa cháy và cứu nạn cứu hộ thì nộp hồ sơ ở đâu?', 'procedure'],
    ['Ba tháng trôi qua mà hồ sơ chưa có, giờ hỏi ở đâu?', 'procedure'],
    ['Cơ sở giết mổ heo cần giấy phép gì?', 'procedure'],
    ['hom qua nha toi bi trom xe, no lay luon giay to, gio muon trinh bao thi lam sao', 'past'],
    ['dao nay be hay sot nhe, nen uong thuoc gi cho khoi', 'advice'],
    // A month or a year named is a day gone by; a child "vẫn chơi bình thường" is well.
    ['Hồi tháng 9 nhà bị cháy hết giấy tờ, giờ làm lại căn cước ở đâu', 'past'],
    ['bé sốt nhẹ, vẫn chơi bình thường, uống thuốc gì được', 'advice'],
    // A hazard that keeps coming back is a report.
    ['trụ điện đầu hẻm chập xẹt lửa mấy lần rồi, báo điện lực sửa giùm', 'habitual'],
    ['ổ điện trong chợ thường xuyên chập, nhờ kiểm tra', 'habitual'],
  ])('%s → %s', (text, kind) => {
    expect(notAPresentDanger(text)).toBe(kind);
  });

  test.each([
    // A danger going on, a call for help, or a sign of acute danger: left to the emergency rules.
    'nhà hàng xóm đang cháy lớn',
    'Hôm qua em nấu cơm thì bình gas bị xì, lửa bùng lên. Giờ khói nhiều lắm, anh chị gọi giúp em!',
    'ông chú tui đi giăng lưới hồi chiều tới giờ chưa dìa, xuồng trôi tấp vô bờ',
    'Ông ngoại tui bị té từ hôm qua, giờ nằm li bì không ăn uống',
    'Tối qua bị rắn cắn, giờ chân sưng to',
    'tối qua ổng uống rượu, sáng nay kêu hổng dậy',
    'hôm qua bị chó cắn, giờ sốt cao',
    'con tui uống nhầm thuốc gì không biết, giờ ói mửa',
    'cháy kho hồ sơ ở ủy ban, khói mù mịt',
    'có người té xuống sông',
    // Today, or help that came but could not help: still going on.
    'hôm trước có người dọa giết tui, tối nay nó lại tới đập cửa',
    'tui bị lừa mất 50 triệu hôm qua, bây giờ tụi nó còn gọi đòi thêm tiền',
    'xe cứu hỏa đã tới nhưng không vô được, lửa lớn quá',
    'xe cứu thương tới rồi mà không vô được hẻm',
    // A word that may mean someone in danger now wins over paperwork, a past day, thanks or advice.
    'Tối hôm qua trộm vô nhà, thằng trộm còn cầm dao dọa, giờ tui phải làm sao',
    'cho hỏi thủ tục gì, ông già tui bất tỉnh trong nhà',
    'hom qua ong ay bi dam, gio chay mau nhieu lam',
    'tuần rồi xóm tui quýnh lộn, tụi nó hăm tới nữa',
    'ghe cat bi lat hom qua, con hai nguoi chua tim thay',
    'lửa tắt rồi mà khói còn nhiều, cám ơn mấy anh',
    'ổng hổng thở, bà con chỉ dùm uống thuốc gì',
    'hôm qua cây đổ đè lên mái nhà, tui kẹt chưn không ra được',
    'cứu tui với, nước ngập tới cổ',
    // Someone hurt or ill, not told as over: advice or paperwork asked beside it does not veto.
    'ba tui đau ngực dữ lắm, uống thuốc gì cho đỡ',
    'bà ngoại bị tai biến méo miệng, ăn gì cho mau khỏe',
    'cho hỏi hồ sơ bảo hiểm cần gì, ông nội tui vừa bị đột quỵ',
    'lửa tắt rồi, cám ơn, mà ông nội bị phỏng nặng',
    // "vẫn" before anything but being well still tells something going on.
    'bé sốt cao co giật mà vẫn chơi được hả, uống thuốc gì',
    'hôm qua ổng té, giờ vẫn nằm lơ mơ, uống thuốc gì',
    // Habitual, but a danger now is told beside it.
    'thang máy hay bị kẹt, giờ đang kẹt 3 người trong đó',
    'chồng tui hay đánh tui, giờ ổng cầm dao',
  ])('%s → a possible danger', (text) => {
    expect(notAPresentDanger(text)).toBeNull();
  });
});
