/**
 * Validation of the widget's frames before they are stored. Pure. Errors are Vietnamese
 * because the widget shows them to the citizen as they are.
 */
import { sniffMimeType } from '../../src/channels/kit';
import type { ClientMessageFrame, ClientQuickReplyFrame, UploadedFile } from './protocol';

/** Limits a frame is checked against. */
export interface FrameLimits {
  maxTextLength: number;
  maxAttachmentBytes: number;
  allowedMimeTypes: string[];
  maxAttachments: number;
}

/** Outcome of a validation: the cleaned frame, or a message for the citizen. */
export type Validated<T> = { ok: true; value: T } | { ok: false; error: string };

/** Default accepted upload types: common images and PDF. */
export const DEFAULT_ALLOWED_MIME_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp', 'application/pdf'];

/** Most files in one message (the widget sends one; a little slack for other clients). */
export const MAX_ATTACHMENTS_PER_MESSAGE = 3;

/** Widget-generated ids: short, URL-safe, no `:` (it separates visitor and client id). */
const CLIENT_ID = /^[A-Za-z0-9_-]{1,64}$/;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

const MALFORMED = 'Tin nhắn không hợp lệ, vui lòng tải lại trang và thử lại.';

/** The types we know: their bytes are checked (a renamed executable is not accepted as a "PDF"). */
const TYPE_LABELS: Record<string, string> = {
  'image/jpeg': 'JPG',
  'image/png': 'PNG',
  'image/gif': 'GIF',
  'image/webp': 'WEBP',
  'application/pdf': 'PDF',
};

/** "5 MB", "512 KB": sizes as the citizen reads them. */
export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${Math.round((n / (1024 * 1024)) * 10) / 10} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} B`;
}

/** Human list of accepted types, e.g. "JPG, PNG, GIF, WEBP, PDF". */
export function describeTypes(types: string[]): string {
  return types.map((t) => TYPE_LABELS[t] ?? t).join(', ');
}

function cleanFileName(name: unknown): string {
  const s = typeof name === 'string' ? name : '';
  // Path separators and control characters have no place in a stored or displayed name.
  const cleaned = s
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
    .replace(/[\u0000-\u001f\u007f/\\]/g, '')
    .trim()
    .slice(0, 200);
  return cleaned || 'tep-dinh-kem';
}

function validateFile(raw: unknown, limits: FrameLimits): Validated<UploadedFile> {
  const o = raw as Record<string, unknown> | null;
  if (!o || typeof o !== 'object' || typeof o.dataBase64 !== 'string' || typeof o.mimeType !== 'string') {
    return { ok: false, error: MALFORMED };
  }
  const name = cleanFileName(o.name);
  const mimeType = o.mimeType.toLowerCase().trim();
  if (!limits.allowedMimeTypes.includes(mimeType)) {
    return { ok: false, error: `Không hỗ trợ loại tệp của "${name}". Chỉ nhận: ${describeTypes(limits.allowedMimeTypes)}.` };
  }
  const b64 = o.dataBase64;
  // Size from the base64 length first, so an oversize file is refused without decoding it.
  const padding = b64.endsWith('==') ? 2 : b64.endsWith('=') ? 1 : 0;
  const size = Math.floor((b64.length * 3) / 4) - padding;
  if (size > limits.maxAttachmentBytes) {
    return { ok: false, error: `Tệp "${name}" quá lớn (tối đa ${formatBytes(limits.maxAttachmentBytes)}).` };
  }
  if (size <= 0 || b64.length % 4 !== 0 || !BASE64.test(b64)) {
    return { ok: false, error: `Tệp "${name}" bị lỗi hoặc trống, vui lòng chọn lại.` };
  }
  const label = TYPE_LABELS[mimeType];
  if (label && sniffMimeType(Buffer.from(b64.slice(0, 24), 'base64')) !== mimeType) {
    return { ok: false, error: `Nội dung tệp "${name}" không đúng định dạng ${label}.` };
  }
  return { ok: true, value: { name, mimeType, dataBase64: b64 } };
}

/** Checks a `message` frame: client id, text length, number, type and size of files. */
export function validateMessageFrame(raw: unknown, limits: FrameLimits): Validated<Required<ClientMessageFrame>> {
  const o = raw as Record<string, unknown> | null;
  if (!o || typeof o !== 'object' || typeof o.clientId !== 'string' || !CLIENT_ID.test(o.clientId)) {
    return { ok: false, error: MALFORMED };
  }
  const text = o.text === undefined || o.text === null ? '' : o.text;
  if (typeof text !== 'string') return { ok: false, error: MALFORMED };
  if (text.length > limits.maxTextLength) {
    return { ok: false, error: `Tin nhắn quá dài (tối đa ${limits.maxTextLength} ký tự).` };
  }
  const rawFiles = o.attachments === undefined || o.attachments === null ? [] : o.attachments;
  if (!Array.isArray(rawFiles)) return { ok: false, error: MALFORMED };
  if (rawFiles.length > limits.maxAttachments) {
    return { ok: false, error: `Mỗi tin nhắn chỉ gửi được tối đa ${limits.maxAttachments} tệp.` };
  }
  const attachments: UploadedFile[] = [];
  for (const f of rawFiles) {
    const v = validateFile(f, limits);
    if (!v.ok) return v;
    attachments.push(v.value);
  }
  if (!text.trim() && attachments.length === 0) return { ok: false, error: 'Tin nhắn trống.' };
  return { ok: true, value: { clientId: o.clientId, text, attachments } };
}

/** Checks a `quick_reply` frame. */
export function validateQuickReplyFrame(raw: unknown): Validated<ClientQuickReplyFrame> {
  const o = raw as Record<string, unknown> | null;
  if (
    !o ||
    typeof o !== 'object' ||
    typeof o.clientId !== 'string' ||
    !CLIENT_ID.test(o.clientId) ||
    typeof o.payload !== 'string' ||
    o.payload.length === 0 ||
    o.payload.length > 1000 ||
    typeof o.title !== 'string' ||
    o.title.length > 200
  ) {
    return { ok: false, error: MALFORMED };
  }
  return { ok: true, value: { clientId: o.clientId, payload: o.payload, title: o.title } };
}
