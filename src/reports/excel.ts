/**
 * exceljs (https://github.com/exceljs/exceljs), loaded at the first export rather than when the
 * gateway starts: loading it costs about 0.4 s of CPU, and most starts never export a workbook.
 */
import type ExcelJS from 'exceljs';

let loaded: Promise<typeof ExcelJS> | undefined;

/** The exceljs module, loaded once. */
export function excel(): Promise<typeof ExcelJS> {
  loaded ??= import('exceljs').then((m) => m.default);
  return loaded;
}
