/** A message that reads like an emergency but tells no danger going on (src/nlu/present-danger.ts). */
import { notAPresentDanger } from '../../src/nlu/present-danger';

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
  ])('%s → a possible danger', (text) => {
    expect(notAPresentDanger(text)).toBeNull();
  });
});
