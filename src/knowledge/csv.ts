/**
 * A small RFC 4180 CSV reader and writer (https://www.rfc-editor.org/rfc/rfc4180): quoted fields with
 * commas, doubled quotes and line breaks; CRLF, LF or CR line ends; a UTF-8 BOM is skipped.
 * Our own, because the knowledge files are small and spreadsheet exports must round-trip exactly.
 */

/** A CSV syntax error, with the 1-based line where it was found. */
export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvError';
  }
}

/** One parsed row and the line it starts on (for error messages). */
export interface CsvRow {
  line: number;
  cells: string[];
}

/** Parses CSV text into rows of cells. Blank lines are skipped; a trailing line break adds no row. */
export function parseCsvRows(input: string): CsvRow[] {
  const s = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let line = 1;
  let rowLine = 1;
  let i = 0;
  // Whether the current row has any content yet (so that blank lines can be skipped).
  let rowStarted = false;

  const endCell = () => {
    cells.push(cell);
    cell = '';
  };
  const endRow = () => {
    endCell();
    if (rowStarted) rows.push({ line: rowLine, cells });
    cells = [];
    rowStarted = false;
  };

  while (i < s.length) {
    const c = s[i];
    if (c === '"') {
      if (cell !== '') throw new CsvError('a quote inside an unquoted field (quote the whole field and double the quote)', line);
      rowStarted = true;
      const quoteLine = line;
      i++;
      for (;;) {
        if (i >= s.length) throw new CsvError('a quoted field is not closed', quoteLine);
        const q = s[i];
        if (q === '"') {
          if (s[i + 1] === '"') {
            cell += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (q === '\r' || q === '\n') {
          // Keep the line break as written, but count lines for messages.
          if (q === '\r' && s[i + 1] === '\n') {
            cell += '\r\n';
            i += 2;
          } else {
            cell += q;
            i++;
          }
          line++;
          continue;
        }
        cell += q;
        i++;
      }
      const next = s[i];
      if (next !== undefined && next !== ',' && next !== '\r' && next !== '\n') {
        throw new CsvError('text after a closing quote', line);
      }
      // Mark the cell as quoted even if empty, so `""` is an empty cell, not a missing one.
      continue;
    }
    if (c === ',') {
      rowStarted = true;
      endCell();
      i++;
      continue;
    }
    if (c === '\r' || c === '\n') {
      endRow();
      i += c === '\r' && s[i + 1] === '\n' ? 2 : 1;
      line++;
      rowLine = line;
      continue;
    }
    rowStarted = true;
    cell += c;
    i++;
  }
  if (rowStarted || cell !== '') endRow();
  return rows;
}

/** One record of a CSV file with a header: values by column name, and the line it starts on. */
export interface CsvRecord {
  line: number;
  values: Record<string, string>;
}

/**
 * Parses CSV text whose first row names the columns. Every row must have as many cells as the header;
 * `required` columns must be present in the header.
 */
export function parseCsv(input: string, required: readonly string[] = []): { columns: string[]; records: CsvRecord[] } {
  const rows = parseCsvRows(input);
  if (rows.length === 0) throw new CsvError('the file is empty (a header row is required)', 1);
  const [head, ...body] = rows;
  const columns = head.cells.map((c) => c.trim());
  const seen = new Set<string>();
  for (const c of columns) {
    if (c === '') throw new CsvError('a column without a name in the header', head.line);
    if (seen.has(c)) throw new CsvError(`column "${c}" appears twice in the header`, head.line);
    seen.add(c);
  }
  for (const r of required) if (!seen.has(r)) throw new CsvError(`the header lacks column "${r}"`, head.line);
  const records = body.map((row) => {
    if (row.cells.length !== columns.length) {
      throw new CsvError(`${row.cells.length} cells, but the header has ${columns.length} columns`, row.line);
    }
    const values: Record<string, string> = {};
    columns.forEach((c, k) => (values[c] = row.cells[k]));
    return { line: row.line, values };
  });
  return { columns, records };
}

/** Whether a cell must be quoted: separators, quotes, line breaks, or edge spaces that readers may trim. */
function needsQuotes(cell: string): boolean {
  return /[",\r\n]/.test(cell) || cell !== cell.trim();
}

/** Writes rows as CSV with LF line ends (default) and a final line break. */
export function stringifyCsv(rows: readonly (readonly string[])[], eol: '\n' | '\r\n' = '\n'): string {
  return rows.map((row) => row.map((cell) => (needsQuotes(cell) ? `"${cell.replace(/"/g, '""')}"` : cell)).join(',')).join(eol) + eol;
}
