/** Long messages: clauses, greeting/thanks/apology clauses dropped, request sentences found. */
import { clauses, requestPart, requestSentences } from '../../src/nlu/builtin/segments';

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

  test('no letters, no clauses', () => {
    expect(clauses('... ?!')).toEqual([]);
    expect(clauses('')).toEqual([]);
  });
});
