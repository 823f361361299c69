/**
 * CSV import of the agency directory and the field list, in the columns of `knowledge/agencies.csv`
 * and `knowledge/fields.csv` (same reader and schemas as the seed). Valid lines are saved in one
 * transaction; each invalid line is reported with its number and a Vietnamese reason, and skipped.
 */
import type { User } from '../store/users';
import type { AppContext } from '../context';
import type { Queryable } from '../db/database';
import { CsvError, parseCsvRows } from '../knowledge/csv';
import { AGENCY_COLUMNS, agencyFromCsvValues, FIELD_COLUMNS } from '../knowledge/read-files';
import { Agency, Field } from '../knowledge/schema';
import { existingAgencyCodes, fieldCodes, upsertAgency, upsertField } from '../store/directory';
import { logEvent } from '../store/events';
import { actorOf } from './conversation-actions';
import type { z } from 'zod';

/** Result of an import. */
export interface ImportResult {
  created: number;
  updated: number;
  errors: { line: number; message: string }[];
}

const MESSAGES: [RegExp, string][] = [
  [/lower-case code/, 'phải là mã viết thường không dấu (a-z, 0-9, _)'],
  [/must not be empty/, 'không được để trống'],
  [/e-mail address/, 'phải là địa chỉ thư điện tử'],
  [/must be a number/, 'phải là số'],
  [/must be an integer/, 'phải là số nguyên'],
  [/Invalid option|Invalid enum|expected one of/i, 'giá trị không nằm trong danh sách cho phép'],
  [/Too small|too_small/i, 'quá ngắn'],
];

const COLUMN_NAMES: Record<string, string> = {
  code: 'mã',
  name: 'tên',
  kind: 'loại',
  parent: 'cơ quan cấp trên',
  phone: 'điện thoại',
  email: 'thư điện tử',
  fields: 'lĩnh vực',
  aliases: 'tên gọi khác',
  notes: 'ghi chú',
  sort_order: 'thứ tự',
};

/** Vietnamese text of a schema issue. */
export function issueText(issue: z.core.$ZodIssue): string {
  const col = String(issue.path[0] ?? '');
  const what = MESSAGES.find(([re]) => re.test(issue.message))?.[1] ?? `không hợp lệ (${issue.message})`;
  return `cột "${col}" (${COLUMN_NAMES[col] ?? col}): ${what}`;
}

/** Reads CSV rows with a header; a syntax error or a bad header is one error on its line. */
function readTable(
  text: string,
  columns: readonly string[],
): { records: { line: number; values: Record<string, string> }[]; errors: ImportResult['errors'] } {
  let rows;
  try {
    rows = parseCsvRows(text);
  } catch (err) {
    if (err instanceof CsvError)
      return { records: [], errors: [{ line: err.line, message: `Lỗi cú pháp CSV: ${err.message.replace(/^line \d+: /, '')}` }] };
    throw err;
  }
  if (rows.length === 0) return { records: [], errors: [{ line: 1, message: 'Tệp rỗng: cần dòng tiêu đề' }] };
  const [head, ...body] = rows;
  const found = head.cells.map((c) => c.trim());
  const missing = columns.filter((c) => !found.includes(c));
  const unknown = found.filter((c) => !columns.includes(c));
  if (missing.length || unknown.length) {
    const parts = [
      missing.length && `thiếu cột ${missing.map((c) => `"${c}"`).join(', ')}`,
      unknown.length && `cột không biết ${unknown.map((c) => `"${c}"`).join(', ')}`,
    ];
    return {
      records: [],
      errors: [{ line: head.line, message: `Dòng tiêu đề: ${parts.filter(Boolean).join('; ')} (cần: ${columns.join(',')})` }],
    };
  }
  const errors: ImportResult['errors'] = [];
  const records = [];
  for (const row of body) {
    if (row.cells.length !== found.length) {
      errors.push({ line: row.line, message: `Dòng có ${row.cells.length} ô nhưng tiêu đề có ${found.length} cột` });
      continue;
    }
    const values: Record<string, string> = {};
    found.forEach((c, i) => (values[c] = row.cells[i]));
    records.push({ line: row.line, values });
  }
  return { records, errors };
}

/** Saves the valid lines in one transaction and logs the import; the errors are returned in line order. */
async function save<T>(
  ctx: AppContext,
  user: User,
  eventType: string,
  valid: T[],
  errors: ImportResult['errors'],
  upsert: (tx: Queryable, item: T) => Promise<{ created: boolean }>,
): Promise<ImportResult> {
  const created = await ctx.db.transaction(async (tx) => {
    let created = 0;
    for (const item of valid) if ((await upsert(tx, item)).created) created++;
    await logEvent(tx, {
      type: eventType,
      actor: actorOf(user),
      data: { created, updated: valid.length - created, errors: errors.length },
    });
    return created;
  });
  return { created, updated: valid.length - created, errors: errors.sort((a, b) => a.line - b.line) };
}

/** Imports agencies (upsert by code). */
export async function importAgencies(ctx: AppContext, user: User, text: string): Promise<ImportResult> {
  const { records, errors } = readTable(text, AGENCY_COLUMNS);
  const known = await fieldCodes(ctx.db);
  const inFile = new Set(records.map((r) => r.values.code.trim()));
  const parents = await existingAgencyCodes(ctx.db, records.map((r) => r.values.parent.trim()).filter(Boolean));
  const valid: { line: number; agency: Agency }[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    const v = r.values;
    const parsed = Agency.safeParse(agencyFromCsvValues(v));
    if (!parsed.success) {
      errors.push({ line: r.line, message: parsed.error.issues.map(issueText).join('; ') });
      continue;
    }
    const a = parsed.data;
    const problems: string[] = [];
    if (seen.has(a.code)) problems.push(`mã "${a.code}" lặp lại trong tệp`);
    const badFields = a.fields.filter((f) => !known.has(f));
    if (badFields.length) problems.push(`cột "fields": lĩnh vực không có trong danh mục: ${badFields.join(', ')}`);
    if (a.parent && !parents.has(a.parent) && !inFile.has(a.parent)) problems.push(`cột "parent": không có cơ quan mã "${a.parent}"`);
    if (problems.length) {
      errors.push({ line: r.line, message: problems.join('; ') });
      continue;
    }
    seen.add(a.code);
    valid.push({ line: r.line, agency: a });
  }
  return save(ctx, user, 'agencies_imported', valid, errors, (tx, { agency }) => upsertAgency(tx, agency));
}

/** Imports fields (upsert by code). */
export async function importFields(ctx: AppContext, user: User, text: string): Promise<ImportResult> {
  const { records, errors } = readTable(text, FIELD_COLUMNS);
  const valid: Field[] = [];
  const seen = new Set<string>();
  for (const r of records) {
    const raw = r.values.sort_order.trim();
    const parsed = Field.safeParse({
      code: r.values.code.trim(),
      name: r.values.name,
      sort_order: /^-?\d+$/.test(raw) ? Number(raw) : raw,
    });
    if (!parsed.success) {
      errors.push({ line: r.line, message: parsed.error.issues.map(issueText).join('; ') });
      continue;
    }
    if (seen.has(parsed.data.code)) {
      errors.push({ line: r.line, message: `mã "${parsed.data.code}" lặp lại trong tệp` });
      continue;
    }
    seen.add(parsed.data.code);
    valid.push(parsed.data);
  }
  return save(ctx, user, 'fields_imported', valid, errors, (tx, f) =>
    upsertField(tx, { code: f.code, name: f.name, sortOrder: f.sort_order }),
  );
}
