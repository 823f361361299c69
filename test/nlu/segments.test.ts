/** Long messages: clauses, greeting/thanks/apology clauses dropped, request sentences found. */
import { clauses, conjoinedHalves, requestPart, requestSentences } from '../../src/nlu/builtin/segments';

describe('clauses of a long message', () => {
  const text =
    'Dạ em chào anh chị ạ. Em ở nhờ nhà chị gái bên phường Mỹ Phú được 4 tháng, hộ khẩu em vẫn ở quê. ' +
    'Cho em hỏi em có phải khai báo tạm trú không? Em cảm ơn nhiều ạ!';

  test('greetings, thanks and apologies are filler; the story and the question are not', () => {
    const parts = clauses(text);
    expect(parts.map((c) => [c.text.trim(), c.filler])).toEqual([
      ['Dạ em chào anh chị ạ.', true],
      ['Em ở nhờ nhà chị gái bên phường Mỹ Phú được 4 tháng,', false],
      ['hộ khẩu em vẫn ở quê.', false],
      ['Cho em hỏi em có phải khai báo tạm trú không?', false],
      ['Em cảm ơn nhiều ạ!', true],
    ]);
    for (const c of parts) expect(text.slice(c.start, c.end)).toBe(c.text);
  });

  test.each([
    'Kính gửi tổng đài 1022,',
    'xin lỗi đã làm phiền ad',
    'Mong được hồi đáp sớm.',
    'cám ơn nhiều nghen',
    'chúc anh chị một ngày vui vẻ',
    'Alo alo',
  ])('%s is filler', (clause) => {
    expect(clauses(clause).every((c) => c.filler)).toBe(true);
  });

  test('a sentence that only says who is writing is filler; a long one, a question or one inside a sentence is not', () => {
    const filler = (t: string): boolean[] => clauses(t).map((c) => c.filler);
    expect(filler('Tôi là cộng tác viên y tế ấp. Cụ bà 82 tuổi cần làm lại căn cước.')).toEqual([true, false]);
    expect(filler('Tui là trưởng ấp bên Tam Nông, bà Năm muốn làm sổ đỏ')).toEqual([true, false]);
    expect(filler('Em là sinh viên năm nhất ở trọ gần trường đại học Đồng Tháp mấy tháng nay.')).toEqual([false]);
    expect(filler('Tôi là người cần làm giấy tờ gì?')).toEqual([false]);
    expect(filler('Nhà ở ấp 3, tôi là con út trong nhà.')).toEqual([false, false]);
  });

  test('a clause that puts another matter off for later is left out of the request part', () => {
    const text = 'Giờ tụi tui muốn đăng ký kết hôn trước, vụ nhận cha cho con tính sau.';
    expect(clauses(text).map((c) => c.deferred)).toEqual([false, true]);
    expect(requestPart(clauses(text), text)).toBe('Giờ tụi tui muốn đăng ký kết hôn trước,');
    expect(clauses('gia đình định sau này làm thừa kế sang tên cho các con').map((c) => c.deferred)).toEqual([true]);
    expect(clauses('Giấy an toàn thực phẩm tui tính làm sau nha').map((c) => c.deferred)).toEqual([true]);
    // Something done first and the rest later, a question, a purpose: not deferred.
    expect(clauses('em muốn làm khai sinh cho con trước rồi tính sau').map((c) => c.deferred)).toEqual([false]);
    expect(clauses('kết hôn để tính sau được không?').map((c) => c.deferred)).toEqual([false]);
    expect(clauses('làm căn cước để sau này thi cử').map((c) => c.deferred)).toEqual([false]);
  });

  test('a plan for later that asks nothing is marked; a question about it, or a story, is not', () => {
    const plans = (t: string): boolean[] => clauses(t).map((c) => c.plan);
    expect(plans('cảm ơn con nhiều nghen, để mai chú lên xã làm')).toEqual([false, true]);
    expect(plans('Để cuối tuần em xin nghỉ làm về quê nộp hồ sơ.')).toEqual([true]);
    expect(plans('Mai tui lên xã làm liền. Chiều mai em ghé')).toEqual([true, true]);
    expect(plans('để mai lên xã làm thì cần giấy gì?')).toEqual([false]);
    expect(plans('để làm khai sinh cho con')).toEqual([false]);
    expect(plans('hôm qua tui lên xã nộp rồi')).toEqual([false]);
  });

  test('a clause that only takes leave is marked; "về đây" in a story is not', () => {
    const leaves = (t: string): boolean[] => clauses(t).map((c) => c.leave);
    expect(leaves('chào nha, tui đi đây')).toEqual([false, true]);
    expect(leaves('hẹn gặp lại ad nha')).toEqual([true]);
    expect(leaves('bye ad')).toEqual([true]);
    expect(leaves('tui mới chuyển hộ khẩu về đây')).toEqual([false]);
    expect(leaves('tui đi đây đi đó hoài')).toEqual([false]);
  });

  test('"hổng ai bị gì" says no one was hurt: no question; "ai" or "gì" elsewhere still ask', () => {
    const requests = (t: string): boolean[] => clauses(t).map((c) => c.request);
    expect(requests('xe tải tông sạp của tui rồi chạy luôn, hổng ai bị gì, biển số 66C')).toEqual([false, false, false]);
    expect(requests('may không ai bị gì')).toEqual([false]);
    expect(requests('không ai bị gì chứ?')).toEqual([true]);
    expect(requests('ai cấp giấy này')).toEqual([true]);
  });

  test('"em hiểu rồi", "tuyệt vời" and a wish of good health ("chúc cô chú mạnh giỏi") are filler', () => {
    expect(clauses('em hiểu rồi').every((c) => c.filler)).toBe(true);
    expect(clauses('Chúc cô chú mạnh giỏi.').every((c) => c.filler)).toBe(true);
    expect(clauses('tuyệt vời, cảm ơn').every((c) => c.filler)).toBe(true);
    expect(clauses('em không hiểu').every((c) => c.filler)).toBe(false);
  });

  test.each(['tổng đài 1022 là gì', 'cảm ơn nhưng tôi chưa hiểu phí bao nhiêu', 'làm lại căn cước'])('%s is not filler', (clause) => {
    expect(clauses(clause).some((c) => !c.filler)).toBe(true);
  });

  test('the request part drops the filler; a message of filler only is kept whole', () => {
    expect(requestPart(clauses(text), text)).toBe(
      'Em ở nhờ nhà chị gái bên phường Mỹ Phú được 4 tháng, hộ khẩu em vẫn ở quê. Cho em hỏi em có phải khai báo tạm trú không?',
    );
    expect(requestPart(clauses('chào ad, cảm ơn nha'), 'chào ad, cảm ơn nha')).toBe('chào ad, cảm ơn nha');
    expect(requestPart(clauses('làm căn cước ở đâu'), 'làm căn cước ở đâu')).toBe('làm căn cước ở đâu');
  });

  test('request sentences: those asking something, commas kept inside, the story left out', () => {
    const two =
      'Chào ad. Nhà tôi ở ấp 3, tôi đi làm xa. Cho hỏi làm lại căn cước ở đâu? Còn đổi bằng lái xe thì sao, mất mấy ngày? Cảm ơn.';
    expect(requestSentences(clauses(two))).toEqual(['Cho hỏi làm lại căn cước ở đâu?', 'Còn đổi bằng lái xe thì sao, mất mấy ngày?']);
    expect(requestSentences(clauses('Nhà tôi ở ấp 3. Tôi đi làm xa.'))).toEqual([]);
  });

  test('a question that joins two requests is cut at its first joiner with words on both sides', () => {
    expect(conjoinedHalves('Cho tui hỏi làm lại căn cước với đổi bằng lái luôn được hông.')).toEqual([
      'Cho tui hỏi làm lại căn cước',
      'đổi bằng lái luôn được hông.',
    ]);
    expect(conjoinedHalves('xin hoi lam lai can cuoc cho con va dang ky tam tru cho vo o dau?')).toEqual([
      'xin hoi lam lai can cuoc cho con',
      'dang ky tam tru cho vo o dau?',
    ]);
    expect(conjoinedHalves('Em muốn hỏi 2 việc: đăng ký tạm trú cho vợ con và chuyển trường cho con lớp 3.')).toEqual([
      'Em muốn hỏi 2 việc: đăng ký tạm trú cho vợ con',
      'chuyển trường cho con lớp 3.',
    ]);
    expect(conjoinedHalves('Thẻ bảo hiểm của bé làm ở đâu, với lại giấy khai sanh làm chung được hông?')).toEqual([
      'Thẻ bảo hiểm của bé làm ở đâu,',
      'giấy khai sanh làm chung được hông?',
    ]);
  });

  test('no cut in a story, next to a side too short, or beside a side that only asks where or how', () => {
    expect(conjoinedHalves('Tôi và mẹ cháu không đăng ký kết hôn, cháu được 7 tuổi.')).toBeUndefined();
    expect(conjoinedHalves('Hồi đó tui làm giấy kết hôn và giấy khai sinh cho con ở xã.')).toBeUndefined();
    expect(conjoinedHalves('kết hôn với người nước ngoài cần giấy gì?')).toBeUndefined();
    expect(conjoinedHalves('tui ở với ông chú được không?')).toBeUndefined();
    expect(conjoinedHalves('Xin hỏi làm ở ủy ban xã và cần giấy xác định khuyết tật không?')).toBeUndefined();
  });

  test('"em muốn hỏi", "cho tui hỏi" open a request; "hồi đó" does not', () => {
    expect(clauses('Em muốn hỏi đăng ký tạm trú cho vợ.')[0].request).toBe(true);
    expect(clauses('Cho tui hỏi đổi bằng lái.')[0].request).toBe(true);
    expect(clauses('Hồi đó tui làm giấy kết hôn ở xã.')[0].request).toBe(false);
  });

  test('no letters, no clauses', () => {
    expect(clauses('... ?!')).toEqual([]);
    expect(clauses('')).toEqual([]);
  });
});
