/** Response headers of the files the console API sends: exports, workbooks and the processing log. */
import type { Response } from 'express';

/** The MIME type of an Excel workbook (.xlsx). */
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Sets a response's type and file name (`attachment`: saved as a file; `inline`: shown by the browser). */
export function fileHeaders(
  res: Response,
  contentType: string,
  fileName: string,
  disposition: 'attachment' | 'inline' = 'attachment',
): void {
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Disposition', `${disposition}; filename="${fileName}"`);
}
