/** Regex entities in Rasa format, and the redaction of personal data for logs. */
import { extractEntities, redactPersonalData, REGEX_EXTRACTOR } from '../../src/nlu/entities';

function found(text: string): [string, string, string][] {
  return extractEntities(text).map((e) => [e.entity, e.value, text.slice(e.start, e.end)]);
}

describe('1022 ticket codes (ma_phieu)', () => {
  test('the canonical code, with Rasa-shaped offsets and extractor', () => {
    const text = 'phiếu 1022-2026-000123 sao rồi';
    expect(extractEntities(text)).toEqual([
      { entity: 'ma_phieu', value: '1022-2026-000123', start: 6, end: 22, extractor: REGEX_EXTRACTOR },
    ]);
  });

  test('spaces, dots or an en dash as separators give the canonical value', () => {
    expect(found('ma phieu 1022 2026 000123')).toEqual([['ma_phieu', '1022-2026-000123', '1022 2026 000123']]);
    expect(found('1022.2026.000045')).toEqual([['ma_phieu', '1022-2026-000045', '1022.2026.000045']]);
    expect(found('mã 1022–2025–004512 ạ')).toEqual([['ma_phieu', '1022-2025-004512', '1022–2025–004512']]);
  });

  test('the hotline number alone is not a code', () => {
    expect(found('gọi 1022 hay 113 vậy')).toEqual([]);
  });

  test('codes with their random part, typed in any case, with or without spaces around the dash', () => {
    expect(found('phiếu 1022-2026-000123-K7QM sao rồi')).toEqual([['ma_phieu', '1022-2026-000123-K7QM', '1022-2026-000123-K7QM']]);
    expect(found('ma phieu 1022 2026 000123 - k7qm nha')).toEqual([['ma_phieu', '1022-2026-000123-K7QM', '1022 2026 000123 - k7qm']]);
    // A word after the code is not its random part, and letters the codes never use (I, L, O, 0, 1) are not either.
    expect(found('phiếu 1022-2026-000123 xong chưa')).toEqual([['ma_phieu', '1022-2026-000123', '1022-2026-000123']]);
    expect(found('1022-2026-000123-LOI1')).toEqual([['ma_phieu', '1022-2026-000123', '1022-2026-000123']]);
  });
});

describe('dossier codes (ma_ho_so)', () => {
  test.each([
    ['hồ sơ 000.00.30.H16-250101-0001 ạ', '000.00.30.H16-250101-0001'],
    ['ma ho so h20.12-250312-0007', 'H20.12-250312-0007'],
    ['biên nhận 000.21.30.H20-260105-0112.', '000.21.30.H20-260105-0112'],
  ])('%s', (text, value) => {
    const [e] = extractEntities(text);
    expect(e.entity).toBe('ma_ho_so');
    expect(e.value).toBe(value);
    expect(text.slice(e.start, e.end).toUpperCase()).toBe(value);
  });
});

describe('phone numbers (so_dien_thoai)', () => {
  test.each([
    ['0912345678'],
    ['0912 345 678'],
    ['0912.345.678'],
    ['+84 912 345 678'],
    ['+84912345678'],
    ['84912345678'],
    ['0277 3851 234'],
    ['028 3823 4567'],
  ])('%s', (phone) => {
    expect(found(`sdt của tui ${phone} nha`)).toEqual([['so_dien_thoai', phone, phone]]);
  });

  test('several numbers in one message', () => {
    expect(found('gọi 0912345678 hoặc 0387654321').map(([e]) => e)).toEqual(['so_dien_thoai', 'so_dien_thoai']);
  });

  test('too many digits, years and short numbers are not phones', () => {
    expect(found('0912345678910')).toEqual([]);
    expect(found('năm 2026 tháng 3')).toEqual([]);
  });
});

describe('email and ID numbers', () => {
  test('email', () => {
    expect(found('email a.b+c@gmail.com.')).toEqual([['email', 'a.b+c@gmail.com', 'a.b+c@gmail.com']]);
  });

  test('12-digit căn cước and 9-digit CMND (so_dinh_danh)', () => {
    expect(found('cccd 087123456789, cmnd 381234567')).toEqual([
      ['so_dinh_danh', '087123456789', '087123456789'],
      ['so_dinh_danh', '381234567', '381234567'],
    ]);
  });

  test('amounts of money are not ID numbers', () => {
    expect(found('nộp 150.000.000 đồng')).toEqual([]);
  });
});

describe('named regexes from the training data', () => {
  test('add entities of their own, but never override the built-in ones', () => {
    const extra = [
      { name: 'bien_so', patterns: ['\\b\\d{2}[A-Z]\\d?-\\d{3}\\.\\d{2}\\b'] },
      { name: 'ma_phieu', patterns: ['1022'] },
      { name: 'broken', patterns: ['(?P<python>x)'] },
    ];
    const text = 'xe 66B1-123.45, phiếu 1022-2026-000123';
    expect(extractEntities(text, extra).map((e) => [e.entity, e.value])).toEqual([
      ['bien_so', '66B1-123.45'],
      ['ma_phieu', '1022-2026-000123'],
    ]);
  });
});

describe('redaction for logs', () => {
  test('phones, emails and ID numbers are masked; codes stay', () => {
    expect(redactPersonalData('sdt 0912 345 678, mail a@b.vn, cccd 087123456789, phiếu 1022-2026-000123')).toBe(
      'sdt [phone], mail [email], cccd [id], phiếu 1022-2026-000123',
    );
  });

  test('text without personal data is unchanged', () => {
    const text = 'hồ sơ 000.00.30.H16-250101-0001 nộp 150.000.000 đồng năm 2026';
    expect(redactPersonalData(text)).toBe(text);
  });
});

describe('cost', () => {
  // Speed is measured by `npm run eval:nlu`; a super-linear blow-up here would hit the test timeout.
  test('long inputs (logged payloads) are handled', () => {
    const numbers = Array.from({ length: 50_000 }, (_, i) => String(i % 1000)).join(' ');
    const words = 'a'.repeat(200_000);
    const dots = `x@${'a.'.repeat(50_000)}!`;
    redactPersonalData(numbers);
    redactPersonalData(words);
    redactPersonalData(dots);
    expect(extractEntities(`${'0912345678 '.repeat(5_000)}`)).toHaveLength(5_000);
  });
});
