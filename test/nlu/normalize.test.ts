/** Vietnamese normalization: NFC, folding, spelling variants, teencode, dialect, repeats, Telex, emoji. */
import { canonicalSyllable, foldDiacritics, hasDiacritics, normalize, normalizeText, tokenize } from '../../src/nlu/normalize';

describe('unicode and folding', () => {
  test('decomposed input (NFD, as some keyboards send it) reads like precomposed', () => {
    const nfd = 'Đăng ký khai sinh'.normalize('NFD');
    expect(nfd).not.toBe('Đăng ký khai sinh');
    expect(normalizeText(nfd)).toBe(normalizeText('Đăng ký khai sinh'));
  });

  test('folding removes every diacritic and maps đ to d', () => {
    expect(foldDiacritics('đăng ký thường trú ở ủy ban')).toBe('dang ky thuong tru o uy ban');
    expect(foldDiacritics('Đ')).toBe('D');
    expect(hasDiacritics('tạm')).toBe(true);
    expect(hasDiacritics('tam')).toBe(false);
  });

  test('the accented and the folded forms stay aligned', () => {
    const n = normalize('Tạm trú ở đâu vậy');
    expect(n.tokens).toEqual(['tạm', 'trú', 'ở', 'đâu', 'vậy']);
    expect(n.folded).toEqual(['tam', 'tru', 'o', 'dau', 'vay']);
  });

  test('case, punctuation and spacing do not matter', () => {
    expect(normalizeText('  KHAI   SINH???!!! ')).toBe('khai sinh');
    expect(normalizeText('khai-sinh, cho con.')).toBe('khai sinh cho con');
  });
});

describe('one spelling per syllable', () => {
  test('old and new tone placement meet (hoà/hòa, thuỷ/thủy, khoẻ/khỏe, uỷ/ủy)', () => {
    expect(canonicalSyllable('hoà')).toBe(canonicalSyllable('hòa'));
    expect(canonicalSyllable('thuỷ')).toBe(canonicalSyllable('thủy'));
    expect(canonicalSyllable('khoẻ')).toBe(canonicalSyllable('khỏe'));
    expect(normalizeText('uỷ ban')).toBe(normalizeText('ủy ban'));
  });

  test('a lone i/y after a consonant is spelled one way (ký/kí, lý/lí, Mỹ/Mĩ)', () => {
    expect(normalizeText('đăng ký')).toBe(normalizeText('đăng kí'));
    expect(normalizeText('lý lịch')).toBe(normalizeText('lí lịch'));
    expect(normalizeText('dang ky')).toBe(normalizeText('dang ki'));
  });

  test('ordinary words are left as they are', () => {
    for (const w of ['người', 'giấy', 'gì', 'quốc', 'khuya', 'hoàng', 'của', 'ngoài', 'tuổi', 'y']) expect(canonicalSyllable(w)).toBe(w);
  });
});

describe('teencode, abbreviations and Southern dialect', () => {
  test.each([
    ['ko', 'không'],
    ['k', 'không'],
    ['hông', 'không'],
    ['hổng', 'không'],
    ['hok', 'không'],
    ['dc', 'được'],
    ['đc', 'được'],
    ['ntn', 'như thế nào'],
    ['j', 'gì'],
    ['bn', 'bao nhiêu'],
    ['nhiu', 'nhiêu'],
    ['cmnd', 'chứng minh nhân dân'],
    ['cccd', 'căn cước công dân'],
    ['gplx', 'giấy phép lái xe'],
    ['bhxh', 'bảo hiểm xã hội'],
    ['bhyt', 'bảo hiểm y tế'],
    ['gpkd', 'giấy phép kinh doanh'],
    ['xd', 'xây dựng'],
    ['kq', 'kết quả'],
    ['dvvl', 'dịch vụ việc làm'],
    ['ttdvvl', 'trung tâm dịch vụ việc làm'],
    ['xnhn', 'xác nhận hôn nhân'],
    ['dkx', 'đăng ký xe'],
    ['wave', 'xe máy'],
    ['dream', 'xe máy'],
    ['mần', 'làm'],
    ['tía', 'cha'],
    ['má', 'mẹ'],
    ['sanh', 'sinh'],
    ['nhen', 'nha'],
    ['dzậy', 'vậy'],
    ['z', 'vậy'],
    ['tui', 'tôi'],
  ])('%s → %s', (raw, expected) => {
    expect(normalizeText(`${raw}`)).toBe(normalizeText(expected));
  });

  test('"cc" is the identity card after "thẻ", "làm", "đổi"… or before "gắn chip"; elsewhere "chị", as before', () => {
    expect(normalizeText('thẻ cc bị gãy đôi r')).toBe(normalizeText('thẻ căn cước bị gãy đôi rồi'));
    expect(normalizeText('làm cc gắn chip')).toBe(normalizeText('làm căn cước gắn chip'));
    expect(normalizeText('cc gan chip o dau')).toBe(normalizeText('căn cước gan chip o dau'));
    expect(normalizeText('cc ơi')).toBe(normalizeText('chị ơi'));
    expect(normalizeText('cc bản sao sổ hộ khẩu')).toBe(normalizeText('chị bản sao sổ hộ khẩu'));
  });

  test('a whole message in teencode reads like the standard one', () => {
    expect(normalize('lm cccd het bn tien z ad').folded).toEqual(normalize('làm căn cước công dân hết bao nhiêu tiền vậy admin').folded);
    expect(normalizeText('mần giấy khai sanh đc hông')).toBe(normalizeText('làm giấy khai sinh được không'));
    // "kd" is business ("hộ kd", "đk kd"); "ny" a sweetheart, chit-chat.
    expect(normalizeText('đk hộ kd online')).toBe(normalizeText('đăng ký hộ kinh doanh trực tuyến'));
    expect(normalizeText('bot có ny chưa')).toBe(normalizeText('bot có người yêu chưa'));
  });

  test.each([
    ['nhập hk cho con', 'nhập hộ khẩu cho con'],
    ['được hk', 'được không'],
    ['phí 20k', 'phí 20 nghìn'],
    ['làm được k', 'làm được không'],
    ['sổ hong', 'sổ hồng'],
    ['đèn bị hong', 'đèn bị hỏng'],
    ['có được hong', 'có được không'],
    ['sao v', 'sao vậy'],
    ['em muốn pa về việc này', 'em muốn phản ánh về việc này'],
    ['gửi pa hôm qua', 'gửi phản ánh hôm qua'],
    ['pa hum qua', 'phản ánh hôm qua'],
    ['pa của em mất rồi', 'pa của em mất rồi'],
  ])('context decides hk, k, hong, v and pa: %s → %s', (raw, expected) => {
    expect(normalizeText(raw)).toBe(expected);
  });
});

describe('typing accidents', () => {
  test('letters held down collapse (khôngggg, đượccc, thủ tụccc)', () => {
    expect(normalizeText('khôngggg đượccc')).toBe('không được');
    expect(normalizeText('thủ tụccc')).toBe('thủ tục');
    expect(normalizeText('kết hônnnn')).toBe('kết hôn');
  });

  test('Telex typed without the input method is undone', () => {
    expect(normalizeText('dduwowcj khoong')).toBe('được không');
  });

  test('emoji are dropped, except those that mean a word', () => {
    expect(tokenize('😀😀 alo ad ơi!!!')).toEqual(['alo', 'ad', 'ơi']);
    expect(normalizeText('👍')).toBe('ok');
    expect(normalizeText('🔥🔥 nhà bên cạnh')).toBe('cháy cháy nhà bên cạnh');
    expect(normalizeText('❤️')).toBe('');
  });

  test('empty, whitespace and symbols give no tokens', () => {
    expect(normalize('').tokens).toEqual([]);
    expect(normalize('   \n\t ').tokens).toEqual([]);
    expect(normalize('?!... ---').tokens).toEqual([]);
  });
});

describe('Southern Vietnamese (dialect lexicon)', () => {
  test.each([
    ['tui', 'tôi'],
    ['tụi tui', 'chúng tôi'],
    ['hông', 'không'],
    ['hổng', 'không'],
    ['dzậy', 'vậy'],
    ['vầy', 'vậy'],
    ['mần', 'làm'],
    ['tía', 'cha'],
    ['má', 'mẹ'],
    ['ổng', 'ông ấy'],
    ['bả', 'bà ấy'],
    ['vô', 'vào'],
    ['dìa', 'về'],
    ['bển', 'bên đó'],
    ['trển', 'trên đó'],
    ['mướn nhà', 'thuê nhà'],
    ['gởi', 'gửi'],
    ['coi giùm', 'xem giúp'],
    ['bịnh', 'bệnh'],
    ['nghen', 'nha'],
    ['hen', 'nha'],
    ['dzô', 'vào'],
    ['dzo', 'vào'],
    ['hổm rày', 'hôm nay'],
    ['bữa nay', 'hôm nay'],
    ['mấy bữa', 'mấy hôm'],
    ['làm được hôn', 'làm được không'],
    ['phải hôn ta', 'phải không ta'],
    ['mắc quá', 'đắt quá'],
    ['xài', 'dùng'],
    ['xai', 'dùng'],
    ['lụm', 'nhặt'],
    ['mầy', 'mày'],
    ['nước mắm dỏm', 'nước mắm giả'],
    ['cán bộ kêu đưa thêm tiền', 'cán bộ bảo đưa thêm tiền'],
    ['kêu xe cấp cứu', 'gọi xe cấp cứu'],
    ['man giay to', 'làm giay to'],
    ['sao dị', 'sao vậy'],
    ['dị là xong', 'vậy là xong'],
    ['cổ nói', 'cô ấy nói'],
    ['chừng nào có', 'khi nào có'],
    ['bản chánh', 'bản chính'],
    ['chủ nhựt', 'chủ nhật'],
    ['nói chiện', 'nói chuyện'],
    ['xin giấy đặng ngân hàng cho vay', 'xin giấy để ngân hàng cho vay'],
    ['ẻm biểu', 'em ấy bảo'],
    ['mần giấy đó cần chi', 'làm giấy đó cần gì'],
    ['cần giấy tờ chi hết', 'cần giấy tờ gì hết'],
    ['em mun hoi', 'em muốn hoi'],
    ['mương hôi thúi', 'mương hôi thối'],
    ['té gãy cẳng', 'té gãy chân'],
    ['ừa, tui hiểu rồi', 'ừ, tôi hiểu rồi'],
    ['làm ở xã được chớ', 'làm ở xã được chứ'],
    ['phải chớ hả', 'phải chứ hả'],
    ['cây dầu bự ngoài lộ ngã', 'cây dầu to ngoài đường ngã'],
    ['ra lộ đón xe', 'ra đường đón xe'],
    ['đem ra xã đóng mộc sao y', 'đem ra xã đóng dấu sao y'],
    ['tui tính cất nhà hai tầng', 'tôi tính xây nhà hai tầng'],
    ['giay phep cat nha xin cho nao', 'giay phep xây nha xin cho nao'],
    ['lãnh bảo hiểm một cục được hông', 'lĩnh bảo hiểm một lần được không'],
    ['dạ đa tạ anh chị', 'dạ đa cảm ơn anh chị'],
    ['xin ra sổ lần đầu', 'xin cấp sổ lần đầu'],
  ])('%s → %s', (raw, expected) => {
    expect(normalizeText(raw)).toBe(normalizeText(expected));
  });

  test('"lộ" is the road only after a place word, "mộc" a stamp only after "đóng"', () => {
    expect(normalizeText('tiết lộ thông tin')).toBe('tiết lộ thông tin');
    expect(normalizeText('quốc lộ 30')).toBe('quốc lộ 30');
    expect(normalizeText('thợ mộc đóng bàn')).toBe('thợ mộc đóng bàn');
  });

  test('"cất" is building only before a building word, "cục" a lump sum only after "một" at a phrase end, "ra" issuing only before "sổ"', () => {
    expect(normalizeText('cất giữ giấy tờ')).toBe('cất giữ giấy tờ');
    expect(normalizeText('cat toc o dau')).toBe('cat toc o dau');
    expect(normalizeText('một cục đá')).toBe('một cục đá');
    expect(normalizeText('lấy sổ ra')).toBe('lấy sổ ra');
    expect(normalizeText('đi ra ngoài')).toBe('đi ra ngoài');
  });

  test('"thấp / thấc nghiệp" is thất nghiệp; "kinh" is the canal after a word of place, not in kinh doanh', () => {
    expect(normalizeText('trợ cấp thấp nghiệp đc bao nhiu')).toBe(normalizeText('trợ cấp thất nghiệp được bao nhiêu'));
    expect(normalize('tro cap thac nghiep').folded).toEqual(normalize('trợ cấp thất nghiệp').folded);
    expect(normalizeText('chiếc xe trượt xuống kinh')).toBe(normalizeText('chiếc xe trượt xuống kênh'));
    expect(normalizeText('nhà ở ven kinh xáng')).toBe(normalizeText('nhà ở ven kênh xáng'));
    expect(normalizeText('hộ kinh doanh')).toBe('hộ kinh doanh');
    expect(normalizeText('thấp quá')).toBe('thấp quá');
    expect(normalizeText('tụng kinh')).toBe('tụng kinh');
  });

  test('a Southern message reads like the standard one, with and without diacritics', () => {
    expect(normalizeText('ổng biểu tui đi lãnh tiền thất nghiệp hen')).toBe(normalizeText('ông ấy bảo tôi đi lĩnh tiền thất nghiệp nha'));
    expect(normalize('tui mần giấy tờ cho tía má hông được').folded).toEqual(normalize('tôi làm giấy tờ cho cha mẹ không được').folded);
    expect(normalize('hong biet di lanh tro cap o dau').folded).toEqual(normalize('không biết đi lĩnh trợ cấp ở đâu').folded);
    expect(normalizeText('ông xã tui ở đậu nhà bà con')).toBe(normalizeText('chồng tôi ở nhờ nhà bà con'));
    expect(normalizeText('bữa nay ổng kêu tui dzô xã mần giấy được hôn')).toBe(
      normalizeText('hôm nay ông ấy bảo tôi vào xã làm giấy được không'),
    );
  });

  test.each([
    ['xin biểu mẫu tờ khai', 'xin biểu mẫu tờ khai'],
    ['đại biểu hội đồng', 'đại biểu hội đồng'],
    ['ở thành phố Cao Lãnh', 'ở thành phố cao lãnh'],
    ['lãnh đạo xã', 'lãnh đạo xã'],
    ['nộp ảnh thẻ 3x4', 'nộp ảnh thẻ 3 x 4'],
    ['ảnh nói hổng được', 'anh ấy nói không được'],
    ['lên cơn hen suyễn', 'lên cơn hen suyễn'],
    ['có lịch hen chưa', 'có lịch hen chưa'],
    ['kết hôn', 'kết hôn'],
    ['ông Đặng Văn Ba', 'ông đặng văn ba'],
    ['chi trả tiền', 'chi trả tiền'],
    ['chi oi', 'chi oi'],
    ['ủy ban xã', 'ủy ban xã'],
    ['nhiêu tiền', 'bao nhiêu tiền'],
    ['bao nhiêu tiền', 'bao nhiêu tiền'],
    ['ghi lộn tên', 'ghi nhầm tên'],
    ['lộn xộn', 'lộn xộn'],
    ['giữ trật tự', 'giữ trật tự'],
    ['sổ hong', 'sổ hồng'],
    ['hong biet', 'không biet'],
    ['đăng ký kết hôn', 'đăng kí kết hôn'],
    ['ly hôn', 'li hôn'],
    ['hôn nhân', 'hôn nhân'],
    ['bị hôn mê', 'bị hôn mê'],
    ['bữa cơm', 'bữa cơm'],
    ['mắc kẹt', 'mắc kẹt'],
    ['mắc bệnh', 'mắc bệnh'],
    ['kêu ca', 'kêu ca'],
    ['dị ứng', 'dị ứng'],
    ['dị tật', 'dị tật'],
    ['công ty cổ phần', 'công ti cổ phần'],
    ['đau cổ', 'đau cổ'],
    ['chừng một tháng', 'chừng một tháng'],
    ['nha dang chay lon', 'nha dang chay lon'],
    ['an trom dang chay tron', 'an trom dang chạy tron'],
    // A thief named a few words before: running away, whatever follows.
    ['trom xe dang chay, bat lai', 'trom xe dang chạy bat lai'],
    ['bi trom hom qua, gio nha ben canh dang chay', 'bi trom hom qua gio nha ben canh dang chay'],
    ['chớ có tin lời nó', 'chớ có tin lời nó'],
  ])('ambiguous words keep their standard reading where the context says so: %s → %s', (raw, expected) => {
    expect(normalizeText(raw)).toBe(expected);
  });
});
