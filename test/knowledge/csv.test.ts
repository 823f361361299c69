/**
 * The CSV reader and writer behind fields.csv and agencies.csv: quotes, commas, line breaks, a BOM and
 * CRLF line ends as spreadsheets write them, and errors that name the line.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CsvError, parseCsv, parseCsvRows, stringifyCsv } from '../../src/knowledge/csv';
import { readKnowledge } from '../../src/knowledge/read-files';

describe('parseCsvRows', () => {
  test('quoted cells keep commas, doubled quotes and line breaks', () => {
    const rows = parseCsvRows('a,"b, c","say ""hi""","two\nlines"\n');
    expect(rows).toEqual([{ line: 1, cells: ['a', 'b, c', 'say "hi"', 'two\nlines'] }]);
  });

  test('a UTF-8 BOM is skipped and CRLF, LF and CR line ends all end a row', () => {
    const rows = parseCsvRows('\uFEFFcode,name\r\nho_tich,Hộ tịch\rcu_tru,Cư trú\n');
    expect(rows.map((r) => r.cells)).toEqual([
      ['code', 'name'],
      ['ho_tich', 'Hộ tịch'],
      ['cu_tru', 'Cư trú'],
    ]);
  });

  test('a CRLF inside quotes is kept, and line numbers still count it', () => {
    const rows = parseCsvRows('a,b\r\n"x\r\ny",z\r\nlast,row\r\n');
    expect(rows).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: ['x\r\ny', 'z'] },
      { line: 4, cells: ['last', 'row'] },
    ]);
  });

  test('blank lines are skipped, empty cells are kept, and a missing final line break adds no row', () => {
    expect(parseCsvRows('a,,c\n\n\n"",b,\nend').map((r) => r.cells)).toEqual([
      ['a', '', 'c'],
      ['', 'b', ''],
      ['end'],
    ]);
  });

  test('syntax errors name the line', () => {
    expect(() => parseCsvRows('a,b\n"open,c\n')).toThrow(new CsvError('a quoted field is not closed', 2));
    expect(() => parseCsvRows('a,b\nx"y,c\n')).toThrow('line 2: a quote inside an unquoted field');
    expect(() => parseCsvRows('a,b\n"x"y,c\n')).toThrow('line 2: text after a closing quote');
  });
});

describe('parseCsv', () => {
  test('maps cells to the header and checks row widths and required columns', () => {
    const { columns, records } = parseCsv(' code , name \nho_tich,"Hộ tịch, khai sinh"\n', ['code', 'name']);
    expect(columns).toEqual(['code', 'name']);
    expect(records).toEqual([{ line: 2, values: { code: 'ho_tich', name: 'Hộ tịch, khai sinh' } }]);
    expect(() => parseCsv('code,name\nho_tich\n')).toThrow('line 2: 1 cells, but the header has 2 columns');
    expect(() => parseCsv('code\nho_tich\n', ['code', 'name'])).toThrow('line 1: the header lacks column "name"');
    expect(() => parseCsv('code,code\n')).toThrow('column "code" appears twice');
    expect(() => parseCsv('')).toThrow('the file is empty');
  });
});

describe('stringifyCsv', () => {
  test('quotes only what needs it and round-trips through the parser', () => {
    const rows = [
      ['code', 'notes'],
      ['a', 'plain'],
      ['b', 'with, comma'],
      ['c', 'say "hi"'],
      ['d', 'two\nlines'],
      ['e', ' edge spaces '],
      ['f', ''],
    ];
    const text = stringifyCsv(rows);
    expect(text).toBe('code,notes\na,plain\nb,"with, comma"\nc,"say ""hi"""\nd,"two\nlines"\ne," edge spaces "\nf,\n');
    expect(parseCsvRows(text).map((r) => r.cells)).toEqual(rows);
    expect(parseCsvRows(stringifyCsv(rows, '\r\n')).map((r) => r.cells)).toEqual(rows);
  });
});

describe('knowledge CSV files as a spreadsheet saves them', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'kb-csv-'));
    mkdirSync(join(dir, 'procedures'));
    writeFileSync(join(dir, 'services.yml'), 'answers: []\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('BOM, CRLF, quoted names with commas and multi-line notes are read', () => {
    writeFileSync(join(dir, 'fields.csv'), '\uFEFFcode,name,sort_order\r\nho_tich,"Hộ tịch, khai sinh",10\r\nkhac,Khác, 900 \r\n');
    writeFileSync(
      join(dir, 'agencies.csv'),
      '\uFEFFcode,name,kind,parent,phone,email,fields,aliases,notes\r\n' +
        'ubnd_tinh,"UBND tỉnh ""Đồng Tháp""",other,,,,,,\r\n' +
        'phuong_sa_dec,UBND phường Sa Đéc,commune,ubnd_tinh,0000 000 000,mot-cua@example.vn,ho_tich; khac ,"phường Sa Đéc;Sa Đéc; TP Sa Đéc","Dòng 1, có dấu phẩy\r\nDòng 2"\r\n',
    );
    const seed = readKnowledge(dir);
    expect(seed.fields).toEqual([
      { code: 'ho_tich', name: 'Hộ tịch, khai sinh', sort_order: 10 },
      { code: 'khac', name: 'Khác', sort_order: 900 },
    ]);
    expect(seed.agencies).toEqual([
      { code: 'ubnd_tinh', name: 'UBND tỉnh "Đồng Tháp"', kind: 'other', parent: null, phone: null, email: null, fields: [], aliases: [], notes: null },
      {
        code: 'phuong_sa_dec',
        name: 'UBND phường Sa Đéc',
        kind: 'commune',
        parent: 'ubnd_tinh',
        phone: '0000 000 000',
        email: 'mot-cua@example.vn',
        fields: ['ho_tich', 'khac'],
        aliases: ['phường Sa Đéc', 'Sa Đéc', 'TP Sa Đéc'],
        notes: 'Dòng 1, có dấu phẩy\r\nDòng 2',
      },
    ]);
  });
});
