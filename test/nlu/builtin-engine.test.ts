/**
 * The built-in engine trained on the bot's training data (nlu.yml and nlu-citizens.yml): held-out
 * accuracy floor, emergencies, robustness to how citizens type, FallbackClassifier semantics, and
 * atomic retraining.
 * The floors sit well below the measured figures (docs/nlu-eval.md) so that the test guards
 * against regressions, not against noise.
 */
import { join } from 'node:path';
import { loadTrainingData } from '../../src/nlu';
import { BuiltinNluEngine, filedElsewhere, namedNeighbour } from '../../src/nlu/builtin/builtin-engine';
import { digitRun, Featurizer } from '../../src/nlu/builtin/featurizer';
import { NearestNeighbors } from '../../src/nlu/builtin/nearest-neighbors';
import type { SoftmaxRegression } from '../../src/nlu/builtin/softmax-regression';
import { normalize } from '../../src/nlu/normalize';
import { FALLBACK_INTENT, TrainingAbandoned, type TrainingData } from '../../src/nlu/types';
import { readEvalSet, type EvalItem } from './eval-sets';

const data = loadTrainingData(join(__dirname, '../../bots/dongthap-1022'));
const heldout = readEvalSet('heldout.jsonl');
/** The dev set (test/nlu/dev.jsonl): used for tuning, so its floors guard against regressions only. */
const dev = readEvalSet('dev.jsonl');

const engine = new BuiltinNluEngine();
beforeAll(async () => {
  await engine.train(data);
});

const intentOf = (text: string): string => engine.parseSync(text).intent.name;

/** Share of items answered with their intent, and share answered with another intent (not handed over). */
function rates(items: EvalItem[]): { accuracy: number; wrong: number } {
  let correct = 0;
  let wrong = 0;
  for (const { text, intent } of items) {
    const got = intentOf(text);
    if (got === intent) correct++;
    else if (got !== FALLBACK_INTENT) wrong++;
  }
  return { accuracy: correct / items.length, wrong: wrong / items.length };
}

describe('accuracy on the held-out set', () => {
  test('accuracy ≥ 90 %, confidently wrong ≤ 3 %', () => {
    const r = rates(heldout);
    expect(r.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(r.wrong).toBeLessThanOrEqual(0.03);
  });

  test('held-out emergencies are never answered with a non-emergency intent', () => {
    const emergencies = heldout.filter((h) => h.intent.startsWith('khan_cap_'));
    expect(emergencies.length).toBeGreaterThanOrEqual(20);
    const hits = emergencies.filter((h) => intentOf(h.text) === h.intent).length;
    expect(hits / emergencies.length).toBeGreaterThanOrEqual(0.9);
    const misrouted = emergencies.filter((h) => {
      const got = intentOf(h.text);
      return got !== FALLBACK_INTENT && !got.startsWith('khan_cap_');
    });
    expect(misrouted).toEqual([]);
  });
});

describe('accuracy on the dev set, by style', () => {
  test('all ≥ 93 %, confidently wrong ≤ 2 %', () => {
    expect(dev.length).toBeGreaterThanOrEqual(280);
    const r = rates(dev);
    expect(r.accuracy).toBeGreaterThanOrEqual(0.93);
    expect(r.wrong).toBeLessThanOrEqual(0.02);
  });

  test('long messages ≥ 90 %, Southern (with the flagged long ones) ≥ 90 %', () => {
    const long = dev.filter((d) => d.style === 'long');
    const southern = dev.filter((d) => d.style === 'southern' || d.southern);
    expect(long.length).toBeGreaterThanOrEqual(70);
    expect(southern.length).toBeGreaterThanOrEqual(70);
    expect(rates(long).accuracy).toBeGreaterThanOrEqual(0.9);
    expect(rates(southern).accuracy).toBeGreaterThanOrEqual(0.9);
  });
});

describe('what the writer wishes for, in a message of several sentences', () => {
  const wished = (text: string): string[] =>
    [...new Featurizer({ synonyms: [], regexes: [] }).extract(text).full.keys()]
      .filter((k) => k.startsWith('w:'))
      .map((k) => k.slice(2))
      .sort();

  test('the words after the wish verb, up to a purpose ("để", "đặng")', () => {
    const words = wished('Tụi em cưới lâu rồi mà chưa có giấy. Giờ em muốn đăng ký kết hôn để làm khai sinh cho con. Cần gì ạ?');
    expect(words).toEqual(expect.arrayContaining(['dang', 'ki', 'ket', 'hon']));
    expect(words).not.toContain('khai');
    expect(wished('Con tui sanh rồi. Tui cần làm giấy chứng nhận đặng ngân hàng cho vay nhen.')).not.toContain('ngan');
  });

  test('a denied wish is skipped up to the end of its clause; the next clause’s wish counts', () => {
    const words = wished('Giấy kết hôn của tui rách rồi. Tui hổng muốn làm lại đăng ký kết hôn, chỉ cần xin bản sao thôi. Ở đâu vậy?');
    expect(words).toEqual(expect.arrayContaining(['ban', 'sao']));
    expect(words).not.toContain('ket');
  });

  test('"căn cước" typed without accents is no wish ("cần"); one sentence and formulas ("xin chào") give none', () => {
    expect(wished('Em co can cuoc roi. Gio em muon doi bang lai.')).toEqual(['bang', 'doi', 'lai']);
    expect(wished('Xin chào anh chị. Cho hỏi khai sinh ở đâu?')).toEqual(['dau', 'khai', 'o', 'sinh']);
    expect(wished('tui muốn đăng ký kết hôn để làm khai sinh')).toEqual([]);
  });
});

describe('a neighbouring procedure named only to be set aside', () => {
  const classes = (text: string): string[] =>
    [...new Featurizer({ synonyms: [], regexes: [] }).extract(text).full.keys()].filter((k) => k.startsWith('x:')).sort();

  test.each([
    ['tui hổng phải chuyển hộ khẩu, chỉ ở nhờ', 'x:neg_o_han', 'x:o_han'],
    ['hong muon rut bao hiem xa hoi', 'x:neg_rut_mot_lan', 'x:rut_mot_lan'],
    ['tui không xin giấy độc thân, tui hỏi đăng ký kết hôn', 'x:neg_doc_than', 'x:doc_than'],
    ['tui hông hỏi chuyện tạm trú đâu, tui hỏi làm căn cước', 'x:neg_o_tam', 'x:o_tam'],
    ['tui hông muốn làm lại tạm trú, tui hỏi làm căn cước', 'x:neg_o_tam', 'x:o_tam'],
    // "đâu có" / "đâu phải" deny too, as people say it.
    ['tui đâu có thất nghiệp, tui nghỉ để ra làm riêng', 'x:neg_mat_viec', 'x:mat_viec'],
    ['tui đâu phải chuyển hộ khẩu, chỉ ở nhờ', 'x:neg_o_han', 'x:o_han'],
    // An intention or a matter denied ("không có ý định", "không hỏi việc").
    ['tui không có ý định chuyển hộ khẩu, chỉ ở nhờ', 'x:neg_o_han', 'x:o_han'],
    ['hổng có ý chuyển hộ khẩu đâu, ở đậu thôi', 'x:neg_o_han', 'x:o_han'],
    ['tui không hỏi việc chuyển hộ khẩu, tui ở trọ', 'x:neg_o_han', 'x:o_han'],
    ['khỏi cần chuyển hộ khẩu, tui ở trọ thôi', 'x:neg_o_han', 'x:o_han'],
  ])('%s: the cue is marked denied', (text, denied, plain) => {
    expect(classes(text)).toContain(denied);
    expect(classes(text)).not.toContain(plain);
  });

  test.each([
    ['tui muốn chuyển hộ khẩu', 'x:o_han'],
    // "khỏi" after a verb of taking out is "out of", not "no need to".
    ['xóa tên ổng khỏi thường trú', 'x:o_han'],
    ['có phải rút bảo hiểm một lần không', 'x:rut_mot_lan'],
    ['không biết xin giấy độc thân ở đâu', 'x:doc_than'],
    // "ở đâu có" asks where: no denial.
    ['ở đâu có rút bảo hiểm một lần', 'x:rut_mot_lan'],
  ])('%s: a question or a plain request keeps the cue', (text, plain) => {
    expect(classes(text)).toContain(plain);
  });

  test('the whole engine follows the request, or asks which one, never the procedure set aside', () => {
    expect(intentOf('tui không muốn rút bảo hiểm một lần, tui muốn hưởng trợ cấp thất nghiệp thì nộp hồ sơ ở đâu')).toBe(
      'tt_tro_cap_that_nghiep',
    );
    expect(intentOf('hổng phải chuyển hộ khẩu đâu, tui ở trọ vài tháng thôi thì khai báo sao')).toBe('tt_tam_tru');
    const terse = engine.parseSync('tui hổng rút bảo hiểm một lần đâu, tui chỉ muốn lãnh thất nghiệp thôi');
    expect(terse.intent.name).not.toBe('tt_bhxh_mot_lan');
    expect(terse.intent_ranking.slice(0, 3).map((r) => r.name)).toContain('tt_tro_cap_that_nghiep');
  });
});

describe('a procedure told as done before the request', () => {
  /** The same model without the second reading: what the story alone made of the message. */
  const storyBlind = (): BuiltinNluEngine => {
    const blind = new BuiltinNluEngine({ doneStories: false });
    Object.assign(blind, { model: (engine as unknown as { model: unknown }).model });
    return blind;
  };

  test('when the story decided the top intent, the engine asks which one, the request among the two', () => {
    // ("… Giờ cái thẻ bị mất thì sao?" was one until the citizens' messages of 6 December: the
    // request alone is now clear enough, 0.9 or more, to be the answer. "Tui làm định danh mức 2 xong
    // rồi. Giờ cái thẻ hư thì sao?" was one until six training lines equal to frozen messages were
    // removed; it is now handed over without a choice. This message was the answer below until then.)
    const text = 'Dạ tui có tài khoản định danh điện tử mức 2 rồi. Cái thẻ thì tui đánh rớt ngoài ruộng. Làm lại cái thẻ ở đâu?';
    expect(storyBlind().parseSync(text).intent.name).toBe('tt_dinh_danh_dien_tu');
    const r = engine.parseSync(text);
    expect(r.intent.name).toBe(FALLBACK_INTENT);
    expect(r.ambiguous?.map((a) => a.name)).toEqual(['tt_can_cuoc', 'tt_dinh_danh_dien_tu']);
  });

  test('when the request read without the story is clear on its own, it is the answer', () => {
    // (Until the citizens' messages of 6 December, "làm khai sinh cho con xong rồi, muốn làm bhyt
    // cho bé" was one: the model alone now reads it right.)
    const text = 'tui làm sổ đỏ xong rồi, giờ muốn xin giấy phép xây dựng';
    expect(storyBlind().parseSync(text).intent.name).toBe('tt_cap_so_do');
    expect(intentOf(text)).toBe('tt_giay_phep_xay_dung');
    const card = 'Tui đã có tài khoản định danh mức hai rồi. Cái thẻ bị trầy hết, đổi ở đâu?';
    expect(storyBlind().parseSync(card).intent.name).toBe('tt_dinh_danh_dien_tu');
    expect(intentOf(card)).toBe('tt_can_cuoc');
  });

  test('a story that agrees with the request, a lookup of a filed procedure and emergencies are answered as before', () => {
    expect(intentOf('Tui đăng ký tạm trú xong rồi. Giờ muốn nhập hộ khẩu luôn thì làm sao?')).toBe('tt_thuong_tru');
    expect(intentOf('Tui nộp hồ sơ cấp sổ đỏ rồi, giờ muốn coi hồ sơ tới đâu rồi')).toBe('tra_cuu_ho_so');
    expect(intentOf('Tui làm căn cước xong rồi, giờ nhà kế bên cháy lớn lắm, kêu cứu hỏa giùm')).toBe('khan_cap_114');
  });

  test('a done story before an out-of-scope question is handed over', () => {
    expect(intentOf('Tui làm căn cước xong rồi, tính đi chơi Sài Gòn, mua vé xe ở đâu rẻ?')).toBe(FALLBACK_INTENT);
  });
});

describe('long messages', () => {
  test('two distinct requests in one message are both returned, in the order asked', () => {
    const r = engine.parseSync(
      'Chào ad. Cho em hỏi làm lại căn cước bị mất ở đâu? Với lại em muốn đăng ký tạm trú cho em gái ở trọ thì làm sao ạ? Em cảm ơn.',
    );
    expect(r.requests?.map((q) => q.name)).toEqual(['tt_can_cuoc', 'tt_tam_tru']);
    expect(['tt_can_cuoc', 'tt_tam_tru']).toContain(r.intent.name);
    const southern = engine.parseSync(
      'Dạ chào anh chị. Tui muốn hỏi đổi bằng lái xe hết hạn ở đâu. Còn thẻ bảo hiểm y tế của má tui hết hạn thì gia hạn ở đâu luôn. Cám ơn nhiều nghen.',
    );
    expect(southern.requests?.map((q) => q.name)).toEqual(['tt_doi_gplx', 'tt_the_bhyt']);
  });

  test('one request after a story and a greeting: no `requests`, the request decides', () => {
    const r = engine.parseSync(
      'Xin chào. Vợ tôi mới sinh cháu ở bệnh viện tỉnh, hai vợ chồng đi làm xa. Tôi muốn hỏi đăng ký khai sinh ở đâu ạ? Cảm ơn anh chị nhiều.',
    );
    expect(r.intent.name).toBe('tt_khai_sinh');
    expect(r.requests).toBeUndefined();
  });

  test('thanks with a wish stays a thank-you (the whole message decides when the rest is too little)', () => {
    expect(intentOf('Cảm ơn anh chị đã hỗ trợ, chúc một ngày tốt lành.')).toBe('cam_on_tam_biet');
  });
});

describe('out of the catalog, emergencies and two requests in one sentence', () => {
  test.each([
    'ba tui bị huyết áp cao thì nên ăn gì, kiêng gì hả ad',
    'bé nhà em sổ mũi 3 bữa nay, cho uống thuốc gì được ạ',
    'tui muốn nhận con của người bà con làm con nuôi thì làm giấy sao',
    'nhận làm bằng lái bao đậu, giá rẻ, lh zalo',
  ])('health advice, an adoption and an ad are handed over: %s', (text) => {
    expect(intentOf(text)).toBe(FALLBACK_INTENT);
  });

  test.each([
    ['bé nhà em sốt cao co giật, gọi không tỉnh', 'khan_cap_115'],
    ['ông ngoại tui thở không nổi, môi tím rồi', 'khan_cap_115'],
    ['lũ lên, nhà bà ngoại bị cô lập, hai ông bà kẹt trên gác', 'khan_cap_114'],
    ['căn nhà sát kênh sụp xuống rồi, hình như còn người ở trong', 'khan_cap_114'],
    ['có mấy người lạ rượt đánh thằng em tui ngoài chợ', 'khan_cap_113'],
    ['thằng nhỏ đi tắm sông từ trưa tới giờ chưa thấy lên, cả xóm đang mò', 'khan_cap_114'],
    // Smoke from a kiln is pollution (a violation), not a fire.
    ['cái lò gạch đầu xóm xả khói mịt mù, cả xóm ho hoài, báo giùm', 'vi_pham'],
    // The danger named, though "thuốc gì" also asks like health advice: answered, not handed over.
    ['con tui uống nhầm thuốc gì không biết, giờ ói mửa', 'khan_cap_115'],
    // Someone found unresponsive, or shocked, is a 115 call even without a word of illness.
    [
      'Dạ em chào tổng đài. Em đi làm về thấy bà ngoại nằm dưới đất, kêu không trả lời, người lạnh ngắt. Em phải làm sao, cảm ơn',
      'khan_cap_115',
    ],
    ['ông tui bị giật điện ngoài vườn, giờ nằm im re', 'khan_cap_115'],
    // A ferry or a small boat overturned, a birth under way, a pickpocket running: told without the catalog's words.
    ['chiếc đò bị lật ngoài vàm, mấy người rớt xuống nước', 'khan_cap_114'],
    ['vợ tui vỡ nước ối rồi mà nhà ở xa trạm xá quá', 'khan_cap_115'],
    ['có thằng móc túi bà già ngoài chợ, nó đang chạy ra bến xe', 'khan_cap_113'],
    // A fire catching, someone left under a collapse, someone followed.
    ['xăng tràn ra đường, lửa bén qua mấy chiếc xe đậu kế bên rồi', 'khan_cap_114'],
    ['có thằng lạ chạy xe theo sát em từ chợ về tới giờ, em sợ quá', 'khan_cap_113'],
  ])('told by what is happening: %s', (text, intent) => {
    expect(intentOf(text)).toBe(intent);
  });

  test.each([
    'Cơ sở karaoke của tôi cần làm thủ tục phòng cháy chữa cháy thì nộp hồ sơ ở đâu',
    'nhà xưởng cần nghiệm thu pccc thì có phải mua bình chữa cháy mấy loại k',
    'Tối hôm qua nhà tôi bị trộm mất chiếc xe máy, giờ tôi muốn trình báo thì làm sao',
    'bé nhà em sốt 38 độ 2 ngày rồi uống thuốc gì ạ',
  ])('paperwork, a past event or advice is no emergency: %s', (text) => {
    expect(intentOf(text)).not.toMatch(/^khan_cap_/);
  });

  test('fire-safety paperwork is handed over with no emergency among the candidates a "which one?" could offer', () => {
    const r = engine.parseSync('Cơ sở kinh doanh karaoke của tôi cần làm thủ tục phòng cháy chữa cháy thì nộp hồ sơ ở đâu');
    expect(r.intent.name).toBe(FALLBACK_INTENT);
    expect(r.intent_ranking.map((c) => c.name).filter((n) => n.startsWith('khan_cap_'))).toEqual([]);
  });

  test('a report leads but an emergency is close behind and someone may be in danger now: handed over, the emergency kept', () => {
    const r = engine.parseSync('cây đổ ngang đường đè trúng chiếc xe máy, người chạy xe bất tỉnh');
    expect(r.intent.name).toBe(FALLBACK_INTENT);
    expect(r.intent_ranking.slice(1, 4).some((c) => c.name.startsWith('khan_cap_') && c.confidence >= 0.05)).toBe(true);
    // Told as happening now ("vừa sập đất … nước đang tràn vô"), it is answered as the emergency.
    expect(intentOf('đường hầm cống vừa sập đất, 1 công nhân còn kẹt dưới, nước đang tràn vô')).toBe('khan_cap_114');
    // No word of a danger now: the report is answered.
    expect(intentOf('cây cầu gỗ trong ấp mục nát, sắp sập')).toBe('su_co_ha_tang');
  });

  test('a danger told as happening right now is an emergency whatever leads; paperwork after a past theft is not', () => {
    expect(intentOf('tụi nó vừa giựt chiếc xe máy của tui ngoài chợ, chạy về hướng cầu, biển số 66 gì đó')).toBe('khan_cap_113');
    expect(intentOf('có người lạ đang cạy cốp xe mấy chiếc xe đậu trước chợ')).toBe('khan_cap_113');
    expect(intentOf('nước lũ tràn qua đê, nhà tui ngập tới nóc, cả nhà đang ngồi trên mái')).toBe('khan_cap_114');
    expect(intentOf('hôm qua bị trộm xe, giờ muốn làm lại giấy đăng ký xe')).not.toMatch(/^khan_cap_/);
    expect(
      intentOf(
        'Tui mới nghỉ làm công ty. Tui đang uống thuốc huyết áp hằng tháng. Giờ muốn mua bảo hiểm y tế hộ gia đình thì đăng ký ở đâu?',
      ),
    ).not.toMatch(/^khan_cap_/);
  });

  test('emergencies told by what is seen: a well, a lift, a driver trapped, a fire starting, poisonous mushrooms', () => {
    expect(intentOf('có đứa nhỏ té xuống giếng sau nhà, nghe nó khóc dưới đó')).toBe('khan_cap_114');
    expect(intentOf('thang máy bệnh viện kẹt 4 người hơn nửa tiếng rồi')).toBe('khan_cap_114');
    expect(intentOf('xe khách lật xuống ruộng, tài xế bị kẹt trong ca bin')).toBe('khan_cap_114');
    expect(intentOf('mái tôn nhà kho bắt đầu bốc khói, mùi khét lắm')).toBe('khan_cap_114');
    expect(intentOf('ông hàng xóm ăn phải nấm độc, giờ nằm li bì')).toBe('khan_cap_115');
    expect(intentOf('ông ngoại đang nghe điện thoại, bên kia nói là công an, bắt chuyển tiền để khỏi bị bắt')).toBe('khan_cap_113');
    // A past fire before a question about a lost card: no emergency.
    expect(intentOf('Hồi tháng 9 nhà tui bị cháy rụi hết giấy tờ, giờ làm lại căn cước sao?')).not.toMatch(/^khan_cap_/);
  });

  test('an emergency set aside (a day gone by, no one hurt): the other intents decide among themselves', () => {
    // 113 leads the ranking (0.92), but the theft was yesterday: the licence asked about is the answer.
    // ("tối qua có trộm vô nhà, bị lấy mất cái ví có bằng lái, giờ tính sao" was the example until the
    // citizens' messages of 6 December: the licence now leads it on its own.)
    const theft = engine.parseSync('tối qua trộm cạy cửa vô nhà lấy sạch đồ, có cái bằng lái trong đó, giờ tính sao');
    expect(theft.intent.name).toBe('tt_doi_gplx');
    expect(theft.intent.confidence).toBeGreaterThan(0.8);
    expect(theft.intent_ranking.some((r) => r.name.startsWith('khan_cap_'))).toBe(false);
    expect(intentOf('cây bàng trước trường bị gió quật ngã chắn đường, không ai bị thương')).toBe('su_co_ha_tang');
    // Nothing else asked: still handed over, with no emergency among the candidates. ("tối qua bị trộm
    // xe, giờ muốn trình báo" was the example until the fourteenth round's L2 penalty: it is now a
    // report, a ticket for an operator, 0.63 against 113's 0.34.)
    const report = engine.parseSync('hôm qua bị mất trộm con bò, giờ báo ai');
    expect(report.intent.name).toBe(FALLBACK_INTENT);
    expect(report.intent_ranking.some((r) => r.name.startsWith('khan_cap_'))).toBe(false);
  });

  test('a classifier noun before the thing named, spilled fuel, bleeding told the other way round: still emergencies', () => {
    expect(intentOf('thằng kia vừa giựt cái điện thoại của chị bán nước rồi chạy mất')).toBe('khan_cap_113');
    expect(intentOf('đứa nhỏ lọt xuống cái giếng sau nhà, nghe nó khóc dưới đó')).toBe('khan_cap_114');
    expect(intentOf('xe bồn bị lật trên cầu, xăng chảy ra sông')).toBe('khan_cap_114');
    expect(intentOf('vợ em sắp sanh, đau quằn quại, máu ra nhiều lắm')).toBe('khan_cap_115');
    // A child missing by the river, searched for in vain.
    expect(intentOf('thằng nhỏ đi tắm sông từ trưa tới giờ tìm không thấy, đôi dép còn trên bờ')).toBe('khan_cap_114');
  });

  test('a dossier with no news is a status question; a complaint about the hotline is feedback; fire-safety approval is out of the catalog', () => {
    expect(intentOf('hồ sơ thường trú nộp từ đầu tháng, tới giờ im re')).toBe('tra_cuu_ho_so');
    expect(intentOf('Gọi tổng đài hoài hổng ai bắt máy, vậy ai chịu trách nhiệm')).toBe('phan_anh_kien_nghi');
    expect(intentOf('mở quán cà phê thì hồ sơ phòng cháy chữa cháy nộp ở đâu')).toBe(FALLBACK_INTENT);
    // The original diploma lost: a copy from the register; a photocopy to certify is the other procedure.
    expect(intentOf('bằng tốt nghiệp cấp 3 thất lạc bản chính rồi, xin bản sao ở đâu')).toBe('tt_ban_sao_van_bang');
    expect(intentOf('photo chứng thực giấy khai sinh ở đâu')).toBe('tt_chung_thuc_ban_sao');
  });

  test('feedback about a procedure is not answered with the procedure: "which one?", feedback first', () => {
    for (const text of ['kiến nghị làm hộ chiếu cho nhanh hơn', 'tui muốn góp ý chuyện cấp sổ đỏ lâu quá']) {
      const r = engine.parseSync(text);
      expect(r.intent.name).toBe(FALLBACK_INTENT);
      expect(r.ambiguous?.[0].name).toBe('phan_anh_kien_nghi');
    }
    // "đề nghị" / "mong muốn" also open a plain request: the procedure is answered.
    expect(intentOf('đề nghị cấp lại giấy phép lái xe bị mất')).toBe('tt_doi_gplx');
    expect(intentOf('tôi mong muốn được làm hộ chiếu')).toBe('tt_ho_chieu');
  });

  test('thanks once the danger is over is a thank-you, not an emergency', () => {
    expect(intentOf('dạ lửa tắt rồi, cám ơn mấy anh chữa cháy nhiều nhen')).toBe('cam_on_tam_biet');
    // Still going on: an emergency, whatever else the message says.
    expect(intentOf('hôm qua tới giờ thằng nhỏ đi tắm sông chưa về, cả xóm đang mò')).toBe('khan_cap_114');
  });

  test('someone in danger and a call for rescue is an emergency, whatever the story reads as; a file is not', () => {
    const flood = engine.parseSync('Bờ bao bể, nước tràn vô nhà, có bà già bại liệt chưa đưa ra được. Kêu người tới cứu giùm!');
    expect(flood.intent.name).toBe('khan_cap_114');
    expect(intentOf('hồ sơ của em trễ hẹn 2 tháng rồi, cứu em với ad')).not.toMatch(/^khan_cap_/);
    // People sitting on a flooded roof are trapped: the danger is named, the call for help decides.
    const roof = engine.parseSync('Nước lên nhanh quá, nhà ngập tới mái, cả nhà tui đang ngồi trên nóc nhà. Kêu người tới cứu dùm!');
    expect(roof.intent.name).toBe('khan_cap_114');
  });

  test('a dossier filed in another province is handed over; one filed here, or a move from there, is not', () => {
    expect(filedElsewhere(normalize('hồ sơ đổi bằng lái em nộp ở Cần Thơ').folded)).toBe(true);
    expect(filedElsewhere(normalize('ho so dat ben long an tre hen').folded)).toBe(true);
    expect(filedElsewhere(normalize('chuyển hộ khẩu từ Vĩnh Long về Đồng Tháp').folded)).toBe(false);
    expect(filedElsewhere(normalize('hồ sơ nộp ở xã Long An').folded)).toBe(false);
    expect(intentOf('hs cap lai so do em nop o Tay Ninh, gio tra cuu tien do o dau vay')).toBe(FALLBACK_INTENT);
    expect(intentOf('hồ sơ cấp lại sổ đỏ em nộp ở xã hôm trước, giờ tra cứu tiến độ ở đâu')).toBe('tra_cuu_ho_so');
  });

  test('land with a dispute, or without one, is still asked about as a land procedure', () => {
    // A dispute is no reason to hand over: people ask whether land in dispute can get its certificate.
    expect(intentOf('đất đang tranh chấp thì có được cấp sổ đỏ không')).toBe('tt_cap_so_do');
    expect(intentOf('đất nhà tui hổng tranh chấp với ai, xin cấp sổ lần đầu được hông')).toBe('tt_cap_so_do');
  });

  test('the paper a message names decides between neighbours: a diploma, a signature', () => {
    const words = (text: string): readonly string[] => normalize(text).folded;
    expect(namedNeighbour(words('cái bằng cấp ba bị hư, xin lại bản sao'), 'tt_trich_luc_ho_tich')).toBe('tt_ban_sao_van_bang');
    expect(namedNeighbour(words('bằng tốt nghiệp ghi sai năm sinh so với giấy khai sinh'), 'tt_cai_chinh_ho_tich')).toBeUndefined();
    expect(namedNeighbour(words('giấy bán xe có xác nhận chữ ký của em'), 'tt_dang_ky_xe')).toBe('tt_chung_thuc_chu_ky');
    expect(namedNeighbour(words('giấy bán xe có xác nhận chữ ký của em'), 'tt_ket_hon')).toBeUndefined();
    // It names only a diploma: never answered as a civil-status copy (a "which one?" or a handover at most).
    expect(intentOf('cái bằng cấp ba của con tui bị chuột cắn nát rồi, xin lại bản sao được hông')).not.toBe('tt_trich_luc_ho_tich');
    const sale = engine.parseSync(
      'Tui bán chiếc xe cho người quen, họ đòi giấy mua bán có xác nhận chữ ký của tui. Ra xã làm có cần mang giấy tờ xe không?',
    );
    expect(sale.intent.name).not.toBe('tt_dang_ky_xe');
  });

  test('a motorbike named by its model is a motorbike; a thief "dang chay" runs', () => {
    expect(intentOf('tui mua lại chiếc Wave của người quen, sang tên ở đâu')).toBe('tt_dang_ky_xe');
    expect(intentOf('co thang trom giat gio xach dang chay ra lo')).toBe('khan_cap_113');
  });

  test('thanks and a word of what comes next, no question: a thank-you; a report with thanks stays a report', () => {
    expect(intentOf('Dạ rõ rồi, cám ơn mấy anh chị nhiều. Chiều nay tui ra xã nộp luôn.')).toBe('cam_on_tam_biet');
    expect(intentOf('Đèn đường ở ấp 3 hư cả tuần nay rồi, tối thui. Cám ơn tổng đài.')).toBe('su_co_ha_tang');
  });

  test('thanks and a plan for later ("để mai …", "để cuối tuần …"), nothing asked: a goodbye, whatever the plan names', () => {
    expect(intentOf('cảm ơn con nhiều nghen, để mai chú lên xã làm')).toBe('cam_on_tam_biet');
    expect(intentOf('Dạ em cảm ơn anh chị nhiều, em hiểu rồi. Để cuối tuần em xin nghỉ làm về quê nộp hồ sơ.')).toBe('cam_on_tam_biet');
    expect(intentOf('cảm ơn nha, để mai tui lên xã làm khai sinh thì cần giấy gì?')).toBe('tt_khai_sinh');
    // Praise and thanks, nothing else: a goodbye ("tuyệt" is not the "tuyển" of tuyển sinh).
    expect(intentOf('tuyệt vời, cám ơn ad nhiều nha')).toBe('cam_on_tam_biet');
    // Leave taken, nothing asked: a goodbye, not a greeting nor a call for an operator ("gặp").
    expect(intentOf('chào ad nha, tui về đây')).toBe('cam_on_tam_biet');
    expect(intentOf('hẹn gặp lại nha')).toBe('cam_on_tam_biet');
    expect(intentOf('cho tui gặp tổng đài viên')).toBe('gap_tong_dai_vien');
  });

  test('a neighbour denied across "trợ cấp" / "bảo hiểm"; "xong rồi mà" names another procedure; "thấp nghiệp" is a typo', () => {
    expect(intentOf('Không phải trợ cấp thất nghiệp nha, em hỏi rút BHXH một lần trên VssID được không?')).toBe('tt_bhxh_mot_lan');
    expect(intentOf('thằng nhỏ nhà tui mới sanh, làm khai sinh xong rồi mà sao chưa thấy thẻ bảo hiểm y tế của nó')).not.toBe(
      'tt_khai_sinh',
    );
    expect(intentOf('trợ cấp thấp nghiệp đc bao nhiu phần trăm lương')).toBe('tt_tro_cap_that_nghiep');
  });

  test("vaccination is outside the catalog; a crime told with no question is no procedure's page", () => {
    expect(intentOf('cho con đi chích ngừa mở rộng ở đâu dzậy, trạm y tế hay bệnh viện')).toBe(FALLBACK_INTENT);
    expect(intentOf('xe tải tông sạp trái cây của tui rồi chạy luôn, hổng ai bị gì, biển số 66C có chữ 12')).not.toBe('tt_dang_ky_xe');
    // With a question about a procedure, the procedure answers ("bị trộm … giờ làm lại bằng lái sao").
    expect(intentOf('tối qua bị trộm cái bóp, trong đó có bằng lái, giờ làm lại bằng lái sao')).toBe('tt_doi_gplx');
  });

  test('emergencies told by what is seen: stones thrown, a fence climbed, a battery swallowed, a car in the canal', () => {
    expect(intentOf('tụi thanh niên hai xóm đang chọi đá nhau trước quán nhậu nè')).toBe('khan_cap_113');
    expect(intentOf('có thằng lạ đang leo rào vô sân nhà tui')).toBe('khan_cap_113');
    expect(intentOf('con tôi 3 tuổi nuốt phải đồng xu, đang khóc')).toBe('khan_cap_115');
    expect(intentOf('xe hơi trượt xuống kinh rồi, nước sâu quá kêu người tới lẹ')).toBe('khan_cap_114');
    expect(intentOf('có người đàn ông lạ đang kéo bé gái ra bãi giữ xe, bé khóc quá')).toBe('khan_cap_113');
  });

  test('thanks and a "chào" that takes leave, nothing asked: a goodbye; a greeting alone or before a question is not', () => {
    expect(intentOf('con cám ơn cô, con chào cô ạ')).toBe('cam_on_tam_biet');
    expect(intentOf('chào anh chị ạ')).toBe('chao_hoi');
    expect(intentOf('chào cô, cho con hỏi làm căn cước ở đâu')).toBe('tt_can_cuoc');
  });

  test('sent back again and again for one more paper: feedback, not the procedure', () => {
    expect(intentOf('xin giấy phép xây dựng mà phường bắt bổ sung hoài, tui đi tới đi lui cả tháng, vậy là hành dân chớ gì')).toBe(
      'phan_anh_kien_nghi',
    );
  });

  test('only a greeting ("chào buổi chiều", "chào cán bộ") is a greeting; a greeting with thanks or a question is not only a greeting', () => {
    expect(engine.score('chào buổi chiều anh chị')?.onlyGreeting).toBe(true);
    expect(engine.score('chào ad, cho hỏi làm căn cước ở đâu')?.onlyGreeting).toBe(false);
    expect(engine.score('chào cô, con cám ơn cô')?.onlyGreeting).toBe(false);
    for (const text of ['chào buổi chiều', 'chào cán bộ', 'chao tong dai 1022']) expect(intentOf(text)).toBe('chao_hoi');
  });

  test('the passport named the Southern way ("sổ thông hành", "cái sổ đi nước ngoài"); a land book is still a land book', () => {
    expect(intentOf('ba tui muốn làm cái sổ thông hành để qua Campuchia thăm bà con')).toBe('tt_ho_chieu');
    expect(intentOf('sổ đỏ nhà tui bị mất')).toBe('tt_cap_so_do');
  });

  test("a father's name added to a birth record is a recognition; a first birth registration is not", () => {
    expect(intentOf('tụi tui chưa cưới, giờ ảnh muốn ghi tên ba vô giấy khai sanh cho đứa nhỏ thì làm sao')).toBe('tt_nhan_cha_me_con');
    expect(intentOf('con mới sanh, làm giấy khai sanh ở đâu')).toBe('tt_khai_sinh');
  });

  test('the certificate of no criminal record, named by what it says', () => {
    expect(intentOf('xin giấy xác nhận không tiền án để đi xuất khẩu lao động')).toBe('tt_ly_lich_tu_phap');
    // A crime under way stays an emergency.
    expect(intentOf('thằng đó mới ở tù ra, giờ đang cầm dao rượt người ta ngoài chợ')).toBe('khan_cap_113');
  });

  test('spoiled food sold is a violation to report, not chit-chat about food', () => {
    expect(intentOf('tiệm bún đầu chợ bán đồ ăn ôi thiu, mấy đứa nhỏ ăn xong đau bụng, mong xuống kiểm tra')).toBe('vi_pham');
  });

  test('a question joining two procedures answers the first asked and lists both', () => {
    const r = engine.parseSync('Cho tui hỏi làm lại căn cước với đổi bằng lái luôn một lần được hông. Hai cái mất hết rồi.');
    expect(r.intent.name).toBe('tt_can_cuoc');
    expect(r.requests?.map((q) => q.name)).toEqual(['tt_can_cuoc', 'tt_doi_gplx']);
    const one = engine.parseSync('đăng ký kết hôn với người nước ngoài thì cần giấy tờ gì?');
    expect(one.intent.name).toBe('tt_ket_hon');
    expect(one.requests).toBeUndefined();
  });
});

describe('sample messages → intents', () => {
  test.each([
    // Emergencies, however they are typed.
    ['cháy nhà rồi cứu với', 'khan_cap_114'],
    ['chay nha roi', 'khan_cap_114'],
    ['nhà hàng xóm đang bốc cháy dữ lắm', 'khan_cap_114'],
    ['có người đuối nước ngoài sông', 'khan_cap_114'],
    ['nổ bình gas trong bếp', 'khan_cap_114'],
    ['có người bị đột quỵ, cần xe cấp cứu', 'khan_cap_115'],
    ['ong noi bi ngat xiu bat tinh', 'khan_cap_115'],
    ['cap cuu, co nguoi bi tai nan chay mau nhieu', 'khan_cap_115'],
    ['vợ tui chuyển dạ sắp sanh, gọi xe cấp cứu giùm', 'khan_cap_115'],
    ['có trộm đang cạy cửa nhà tui', 'khan_cap_113'],
    ['bị cướp giật điện thoại ngoài đường', 'khan_cap_113'],
    ['có đám đánh nhau cầm dao ở quán nhậu', 'khan_cap_113'],
    // How citizens type: without diacritics, abbreviated, in dialect, in capitals, with emoji.
    ['Cho hỏi làm căn cước ở đâu vậy ạ?', 'tt_can_cuoc'],
    ['cho hoi lam can cuoc o dau vay a', 'tt_can_cuoc'],
    ['lm cccd het bn tien z ad', 'tt_can_cuoc'],
    ['đăng kí tạm trú online đc k', 'tt_tam_tru'],
    ['dang ky tam tru cho nguoi o tro', 'tt_tam_tru'],
    ['nhập hk cho vợ về nhà chồng', 'tt_thuong_tru'],
    ['mần giấy khai sanh cho con hông biết cần gì dzậy', 'tt_khai_sinh'],
    ['khai sinhhhh cho con', 'tt_khai_sinh'],
    ['DOI BANG LAI XE HET HAN O DAU', 'tt_doi_gplx'],
    ['thi bằng lái xe máy a1 đăng ký ở đâu nhen', 'tt_sat_hach_gplx'],
    ['mat dien tu sang toi gio 😡😡', 'su_co_ha_tang'],
    ['chào ad 👋 cho em hỏi rút bhxh 1 lần cần gì ạ, em cảm ơn', 'tt_bhxh_mot_lan'],
    ['xin chào', 'chao_hoi'],
    ['👍', 'cam_on_tam_biet'],
    ['cam on ad nhieu nha', 'cam_on_tam_biet'],
    ['cho tui gặp người thật đi', 'gap_tong_dai_vien'],
    ['phiếu 1022-2026-000123 sao rồi', 'tra_cuu_phan_anh'],
    ['tố cáo cán bộ xã nhận hối lộ', 'khieu_nai_to_cao'],
    ['hàng xóm xây nhà lấn qua đất nhà tui', 'vi_pham'],
    // Southern Vietnamese.
    ['ổng biểu tui đi lãnh tiền thất nghiệp ở bển', 'tt_tro_cap_that_nghiep'],
    ['tui mướn nhà ở trọ mấy tháng có phải khai báo gì hông', 'tt_tam_tru'],
    ['tía tui muốn sang tên miếng đất cho thằng út thì mần sao', 'tt_chuyen_nhuong_dat'],
    ['bà xã tui mới sanh, làm giấy khai sanh ở đâu dzậy', 'tt_khai_sinh'],
  ])('%s → %s', (text, intent) => {
    expect(intentOf(text)).toBe(intent);
  });
});

describe('how citizens type', () => {
  test('a long story before the question still finds it', () => {
    const story =
      'Dạ chào anh chị, em tên Hoa ở ấp 3 xã Tân Thuận. Hồi trước em đi làm công nhân trên Bình Dương mấy năm, ' +
      'tháng rồi mới về quê phụ ba má làm vườn, ba má em cũng lớn tuổi rồi. Giờ em muốn hỏi là thẻ căn cước của em bị mất ' +
      'thì làm lại ở đâu, cần giấy tờ gì ạ?';
    expect(intentOf(story)).toBe('tt_can_cuoc');
  });

  test('a story full of another topic is not answered with that topic', () => {
    const story =
      'Nhà em làm ruộng, năm rồi lũ về ngập hết, ba má em già yếu, em đi làm xa mấy năm, giờ mới về quê. ' +
      'Em muốn hỏi thẻ căn cước bị mất thì làm lại ở đâu?';
    expect(['tt_can_cuoc', FALLBACK_INTENT]).toContain(intentOf(story));
  });

  test('very long text is capped and echoed whole (a super-linear blow-up would hit the test timeout)', () => {
    const text = `${'bla bla '.repeat(20_000)}0912345678`;
    const result = engine.parseSync(text);
    expect(result.text).toBe(text);
    expect(result.intent.name).toBe(FALLBACK_INTENT);
  });

  test.each(['', '   ', '\n\t', '???!!!', '😀😀😀', '...'])('%j → nlu_fallback without throwing', async (text) => {
    const result = await engine.parse(text);
    expect(result.intent.name).toBe(FALLBACK_INTENT);
    expect(result.text).toBe(text);
  });

  test('gibberish and unrelated chit-chat → nlu_fallback', () => {
    for (const text of [
      'asdkjh qwoeiu zxcmnb',
      'xzyq wvut prqs',
      'giá vàng hôm nay bao nhiêu',
      'hát cho tôi nghe một bài đi',
      'kết quả bóng đá tối qua',
    ]) {
      expect({ text, intent: intentOf(text) }).toEqual({ text, intent: FALLBACK_INTENT });
    }
  });

  test('never throws on odd input', async () => {
    for (const text of [null, undefined, 42, '\u0000\u0001', '\uD800', 'a'.repeat(100_000)] as unknown as string[]) {
      await expect(engine.parse(text)).resolves.toMatchObject({ intent: { name: expect.any(String) } });
    }
  });
});

describe('Rasa parse result', () => {
  test('shape, ranking and entities', () => {
    const r = engine.parseSync('tra giúp phiếu 1022-2026-000123, sđt 0912345678');
    expect(r.intent.name).toBe('tra_cuu_phan_anh');
    expect(r.intent.confidence).toBeGreaterThan(0.5);
    expect(r.intent_ranking[0]).toEqual(r.intent);
    expect(r.intent_ranking.length).toBe(10);
    for (let i = 1; i < r.intent_ranking.length; i++)
      expect(r.intent_ranking[i - 1].confidence).toBeGreaterThanOrEqual(r.intent_ranking[i].confidence);
    expect(r.intent_ranking.some((s) => s.name === FALLBACK_INTENT)).toBe(false);
    expect(r.entities.map((e) => [e.entity, e.value, e.extractor])).toEqual([
      ['ma_phieu', '1022-2026-000123', 'RegexEntityExtractor'],
      ['so_dien_thoai', '0912345678', 'RegexEntityExtractor'],
    ]);
  });

  test('when unsure: nlu_fallback at the threshold on top, the candidates kept below (FallbackClassifier)', () => {
    const strict = new BuiltinNluEngine({ threshold: 0.99999999 });
    // Reuse the trained model through a second engine trained on the same data would be slow: share it.
    Object.assign(strict, { model: (engine as unknown as { model: unknown }).model });
    const r = strict.parseSync('làm căn cước ở đâu');
    expect(r.intent).toEqual({ name: FALLBACK_INTENT, confidence: 0.99999999 });
    expect(r.intent_ranking[0]).toEqual(r.intent);
    expect(r.intent_ranking[1].name).toBe('tt_can_cuoc');
    expect(r.intent_ranking.length).toBe(11);
  });

  test('a long message with a thin lead: nlu_fallback listing the two candidates as `ambiguous`; a short one is answered', () => {
    // Same model, settings that make the lead "thin" for any message: only the message's length differs.
    const wary = new BuiltinNluEngine({ longAmbiguityThreshold: 1, longWords: 12 });
    Object.assign(wary, { model: (engine as unknown as { model: unknown }).model });
    const long = wary.parseSync(
      'Chào anh chị. Tui ở quê lên Cao Lãnh làm công nhân được mấy tháng, mướn phòng trọ gần chợ. Chủ trọ biểu phải đi khai báo. Vậy đăng ký tạm trú ở đâu?',
    );
    expect(long.intent.name).toBe(FALLBACK_INTENT);
    expect(long.ambiguous?.map((a) => a.name)).toEqual(long.intent_ranking.slice(1, 3).map((r) => r.name));
    expect(long.ambiguous?.[0].name).toBe('tt_tam_tru');
    const short = wary.parseSync('đăng ký tạm trú ở đâu');
    expect(short.intent.name).toBe('tt_tam_tru');
    expect(short.ambiguous).toBeUndefined();
    // The shipped settings answer that long message.
    expect(intentOf(long.text)).toBe('tt_tam_tru');
  });

  test('before any training: nlu_fallback, entities still found', async () => {
    const fresh = new BuiltinNluEngine();
    const r = await fresh.parse('phiếu 1022-2026-000123');
    expect(r.intent.name).toBe(FALLBACK_INTENT);
    expect(r.entities[0]).toMatchObject({ entity: 'ma_phieu', value: '1022-2026-000123' });
  });
});

describe('training', () => {
  /**
   * A part of the bot's data (the first 15 phrases of every intent) plus a marker intent whose name
   * tells which training produced the model: these tests are about when a model goes live, and a
   * training of the whole file costs seconds.
   */
  function withMarker(name: string): TrainingData {
    return {
      ...data,
      intents: [
        ...data.intents.map((i) => ({ ...i, examples: i.examples.slice(0, 15) })),
        { name, examples: ['kỳ lân xanh biếc', 'ky lan xanh biec', 'con kỳ lân xanh biếc đâu rồi', 'kỳ lân màu xanh biếc'] },
      ],
    };
  }

  test('retraining swaps the model atomically: the old one answers until the new one is complete', async () => {
    const e = new BuiltinNluEngine();
    await e.train(withMarker('marker_old'));
    expect(e.parseSync('kỳ lân xanh biếc').intent.name).toBe('marker_old');

    let done = false;
    const training = e.train(withMarker('marker_new')).then(() => {
      done = true;
    });
    const seen: string[] = [];
    while (!done) {
      seen.push((await e.parse('kỳ lân xanh biếc')).intent.name);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await training;
    // Parses were answered while training ran (it yields), all by the complete old model.
    expect(seen.length).toBeGreaterThan(3);
    expect(new Set(seen)).toEqual(new Set(['marker_old']));
    expect(e.parseSync('kỳ lân xanh biếc').intent.name).toBe('marker_new');
  });

  test('overlapping trainings: the one started last wins, the earlier one is abandoned at once', async () => {
    const e = new BuiltinNluEngine();
    const settled: string[] = [];
    const first = e.train(withMarker('marker_first')).then(
      () => settled.push('first done'),
      (err) => settled.push(err instanceof TrainingAbandoned ? 'first abandoned' : `first failed: ${err}`),
    );
    const second = e.train(withMarker('marker_second')).then(() => settled.push('second done'));
    await Promise.all([first, second]);
    // The first ends at its next pause, long before the second's model is ready.
    expect(settled).toEqual(['first abandoned', 'second done']);
    expect(e.parseSync('kỳ lân xanh biếc').intent.name).toBe('marker_second');
  });

  test('an abandoned training ends at its next pause, and the live model stays', async () => {
    const e = new BuiltinNluEngine();
    await e.train(withMarker('marker_old'));
    let parsesDuring = 0;
    const training = e.train(withMarker('marker_new'));
    // Let it run a few slices (it yields), then abandon it.
    while (parsesDuring < 3) {
      expect((await e.parse('kỳ lân xanh biếc')).intent.name).toBe('marker_old');
      parsesDuring++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    e.abandonTraining();
    await expect(training).rejects.toBeInstanceOf(TrainingAbandoned);
    expect(e.parseSync('kỳ lân xanh biếc').intent.name).toBe('marker_old');
    // Nothing is left half done: the next training goes live.
    await e.train(withMarker('marker_next'));
    expect(e.parseSync('kỳ lân xanh biếc').intent.name).toBe('marker_next');
  });

  test('a trained model keeps 32-bit weights, answers the same once stored and loaded, and does not train again', async () => {
    const { regression } = (engine as unknown as { model: { regression: SoftmaxRegression } }).model;
    expect(regression.weights.BYTES_PER_ELEMENT).toBe(4);
    expect(regression.weights.length).toBe(regression.nFeatures * regression.nClasses);
    await expect(regression.fit([], new Int32Array(0))).rejects.toThrow('a compacted model does not train again');
    const copy = new BuiltinNluEngine();
    copy.loadModel(engine.exportModel());
    for (const text of ['làm căn cước ở đâu', 'nhà kế bên cháy lớn lắm', 'tui ở trọ, đăng ký tạm trú cho con sao']) {
      expect(copy.parseSync(text)).toEqual(engine.parseSync(text));
    }
  });

  test('unusable data is refused and the live model stays', async () => {
    const e = new BuiltinNluEngine();
    Object.assign(e, { model: (engine as unknown as { model: unknown }).model });
    await expect(e.train({ intents: [], synonyms: [], regexes: [] })).rejects.toThrow('no training examples');
    expect(e.parseSync('làm căn cước ở đâu').intent.name).toBe('tt_can_cuoc');
  });
});

describe('parse-time shortcuts give what the plain path gives', () => {
  test('a regex is tried only on a text with the run of digits it needs (digitRun)', () => {
    expect(digitRun('\\b0[35789]\\d{8}\\b')).toBe(8);
    expect(digitRun('1022-\\d{4}-\\d{6}')).toBe(6);
    expect(digitRun('\\d+')).toBe(1);
    expect(digitRun('\\d{2,}')).toBe(2);
    // Optional, grouped, in a class, or with a way around it: no requirement.
    for (const p of ['\\d?', 'x\\d*', '\\d{0,3}', '(\\d{9})', '[\\d]{7}', 'a|\\d{5}', 'khai sinh']) expect(digitRun(p)).toBe(0);
    const f = new Featurizer({ synonyms: [], regexes: [{ name: 'sdt', patterns: ['\\b0[35789]\\d{8}\\b'] }] });
    const regexFeatures = (text: string): string[] => [...f.extract(text).full.keys()].filter((k) => k.startsWith('r:'));
    expect(regexFeatures('gọi em số 0912345678 nha')).toEqual(['r:sdt']);
    expect(regexFeatures('gọi em số 0912 345 678 nha')).toEqual([]);
  });

  test('equally similar examples come in the order the search reaches them, not by example number', () => {
    const vector = (idx: number[]) => ({ idx: Int32Array.from(idx), val: new Float32Array(idx.length).fill(1) });
    // Examples 0 and 1 are as close to the query (one feature each, as rare); the query names 1's feature first.
    const filler = Array.from({ length: 30 }, () => vector([3]));
    const index = new NearestNeighbors(
      [vector([1]), vector([0]), vector([2]), ...filler],
      Int32Array.from([7, 8, 9, ...filler.map(() => 0)]),
      4,
    );
    const found = index.query(vector([0, 1, 2]), 5);
    expect(found.map((n) => n.label)).toEqual([8, 7, 9]);
    expect(new Set(found.map((n) => n.similarity)).size).toBe(1);
    expect(index.query(vector([1, 0]), 1).map((n) => n.label)).toEqual([7]);
    expect(index.query(vector([2, 0, 1]), 2).map((n) => n.label)).toEqual([9, 8]);
  });

  test('features extracted against a vocabulary keep the known keys, their counts and the group scale', () => {
    const f = new Featurizer({ synonyms: [], regexes: [] });
    const text = 'Em muốn làm căn cước. Làm căn cước ở đâu, cần giấy tờ gì ạ?';
    const named = f.extract(text);
    // A vocabulary that knows every other key of each group.
    const known = new Map<string, Map<string, number>>();
    let next = 0;
    for (const g of named.full.groups) {
      const keys = [...(g.counts?.keys() ?? [])].filter((_, i) => i % 2 === 0);
      known.set(g.group, new Map(keys.map((k) => [k, next++])));
    }
    const resolved = f.extract(text, { known });
    expect(resolved.full.groups.map((g) => g.group)).toEqual(named.full.groups.map((g) => g.group));
    resolved.full.groups.forEach((g, n) => {
      const plain = named.full.groups[n];
      expect(g.scale).toBe(plain.scale);
      if (g.group === 'x') {
        expect(g.counts).toEqual(plain.counts);
        return;
      }
      const index = known.get(g.group) ?? new Map<string, number>();
      const expected = [...(plain.counts ?? [])].filter(([k]) => index.has(k));
      expect(g.known?.idx).toEqual(expected.map(([k]) => index.get(k)));
      expect(g.known?.counts).toEqual(expected.map(([, c]) => c));
    });
  });
});
