/**
 * Hand-written word classes (gazetteers) that the classifier sees as extra features, in the spirit
 * of Rasa's lookup tables fed to the RegexFeaturizer. A handful of training examples cannot name
 * every symptom, disaster, crime or broken pipe a citizen may write about; a class feature lets
 * the model carry what it learned from "ngất xỉu" over to "hôn mê" or "co giật".
 * https://rasa.com/docs/rasa/training-data-format#lookup-tables
 *
 * Entries are accented phrases. A syllable typed with diacritics must match exactly; one typed
 * without them matches the folded form. One-syllable entries and entries starting with `=` match
 * only accented input: folded, too many of them are other words ("cháy"/"chạy", "gấp"/"gặp").
 */

/** Class name → phrases. */
export const LEXICON: Readonly<Record<string, readonly string[]>> = {
  // Medical emergency (115).
  y_te_khan: [
    'bất tỉnh', 'ngất', 'ngất xỉu', 'xỉu', 'té xỉu', 'lịm', 'lịm đi', 'hôn mê', 'mê man', 'không tỉnh', 'co giật', 'lên cơn',
    'động kinh', 'khó thở', 'không thở được', 'ngưng thở', 'tắt thở', 'không còn thở', 'hết thở', 'thở dốc', 'tím tái',
    'sùi bọt mép', 'đột quỵ', 'tai biến', 'méo miệng', 'nói ngọng', 'nói đớ', 'liệt nửa người', 'yếu nửa người',
    'đau ngực', 'đau tim', 'nhồi máu', 'ngừng tim', 'tim ngừng đập', 'hen suyễn', 'lên cơn hen', 'sốc phản vệ',
    'ngộ độc', 'trúng độc', 'nôn ói', 'ói mửa', 'nôn mửa', 'sốt cao', 'chảy máu', 'mất máu', 'băng huyết', 'bị thương',
    'thương nặng', 'gãy chân', 'gãy tay', 'gãy xương', 'vỡ ối', 'chuyển dạ', 'trở dạ', 'đau đẻ', 'sắp sanh', 'sắp sinh',
    'sinh non', 'hóc', 'mắc nghẹn', 'hóc dị vật', 'rắn cắn', 'rắn độc', 'rắn độc cắn', 'bị rắn', 'người ngất', 'bị ngất', 'chó cắn', 'chó dại', 'cấp cứu', 'xe cấp cứu',
    'xe cứu thương', 'đi viện', 'chở đi viện', 'tự tử', 'uống thuốc', 'thuốc ngủ', 'say nắng', 'sốc nhiệt',
    'hạ đường huyết', 'bỏng nặng', 'phỏng nặng', 'điện giật', 'ngã quỵ', 'té ngã', 'đau bụng dữ dội', 'bất động',
    'đứt tay', 'trụy tim', 'suy hô hấp', 'ong đốt', 'sặc nước',
  ],
  // Fire, explosion, rescue (114).
  chay_no_cuu_nan: [
    'cháy', 'bốc cháy', 'đang cháy', 'bị cháy', 'cháy lớn', 'cháy nhà', 'cháy rừng', 'cháy chợ', 'cháy kho', '=cháy xe',
    'đám cháy', 'vụ cháy', 'hỏa hoạn', 'lửa', 'bốc lửa', 'ngọn lửa', 'khói', 'khói đen', 'nổ', 'phát nổ', 'tiếng nổ',
    'cháy nổ', 'xì gas', 'rò gas', 'rò rỉ gas', 'mùi gas', 'bình gas', 'chập điện', 'chập cháy', 'mắc kẹt', 'bị kẹt',
    'kẹt trong', 'kẹt thang máy', 'sập', 'đổ sập', 'sập nhà', 'sụp đổ', 'bị đè', 'vùi lấp', 'đuối nước', 'chết đuối',
    'chìm ghe', 'ghe chìm', 'chìm xuồng', 'lật ghe', 'lật xuồng', 'xuồng lật', 'té sông', 'té xuống sông',
    'rớt xuống sông', 'rơi xuống sông', 'nhảy cầu', 'nhảy sông', 'nước cuốn', 'lũ cuốn', 'chới với', 'cứu hộ',
    'cứu nạn', 'cứu hỏa', 'chữa cháy', 'xe chữa cháy', 'lính cứu hỏa', 'không ra được', 'mắc kẹt trên',
  ],
  // Crime and public order in progress (113).
  toi_pham: [
    'cướp', 'cướp giật', 'giật đồ', 'giật điện thoại', 'giật túi', 'giật dây chuyền', 'trộm', 'ăn trộm', 'kẻ trộm',
    'trộm cắp', 'đột nhập', 'cạy cửa', 'bẻ khóa', 'cắt khóa', 'đánh nhau', 'đánh người', 'đánh vợ', 'đánh đập',
    'đâm', 'chém', 'đâm chém', 'rượt chém', 'hỗn chiến', 'ẩu đả', 'côn đồ', 'giang hồ', 'xã hội đen', 'súng',
    'nổ súng', 'dao', 'cầm dao', 'mã tấu', 'hung khí', 'bắt cóc', 'dụ dỗ', 'bắt nhốt', 'đe dọa', 'dọa giết',
    'hăm dọa', 'tống tiền', 'xiết nợ', 'đòi nợ thuê', 'quậy phá', 'đập phá', 'gây rối', 'say xỉn', 'bạo hành',
    'giết người', 'hiếp dâm', 'xâm hại', 'đánh bạc', 'ma túy', 'chích hút', 'đua xe', 'nẹt pô', 'lạng lách',
    'rình mò', 'lạ mặt', 'kẻ gian', 'trấn lột', 'chặn đường', 'chặn xe', 'xin đểu', 'đuổi đánh', 'hành hung', 'truy sát',
  ],
  // Urgency.
  khan: [
    'gấp', 'gấp gấp', 'khẩn cấp', 'cứu', 'cứu với', 'cứu giúp', 'cứu tui', 'cứu em', 'nguy hiểm', 'nhanh lên', 'mau lên',
    'lẹ lên', 'tới liền', 'đến ngay', 'ngay lập tức', 'trời ơi', 'nguy kịch',
  ],
  // Public infrastructure incidents.
  ha_tang: [
    'mất điện', 'cúp điện', 'cắt điện', 'điện chập chờn', 'điện yếu', 'đèn đường', 'bóng đèn', 'đèn tín hiệu',
    'đèn giao thông', 'cột điện', 'trụ điện', 'dây điện', 'đường dây', 'mất nước', 'cúp nước', 'nước máy', 'nước sạch',
    'ống nước', 'bể ống', 'vỡ ống', 'bể đường ống', 'cống', 'cống thoát nước', 'thoát nước', 'mương', 'hố ga',
    'nắp cống', 'ngập', 'ngập nước', 'ngập úng', 'triều cường', 'ổ gà', 'ổ voi', 'hư hỏng', 'xuống cấp', 'lún',
    'sụt lún', 'sạt lở', 'lở', 'cầu', 'cầu khỉ', 'lan can', 'mặt đường', 'đường sá', 'cây xanh', 'cây ngã', 'cây đổ',
    'gãy cành', 'nhánh cây', 'sóng điện thoại', 'mất sóng', 'mạng', 'internet', 'wifi', 'cáp quang', 'rác thải',
    'thu gom rác', 'xe rác', 'bến phà', 'phà', 'đò', 'bể', 'vỡ', 'hư', 'hỏng', 'tắc', 'nghẹt', 'tràn', 'đứt',
  ],
  // Violations: illegal building, encroachment, trade fraud, pollution.
  vi_pham: [
    'lấn chiếm', 'lấn', 'chiếm', 'xây trái phép', 'không phép', 'sai phép', 'trái phép', 'không giấy phép', 'xây lấn',
    'vượt tầng', 'giả', 'hàng giả', 'hàng nhái', 'hàng lậu', 'buôn lậu', 'kém chất lượng', 'phân bón giả',
    'thuốc giả', 'ô nhiễm', 'xả thải', 'nước thải', 'bốc mùi', 'hôi thối', 'khói bụi', 'tiếng ồn', 'ồn ào',
    'karaoke', 'khai thác cát', 'cát lậu', 'hút cát', 'bơm nước', 'chất cấm', 'hóa chất', 'đổ trộm', 'đổ rác',
    'đốt rác', 'chặt phá', 'phá rừng', 'đốn hạ', 'tự ý', 'cân điêu', 'gian lận', 'không rõ nguồn gốc',
    'kinh doanh trái phép', 'giết mổ', 'lò mổ', 'pháo', 'vi phạm', 'lậu', 'tẩm', 'phẩm màu', 'hàn the', 'bơm',
  ],
  // Corruption, bribes, formal complaint and denunciation.
  to_cao: [
    'hối lộ', 'ăn hối lộ', 'nhận hối lộ', 'ăn tiền', 'bôi trơn', 'tiền bôi trơn', 'lót tay', 'tiền trà nước',
    'đưa thêm', 'vòi tiền', 'ăn chặn', 'tham ô', 'tham nhũng', 'biển thủ', 'chiếm đoạt', 'lạm dụng chức vụ',
    'lợi dụng chức vụ', 'tiêu cực', 'bao che', 'sai phạm', 'tố cáo', 'khiếu nại', 'khởi kiện', 'kiện', 'đơn khiếu nại',
    'đơn tố cáo', 'quyết định hành chính', 'thanh tra', 'nhũng nhiễu', 'móc ngoặc', 'cấu kết', 'làm giả',
  ],
  // An official's conduct.
  thai_do: [
    'thái độ', 'hách dịch', 'cửa quyền', 'gây khó dễ', 'làm khó', 'quát', 'quát tháo', 'la lối', 'chửi', 'xúc phạm',
    'thiếu tôn trọng', 'không lịch sự', 'vô lễ', 'hẹn lên hẹn xuống', 'đùn đẩy', 'nói trống không', 'nói nặng',
    'cán bộ', 'nhân viên', 'công chức', 'cô cán bộ', 'anh cán bộ', 'thờ ơ', 'khó chịu', 'cọc cằn', 'lớn tiếng',
  ],
  // Asking where a submitted dossier or report stands.
  trang_thai: [
    'sao rồi', 'giờ sao', 'tới đâu rồi', 'đến đâu rồi', 'tới đâu', 'đến đâu', 'xử lý chưa', 'xử lý tới đâu',
    'có kết quả chưa', 'xong chưa', 'duyệt chưa', 'chưa có kết quả', 'chưa thấy', 'vẫn chưa', 'chưa ai', 'hồi âm',
    'tiến độ', 'tình trạng', 'trễ hẹn', 'quá hẹn', 'đã nộp', 'nộp rồi', 'đã gửi', 'gửi rồi', 'mấy ngày rồi',
    'lâu quá', 'nằm ở đâu', 'tra lại', 'kiểm tra giùm', 'coi giùm', 'xem giùm', 'xem giúp', 'tra giúp',
    'kiểm tra giúp', 'đã báo', 'báo rồi', 'chưa xử lý', 'chưa giải quyết', 'đang xử lý',
  ],
  // Feedback and suggestions.
  gop_y: [
    'góp ý', 'kiến nghị', 'đề xuất', 'đề nghị', 'mong muốn', 'phản ánh', 'ý kiến', 'bức xúc', 'không hài lòng',
    'khó xài', 'bất tiện', 'rườm rà', 'phiền hà', 'mệt quá', 'cải thiện', 'nên sửa', 'mong sửa', 'mong tỉnh',
  ],
  // A death in the family (khai tử).
  tu_vong: [
    'qua đời', 'từ trần', 'tạ thế', 'mới mất', 'đã mất', 'vừa mất', 'chết', 'đám tang', 'đám ma', 'mai táng',
    'an táng', 'hỏa táng', 'báo tử', 'chứng tử', 'khai tử', 'người mất', 'ông mất', 'bà mất', 'ba mất', 'má mất',
    'cha mất', 'mẹ mất', 'mất rồi', 'quy tiên', 'khuất núi',
  ],
};

interface Entry {
  cls: string;
  tokens: string[];
  folded: string[];
  exact: boolean;
}

/** Finds lexicon classes in normalized text (accent-aware, longest phrase first). */
export class LexiconMatcher {
  private readonly byFirst = new Map<string, Entry[]>();

  constructor(lexicon: Readonly<Record<string, readonly string[]>>, normalizeFn: (text: string) => { tokens: string[]; folded: string[] }) {
    for (const [cls, phrases] of Object.entries(lexicon)) {
      for (const phrase of phrases) {
        const marked = phrase.startsWith('=');
        const n = normalizeFn(marked ? phrase.slice(1) : phrase);
        if (n.tokens.length === 0) continue;
        const entry = { cls, tokens: n.tokens, folded: n.folded, exact: marked || n.tokens.length === 1 };
        const list = this.byFirst.get(n.folded[0]) ?? [];
        list.push(entry);
        this.byFirst.set(n.folded[0], list);
      }
    }
    for (const list of this.byFirst.values()) list.sort((a, b) => b.tokens.length - a.tokens.length);
  }

  /** Every folded syllable of the entries. */
  words(): string[] {
    const out: string[] = [];
    for (const list of this.byFirst.values()) for (const e of list) out.push(...e.folded);
    return out;
  }

  /**
   * The classes found, once per match (a phrase inside a longer match does not count again), and
   * how many tokens the matches cover.
   */
  match(tokens: string[], folded: string[], accented: (token: string) => boolean): { classes: string[]; covered: Set<number> } {
    const out: string[] = [];
    const covered = new Set<number>();
    let i = 0;
    while (i < folded.length) {
      const hit = this.byFirst.get(folded[i])?.find((e) =>
        e.tokens.every((t, k) => {
          const input = tokens[i + k];
          if (input === undefined) return false;
          if (e.exact || accented(input)) return input === t;
          return folded[i + k] === e.folded[k];
        }),
      );
      if (hit) {
        out.push(hit.cls);
        for (let k = 0; k < hit.tokens.length; k++) covered.add(i + k);
        i += hit.tokens.length;
      } else i++;
    }
    return { classes: out, covered };
  }
}
