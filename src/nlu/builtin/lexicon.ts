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
import type { NormalizedText } from '../normalize';

/** Class name → phrases. */
/**
 * How people ask for health advice (which medicine, what to eat, where to be treated): words of the
 * lexicon's `tu_van_suc_khoe`, and of the emergency-kind check's advice (`present-danger.ts`).
 */
export const HEALTH_ADVICE_ASKS: readonly string[] = [
  'thuốc gì',
  'uống gì',
  'ăn gì',
  'kiêng gì',
  'kiêng ăn',
  'nên ăn',
  'nên uống',
  'thuốc nam',
  'thuốc bắc',
  'bài thuốc',
  'châm cứu',
  'bấm huyệt',
  'khám ở đâu',
  'chỗ nào khám',
  'bác sĩ nào',
];

export const LEXICON: Readonly<Record<string, readonly string[]>> = {
  // Medical emergency (115).
  y_te_khan: [
    'bất tỉnh',
    'ngất',
    'ngất xỉu',
    'xỉu',
    'té xỉu',
    'lịm',
    'lịm đi',
    'hôn mê',
    'mê man',
    'không tỉnh',
    'co giật',
    'lên cơn',
    'động kinh',
    'khó thở',
    'không thở được',
    'ngưng thở',
    'tắt thở',
    'không còn thở',
    'hết thở',
    'thở dốc',
    'tím tái',
    'sùi bọt mép',
    'đột quỵ',
    'tai biến',
    'méo miệng',
    'nói ngọng',
    'nói đớ',
    'liệt nửa người',
    'yếu nửa người',
    'đau ngực',
    'đau tim',
    'nhồi máu',
    'ngừng tim',
    'tim ngừng đập',
    'hen suyễn',
    'lên cơn hen',
    'sốc phản vệ',
    'ngộ độc',
    'trúng độc',
    'nôn ói',
    'ói mửa',
    'nôn mửa',
    'sốt cao',
    'chảy máu',
    'mất máu',
    'băng huyết',
    'bị thương',
    'thương nặng',
    'gãy chân',
    'gãy tay',
    'gãy xương',
    'vỡ ối',
    'chuyển dạ',
    'trở dạ',
    'đau đẻ',
    'sắp sanh',
    'sắp sinh',
    'sinh non',
    'hóc',
    'mắc nghẹn',
    'hóc dị vật',
    // Something swallowed (a button battery, a coin): a child to the hospital at once.
    'nuốt phải',
    'nuốt nhầm',
    'nuốt pin',
    'rắn cắn',
    'rắn độc',
    'rắn độc cắn',
    'bị rắn',
    'người ngất',
    'bị ngất',
    'chó cắn',
    'chó dại',
    'cấp cứu',
    'xe cấp cứu',
    'xe cứu thương',
    'đi viện',
    'chở đi viện',
    'tự tử',
    'uống thuốc',
    'thuốc ngủ',
    'say nắng',
    'sốc nhiệt',
    'hạ đường huyết',
    'bỏng nặng',
    'phỏng nặng',
    'điện giật',
    'ngã quỵ',
    'té ngã',
    'đau bụng dữ dội',
    'bất động',
    'đứt tay',
    'trụy tim',
    'suy hô hấp',
    'ong đốt',
    'sặc nước',
    'uống nhầm',
    'uống lộn',
    'ăn nhầm',
    'thở không nổi',
    'thở không được',
    'tím ngắt',
    'mặt tím',
    'môi tím',
    'nằm im',
    'không cục cựa',
    'cứu thương',
    'té cây',
    'té từ trên',
    'gọi không tỉnh',
    'không rõ sống chết',
    // Someone found unresponsive, or shocked by electricity: a medical emergency however it is told.
    'vỡ nước ối',
    'ra máu nhiều',
    'máu phun',
    'không cầm được máu',
    'tê môi',
    'tê lưỡi',
    'cá nóc',
    'miệng méo',
    'cứng đơ',
    'nằm xỉu',
    'con rắn',
    'gọi không dậy',
    'kêu không dậy',
    'lay không dậy',
    'kêu không trả lời',
    'lạnh ngắt',
    'giật điện',
    'dính điện',
    'trúng điện',
    // Poisoning told by its signs (mushrooms, a drowsy or confused victim).
    'lơ mơ',
    'li bì',
    'mê sảng',
    'nôn liên tục',
    'ói liên tục',
    'mặt tái',
    'tái mét',
    'nấm độc',
    'nấm lạ',
    'ngộ độc nấm',
    // Bleeding told the other way round, and pain that twists the body ("máu ra nhiều", "đau quằn quại").
    'máu ra nhiều',
    'quằn quại',
  ],
  // Asking for health advice (which medicine, what to eat, where to be treated): out of the
  // catalog, not an emergency by itself. Longer phrases win over y_te_khan's "uống thuốc".
  tu_van_suc_khoe: [
    'uống thuốc gì',
    'uống thuốc nam',
    'uống thuốc bắc',
    ...HEALTH_ADVICE_ASKS,
    'tiểu đường',
    'đường huyết',
    'huyết áp',
    'đau lưng',
    'nhức mỏi',
    'mất ngủ',
    'sổ mũi',
    'ho khan',
    'cảm cúm',
    'chữa bệnh',
    'trị bệnh',
    'bồi bổ',
    'dinh dưỡng',
  ],
  // Vaccination (a health service, outside the catalog; not the health-insurance card it resembles).
  tiem_chung: ['chích ngừa', 'tiêm ngừa', 'tiêm chủng', 'chích vắc xin', 'tiêm vắc xin', 'vắc xin', 'vaccine', 'vacxin'],
  // Adoption: outside the catalog, and not a parent-child recognition (tt_nhan_cha_me_con).
  con_nuoi: ['con nuôi', 'nhận nuôi', 'nuôi con nuôi', 'cha mẹ nuôi', 'ba má nuôi'],
  // Fire-safety approval (a procedure of the fire police): outside the catalog, not a land or business procedure.
  pccc: ['phòng cháy chữa cháy', 'phòng cháy', 'pccc', 'thẩm duyệt phòng cháy'],
  // Fire, explosion, rescue (114).
  chay_no_cuu_nan: [
    'cháy',
    'bốc cháy',
    'đang cháy',
    'bị cháy',
    'cháy lớn',
    'cháy nhà',
    'cháy rừng',
    'cháy chợ',
    'cháy kho',
    '=cháy xe',
    'đám cháy',
    'vụ cháy',
    'hỏa hoạn',
    'lửa',
    'bốc lửa',
    'ngọn lửa',
    'khói',
    'khói đen',
    'nổ',
    'phát nổ',
    'tiếng nổ',
    'cháy nổ',
    'xì gas',
    'rò gas',
    'rò rỉ gas',
    'mùi gas',
    'bình gas',
    'chập điện',
    'chập cháy',
    'mắc kẹt',
    'bị kẹt',
    'kẹt trong',
    'kẹt thang máy',
    'sập',
    'đổ sập',
    'sập nhà',
    'sụp đổ',
    'bị đè',
    'vùi lấp',
    'đuối nước',
    'chết đuối',
    'chìm ghe',
    'ghe chìm',
    'chìm xuồng',
    'lật ghe',
    'lật xuồng',
    'xuồng lật',
    'té sông',
    'té xuống sông',
    'rớt xuống sông',
    'rơi xuống sông',
    'nhảy cầu',
    'nhảy sông',
    'nước cuốn',
    'lũ cuốn',
    'chới với',
    'cứu hộ',
    'cứu nạn',
    'cứu hỏa',
    'chữa cháy',
    'xe chữa cháy',
    'lính cứu hỏa',
    'không ra được',
    'mắc kẹt trên',
    'kẹt trên',
    'bị cô lập',
    'cô lập',
    'chưa đưa ra được',
    'bị sụp',
    'sụp xuống',
    'người bên trong',
    'người ở trong',
    'còn người trong',
    'tắm sông',
    'mất tích',
    'trên nóc nhà',
    'ngồi trên mái',
    'lên nóc nhà',
    'ngập tới mái',
    'ngập tới nóc',
    'ngập gần tới mái',
    // Ferries and the Mekong's small boats (đò, vỏ lãi), and people gone under the water.
    'đò lật',
    'lật đò',
    'đò bị lật',
    'chìm đò',
    'đò chìm',
    'lật vỏ',
    'vỏ bị lật',
    'rơi xuống nước',
    'rớt xuống nước',
    'té xuống nước',
    'chưa nổi lên',
    'không thấy nổi',
    'không nổi lên',
    'chưa thấy nổi',
    'sập đất',
    'vùi lấp',
    'bị vùi',
    // A fire starting, someone left under a collapse, a boat adrift with no one in it.
    'lửa bén',
    'bén lửa',
    'bắt lửa',
    'xăng tràn',
    'còn ở dưới',
    'kẹt dưới',
    'xuồng trôi',
    'ghe trôi',
    // Someone fallen into a well or a canal (not a pit: "sợ có người té xuống hố" reports a drain); people shut in a lift ("kẹt 3 người": a number
    // typed where an entry says "mấy"); a fire starting on a roof or a wire.
    'rớt xuống giếng',
    'té xuống giếng',
    'rơi xuống giếng',
    'lọt xuống giếng',
    'té giếng',
    'lọt giếng',
    'dưới giếng',
    'rớt xuống kênh',
    'té xuống kênh',
    'té kênh',
    'té xuống mương',
    'rớt xuống ao',
    'té xuống ao',
    'thang máy kẹt',
    'thang máy bị kẹt',
    'kẹt trong thang máy',
    'kẹt mấy người',
    'mấy người bị kẹt',
    'còn kẹt',
    'tóe lửa',
    'xẹt lửa',
    'bén khói',
    'bốc khói',
    'bắt đầu cháy',
    // Fuel spilled on a road or a river (an overturned tanker): a fire hazard for the fire police.
    'xăng chảy',
    'tràn xăng',
    'rò xăng',
    'rò rỉ xăng',
    'xe bồn lật',
    'xe bồn bị lật',
    'lật xe bồn',
    // Someone missing (by the river, at sea) and people out searching ("kiếm hông thấy", "cả xóm đang đi kiếm").
    'kiếm không thấy',
    'tìm không thấy',
    'không thấy tăm hơi',
    // Neighbours out searching ("cả xóm đang đi kiếm", "chia nhau đi tìm"): someone is missing.
    'xóm đang đi kiếm',
    'xóm đi kiếm',
    'xóm đang kiếm',
    'xóm đang đi tìm',
    'xóm đi tìm',
    'chia nhau đi kiếm',
    'chia nhau đi tìm',
    // A car gone off the road into a canal or a river ("trượt xuống kinh", "lao xuống sông").
    'trượt xuống kênh',
    'trượt xuống sông',
    'lao xuống kênh',
    'lao xuống sông',
    'xe rớt xuống',
    'xe lao xuống',
  ],
  // Crime and public order in progress (113).
  toi_pham: [
    'cướp',
    'cướp giật',
    'giật đồ',
    'giật điện thoại',
    'giật túi',
    'giật dây chuyền',
    // A motorbike snatched or forced ("vừa giựt chiếc xe", "đang cạy cốp xe").
    'giật xe',
    'giật chiếc xe',
    'cạy cốp',
    'trộm',
    'ăn trộm',
    'kẻ trộm',
    'trộm cắp',
    'đột nhập',
    'cạy cửa',
    'bẻ khóa',
    'cắt khóa',
    'đánh nhau',
    'đánh người',
    'đánh vợ',
    'đánh đập',
    'đâm',
    'chém',
    'đâm chém',
    'rượt chém',
    'hỗn chiến',
    'ẩu đả',
    'côn đồ',
    'giang hồ',
    'xã hội đen',
    'súng',
    'nổ súng',
    'dao',
    'cầm dao',
    'mã tấu',
    'hung khí',
    'bắt cóc',
    'dụ dỗ',
    'bắt nhốt',
    'đe dọa',
    'dọa giết',
    'hăm dọa',
    'tống tiền',
    'xiết nợ',
    'đòi nợ thuê',
    'quậy phá',
    'đập phá',
    'gây rối',
    'say xỉn',
    'bạo hành',
    'giết người',
    'hiếp dâm',
    'xâm hại',
    'đánh bạc',
    'ma túy',
    'chích hút',
    'đua xe',
    'nẹt pô',
    'lạng lách',
    'rình mò',
    'lạ mặt',
    'kẻ gian',
    'trấn lột',
    'móc túi',
    'móc điện thoại',
    'cạy ổ khóa',
    'cạy khóa',
    'bám theo',
    'theo sát',
    'bám đuôi',
    'đeo bám',
    'phá cửa',
    'mạo danh',
    'tự xưng',
    'giả danh',
    'xưng là công an',
    // A caller who says he is the police and wants money "để khỏi bị bắt": a scam under way.
    'kêu là công an',
    'nói là công an',
    'nhận là công an',
    'giả làm công an',
    'khỏi bị bắt',
    'tiền đang bị trừ',
    'chặn đường',
    'chặn xe',
    'xin đểu',
    'đuổi đánh',
    'đuổi theo đánh',
    'rượt đánh',
    'hành hung',
    'truy sát',
    // Stones thrown in a brawl; an intruder over the fence; a driver who hits and runs off.
    'chọi đá',
    'ném đá',
    'chọi nhau',
    'leo rào',
    'trèo rào',
    'leo tường',
    'trèo tường',
    'leo cổng',
    'trèo cổng',
    'bỏ chạy',
    'rồi chạy luôn',
    // A child dragged off by a stranger ("đang kéo bé ra bãi xe", "lôi đứa nhỏ đi").
    'kéo bé',
    'lôi bé',
    'kéo đứa nhỏ',
    'lôi đứa nhỏ',
    'bắt đứa nhỏ',
  ],
  // Urgency.
  khan: [
    'gấp',
    'gấp gấp',
    'khẩn cấp',
    'cứu',
    'cứu với',
    'cứu giúp',
    'cứu tui',
    'cứu em',
    'nguy hiểm',
    'nhanh lên',
    'mau lên',
    'lẹ lên',
    'tới liền',
    'đến ngay',
    'ngay lập tức',
    'trời ơi',
    'nguy kịch',
  ],
  // Public infrastructure incidents.
  ha_tang: [
    'mất điện',
    'cúp điện',
    'cắt điện',
    'điện chập chờn',
    'điện yếu',
    'đèn đường',
    'bóng đèn',
    'đèn tín hiệu',
    'đèn giao thông',
    'cột điện',
    'trụ điện',
    'dây điện',
    'đường dây',
    'mất nước',
    'cúp nước',
    'nước máy',
    'nước sạch',
    'ống nước',
    'bể ống',
    'vỡ ống',
    'bể đường ống',
    'cống',
    'cống thoát nước',
    'thoát nước',
    'mương',
    'hố ga',
    'nắp cống',
    'ngập',
    'ngập nước',
    'ngập úng',
    'triều cường',
    'ổ gà',
    'ổ voi',
    'hư hỏng',
    'xuống cấp',
    'lún',
    'sụt lún',
    'sạt lở',
    'lở',
    'cầu',
    'cầu khỉ',
    'lan can',
    'mặt đường',
    'đường sá',
    'cây xanh',
    'cây ngã',
    'cây đổ',
    'gãy cành',
    'nhánh cây',
    'sóng điện thoại',
    'mất sóng',
    'mạng',
    'internet',
    'wifi',
    'cáp quang',
    'rác thải',
    'thu gom rác',
    'xe rác',
    'bến phà',
    'phà',
    'đò',
    'bể',
    'vỡ',
    'hư',
    'hỏng',
    'tắc',
    'nghẹt',
    'tràn',
    'đứt',
  ],
  // Violations: illegal building, encroachment, trade fraud, pollution.
  vi_pham: [
    'lấn chiếm',
    'lấn',
    'chiếm',
    'xây trái phép',
    'không phép',
    'sai phép',
    'trái phép',
    'không giấy phép',
    'xây lấn',
    'vượt tầng',
    'giả',
    'hàng giả',
    'hàng nhái',
    'hàng lậu',
    'buôn lậu',
    'kém chất lượng',
    'phân bón giả',
    'thuốc giả',
    'ô nhiễm',
    'xả thải',
    'nước thải',
    'bốc mùi',
    'hôi thối',
    'khói bụi',
    'xả khói',
    'lò than',
    'hầm than',
    'lò gạch',
    'tiếng ồn',
    'ồn ào',
    'karaoke',
    'khai thác cát',
    'cát lậu',
    'hút cát',
    'bơm nước',
    'chất cấm',
    'hóa chất',
    'đổ trộm',
    'đổ rác',
    'đốt rác',
    'chặt phá',
    'phá rừng',
    'đốn hạ',
    'tự ý',
    'cân điêu',
    'gian lận',
    'không rõ nguồn gốc',
    'kinh doanh trái phép',
    'giết mổ',
    'lò mổ',
    'pháo',
    'vi phạm',
    'lậu',
    'tẩm',
    'phẩm màu',
    'hàn the',
    'bơm',
    // Spoiled or dirty food sold ("xài thịt ôi", "đồ ăn ôi thiu"): a food-safety violation to report.
    'thịt ôi',
    'ôi thiu',
    'hôi thiu',
    'thịt thối',
    'thực phẩm bẩn',
    'thực phẩm ôi',
    'đồ ăn ôi',
    // Goods sold with no label ("hổng có nhãn mác gì"): their origin unknown.
    'không nhãn mác',
    'không có nhãn mác',
    'không có nhãn',
    'không rõ xuất xứ',
  ],
  // Corruption, bribes, formal complaint and denunciation.
  to_cao: [
    'hối lộ',
    'ăn hối lộ',
    'nhận hối lộ',
    'ăn tiền',
    'bôi trơn',
    'tiền bôi trơn',
    'lót tay',
    'tiền trà nước',
    'đưa thêm',
    'vòi tiền',
    'ăn chặn',
    'tham ô',
    'tham nhũng',
    'biển thủ',
    'chiếm đoạt',
    'lạm dụng chức vụ',
    'lợi dụng chức vụ',
    'tiêu cực',
    'bao che',
    'sai phạm',
    'tố cáo',
    'khiếu nại',
    'khởi kiện',
    'kiện',
    'đơn khiếu nại',
    'đơn tố cáo',
    'quyết định hành chính',
    'thanh tra',
    'nhũng nhiễu',
    'móc ngoặc',
    'cấu kết',
    'làm giả',
  ],
  // An official's conduct.
  thai_do: [
    'thái độ',
    'hách dịch',
    'cửa quyền',
    'gây khó dễ',
    'làm khó',
    'quát',
    'quát tháo',
    'la lối',
    'chửi',
    'xúc phạm',
    'thiếu tôn trọng',
    'không lịch sự',
    'vô lễ',
    'hẹn lên hẹn xuống',
    'đùn đẩy',
    'nói trống không',
    'nói nặng',
    'cán bộ',
    'nhân viên',
    'công chức',
    'cô cán bộ',
    'anh cán bộ',
    'thờ ơ',
    'khó chịu',
    'cọc cằn',
    'lớn tiếng',
  ],
  // Asking where a submitted dossier or report stands.
  trang_thai: [
    'sao rồi',
    'giờ sao',
    'tới đâu rồi',
    'đến đâu rồi',
    // Bare "tới đâu" is also "go where" in the South ("làm sổ thì tới đâu"): only with what is pending.
    'hồ sơ tới đâu',
    'hồ sơ đến đâu',
    'giải quyết tới đâu',
    'giải quyết đến đâu',
    'làm tới đâu',
    'xử lý chưa',
    'xử lý tới đâu',
    'có kết quả chưa',
    'xong chưa',
    'duyệt chưa',
    'chưa có kết quả',
    'chưa thấy',
    'vẫn chưa',
    'chưa ai',
    'hồi âm',
    'tiến độ',
    'tình trạng',
    'trễ hẹn',
    'quá hẹn',
    'đã nộp',
    'nộp rồi',
    'đã gửi',
    'gửi rồi',
    'mấy ngày rồi',
    'lâu quá',
    'nằm ở đâu',
    'tra lại',
    'kiểm tra giùm',
    'coi giùm',
    'xem giùm',
    'xem giúp',
    'tra giúp',
    'kiểm tra giúp',
    'đã báo',
    'báo rồi',
    'chưa xử lý',
    'chưa giải quyết',
    'đang xử lý',
    // No news since ("tới giờ im re"), and the English of chat ("check status giùm").
    'im re',
    'im ru',
    'im lìm',
    'bặt tin',
    'động tĩnh',
    'check status',
    'check giùm',
    'check giúp',
    'check lại',
  ],
  // Feedback and suggestions.
  gop_y: [
    'góp ý',
    'kiến nghị',
    'đề xuất',
    'đề nghị',
    'mong muốn',
    'phản ánh',
    'ý kiến',
    'bức xúc',
    'không hài lòng',
    'khó xài',
    'bất tiện',
    'rườm rà',
    'phiền hà',
    'mệt quá',
    'cải thiện',
    'nên sửa',
    'mong sửa',
    'mong tỉnh',
    // A complaint about a service or the hotline itself ("gọi hoài không ai bắt máy", "ai chịu trách nhiệm").
    'chịu trách nhiệm',
    'không ai bắt máy',
    'trả lời lung tung',
    'lập ra làm gì',
    'lỗi suốt',
    'lỗi hoài',
    // Sent back again and again for one more paper ("bắt bổ sung hồ sơ tới 3 lần", "đi tới đi lui").
    'bắt bổ sung',
    'bổ sung hoài',
    'bổ sung nhiều lần',
    'đi tới đi lui',
    'đi lên đi xuống',
    'hành dân',
  ],
  // A death in the family (khai tử).
  tu_vong: [
    'qua đời',
    'từ trần',
    'tạ thế',
    'mới mất',
    'đã mất',
    'vừa mất',
    'chết',
    'đám tang',
    'đám ma',
    'mai táng',
    'an táng',
    'hỏa táng',
    'báo tử',
    'chứng tử',
    'khai tử',
    'người mất',
    'ông mất',
    'bà mất',
    'ba mất',
    'má mất',
    'cha mất',
    'mẹ mất',
    'mất rồi',
    'quy tiên',
    'khuất núi',
  ],
  // Neighbouring procedures: the cues that tell them apart, so that wordings no example has still count.
  // Staying somewhere for a while (tạm trú), not moving one's registered home (thường trú).
  o_tam: [
    'ở trọ',
    'thuê trọ',
    'nhà trọ',
    'phòng trọ',
    'ở nhờ',
    'ở tạm',
    'ở đậu',
    'ký túc xá',
    'lán trại',
    'lưu trú',
    'khai báo lưu trú',
    'tạm trú',
    'thuê nhà',
    'thuê phòng',
  ],
  o_han: [
    'thường trú',
    'nhập hộ khẩu',
    'nhập khẩu',
    'chuyển hộ khẩu',
    'cắt khẩu',
    'cắt hộ khẩu',
    'tách khẩu',
    'tách hộ',
    'chuyển khẩu',
    'xóa thường trú',
  ],
  // A parent recognized, or a father's name added to a birth record (tt_nhan_cha_me_con, not a first registration).
  nhan_con: [
    'nhận con',
    'nhận cha',
    'nhận mẹ',
    'nhận cha con',
    'nhận mẹ con',
    'ghi tên cha',
    'ghi tên ba',
    'bổ sung tên cha',
    'bổ sung tên ba',
    'thêm tên cha',
    'thêm tên ba',
    'adn',
  ],
  // Going abroad, as people name the passport ("cuốn sổ để đi nước ngoài", "sổ thông hành").
  xuat_canh: [
    'sổ thông hành',
    'sổ đi nước ngoài',
    'sổ để đi nước ngoài',
    'sổ ra nước ngoài',
    'xuất cảnh',
    'qua cửa khẩu',
    'đi máy bay ra nước ngoài',
  ],
  // A criminal record, as people name the certificate that says there is none ("giấy không tiền án", "hổng có án tích").
  an_tich: ['án tích', 'tiền án', 'tiền sự', 'tiền án tiền sự', 'phạm tội', 'kết án', 'xóa án', 'ở tù', 'đi tù', 'lý lịch tư pháp'],
  // Marital status certificate, not registering a marriage.
  doc_than: [
    'ở vậy',
    'chưa vợ',
    'chưa chồng',
    'chưa lấy vợ',
    'chưa lấy chồng',
    'độc thân',
    'tình trạng hôn nhân',
    'chưa có vợ',
    'chưa có chồng',
    'chưa kết hôn',
    'chưa lập gia đình',
    'chưa từng kết hôn',
  ],
  // A copy of a civil-status record already registered.
  ban_sao_ho_tich: [
    'trích lục',
    'bản sao giấy khai sinh',
    'bản sao khai sinh',
    'bản sao giấy kết hôn',
    'bản sao giấy chứng tử',
    'sổ gốc',
    'cấp lại bản sao',
    // The original lost: a copy comes from the register, not from certifying a photocopy.
    'mất bản chính',
    'mất luôn bản chính',
    'thất lạc bản chính',
    'bản chính bị mất',
  ],
  // Certifying a signature, not copying a document.
  chu_ky: ['chữ ký', 'ký tên', 'ký trước mặt', 'giấy ủy quyền', 'hợp đồng ủy quyền', 'giấy cam kết', 'thị thực chữ ký'],
  sao_y: [
    'sao y',
    'bản sao y',
    'photo công chứng',
    'công chứng bản sao',
    'chứng thực bản sao',
    'đóng dấu sao y',
    'bản chính',
    'chứng thực photo',
    'photo chứng thực',
  ],
  // Losing one's job (unemployment benefit) vs taking the pension savings out (one-time BHXH).
  mat_viec: [
    'nghỉ việc',
    'mất việc',
    'thất nghiệp',
    'cho nghỉ',
    'cắt giảm',
    'chấm dứt hợp đồng',
    'hết hợp đồng',
    'bị đuổi việc',
    'nghỉ làm',
  ],
  rut_mot_lan: ['một lần', 'rút bảo hiểm', 'rút sổ', 'rút tiền bảo hiểm', 'lãnh một lần', 'lĩnh một lần', 'nhận một lần', 'chốt sổ'],
  // The VNeID account, not the card.
  tai_khoan: ['vneid', 'tài khoản', 'mật khẩu', 'đăng nhập', 'mã otp', 'kích hoạt', 'mức 2', 'mức 1', 'ứng dụng', 'định danh điện tử'],
};

/**
 * Classifier nouns that people put before the thing named ("giựt sợi dây chuyền", "té xuống cái
 * giếng", "giật cái điện thoại"): inside an entry, one of them may stand in the text before the
 * entry's next word. Accented, and their folded forms for text typed without accents.
 */
const CLASSIFIERS = new Set(['cái', 'chiếc', 'sợi', 'con', 'cục', 'cuốn', 'quyển']);
const FOLDED_CLASSIFIERS = new Set(['cai', 'chiec', 'soi', 'con', 'cuc', 'cuon', 'quyen']);

/** In an entry, the word that also matches a number typed in its place ("kẹt mấy người" matches "kẹt 3 người"). */
const COUNT_WORD = 'mấy';

/** A count typed in digits (1 to 3 of them: "3", "12"; not a year, a phone or a code). */
export function isCount(token: string): boolean {
  if (token.length === 0 || token.length > 3) return false;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

interface Entry {
  cls: string;
  tokens: readonly string[];
  folded: readonly string[];
  exact: boolean;
}

/** Finds lexicon classes in normalized text (accent-aware, longest phrase first). */
export class LexiconMatcher {
  private readonly byFirst = new Map<string, Entry[]>();

  constructor(lexicon: Readonly<Record<string, readonly string[]>>, normalizeFn: (text: string) => NormalizedText) {
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
   * The classes found, once per match (a phrase inside a longer match does not count again), where
   * each match starts, and which tokens the matches cover. `folded[i]` is `tokens[i]` without
   * diacritics (as `normalize` returns them): a token typed with accents differs from its twin.
   */
  match(tokens: readonly string[], folded: readonly string[]): { classes: string[]; covered: Set<number>; starts: number[] } {
    const out: string[] = [];
    const starts: number[] = [];
    const covered = new Set<number>();
    let i = 0;
    while (i < folded.length) {
      const hit = this.entryAt(tokens, folded, i);
      if (hit) {
        out.push(hit.entry.cls);
        starts.push(i);
        for (let k = 0; k < hit.length; k++) covered.add(i + k);
        i += hit.length;
      } else i++;
    }
    return { classes: out, covered, starts };
  }

  /** The longest entry that matches the text from token `i` on, and how many tokens of the text it spans. */
  private entryAt(tokens: readonly string[], folded: readonly string[], i: number): { entry: Entry; length: number } | undefined {
    const entries = this.byFirst.get(folded[i]) ?? (isCount(tokens[i]) ? this.byFirst.get('may') : undefined);
    if (!entries) return undefined;
    // Whether the next token is a classifier noun: the same question for every entry tried here.
    let nextClassifier: boolean | undefined;
    for (const e of entries) {
      if (i + e.tokens.length > tokens.length) continue;
      // An entry of several words whose second word stands neither next nor after a classifier noun cannot match.
      if (e.tokens.length > 1 && !secondMayMatch(e, tokens, folded, i)) continue;
      let k = 0;
      // Text tokens skipped: one classifier noun at most ("té xuống cái giếng" for "té xuống giếng").
      let skipped = 0;
      while (k < e.tokens.length) {
        const j = i + k + skipped;
        if (j >= tokens.length) break;
        // A number typed where the entry says "mấy" ("kẹt 3 người" for "kẹt mấy người").
        if (e.tokens[k] === COUNT_WORD && isCount(tokens[j])) {
          k++;
          continue;
        }
        if (wordMatches(e, k, tokens, folded, j)) {
          k++;
          continue;
        }
        if (
          k > 0 &&
          skipped === 0 &&
          (j === i + 1 ? (nextClassifier ??= isClassifier(tokens[j], folded[j])) : isClassifier(tokens[j], folded[j])) &&
          wordMatches(e, k, tokens, folded, j + 1)
        ) {
          skipped = 1;
          k++;
          continue;
        }
        break;
      }
      if (k === e.tokens.length) return { entry: e, length: k + skipped };
    }
    return undefined;
  }
}

/**
 * Whether the entry's second word may match from token `i + 1` (a quick necessary condition of
 * `entryAt`'s loop): it is "mấy", or the next token or the one after it is that word, accented or folded.
 */
function secondMayMatch(e: Entry, tokens: readonly string[], folded: readonly string[], i: number): boolean {
  const t = e.tokens[1];
  const f = e.folded[1];
  return t === COUNT_WORD || tokens[i + 1] === t || folded[i + 1] === f || tokens[i + 2] === t || folded[i + 2] === f;
}

/** A classifier noun ("cái", "sợi", "chiếc"…), as typed with accents or folded when typed without. */
function isClassifier(token: string, folded: string): boolean {
  return token === folded ? FOLDED_CLASSIFIERS.has(folded) : CLASSIFIERS.has(token);
}

/** Whether the text's token `j` is the entry's word `k`: as written when typed with accents (or the entry is exact), folded otherwise. */
function wordMatches(e: Entry, k: number, tokens: readonly string[], folded: readonly string[], j: number): boolean {
  const input = tokens[j];
  if (input === undefined) return false;
  return e.exact || input !== folded[j] ? input === e.tokens[k] : folded[j] === e.folded[k];
}
