/** Response headers and bodies of the files the console API sends: exports, workbooks, the processing log and attachments. */
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Response } from 'express';
import type { Queryable } from '../db/database';
import { HttpError } from '../errors';
import { getAttachmentRow, openAttachment } from '../store/attachments';
import type { BlobStore } from '../store/blob-store';

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

/** Images and PDF are shown by the browser; anything else is saved as a file. */
const INLINE_TYPES = /^image\/(png|jpe?g|gif|webp)$|^application\/pdf$/;

/**
 * Streams a stored attachment (from whichever node's blob store: see `store/blob-store.ts`) with
 * its type, length and name; a broken stream mid-way ends the response rather than the process.
 */
export async function sendAttachment(
  res: Response,
  file: { stream: Readable; mimeType: string; name: string; size: number },
): Promise<void> {
  res.setHeader('Content-Type', file.mimeType);
  res.setHeader('Content-Length', String(file.size));
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'private, max-age=3600');
  res.setHeader(
    'Content-Disposition',
    `${INLINE_TYPES.test(file.mimeType) ? 'inline' : 'attachment'}; filename="${asciiName(file.name)}"; filename*=UTF-8''${encodeURIComponent(file.name)}`,
  );
  await pipeline(file.stream, res).catch(() => res.destroy());
}

/** A stored attachment to download; 410 once retention purged its bytes, 404 when there is none. */
export async function openDownload(
  q: Queryable,
  blobs: BlobStore,
  id: string,
): Promise<{ stream: Readable; mimeType: string; name: string; size: number }> {
  const file = await openAttachment(q, blobs, id);
  if (file) return file;
  const row = await getAttachmentRow(q, id);
  if (row?.purgedAt) throw new HttpError(410, 'Tệp đính kèm đã được xoá theo chính sách lưu trữ dữ liệu');
  throw new HttpError(404, 'Không tìm thấy tệp');
}

/** An ASCII fallback for the `filename=` parameter. */
function asciiName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^\x20-\x7e]/g, '_')
    .replace(/"/g, '');
}
