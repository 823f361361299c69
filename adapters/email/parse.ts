/**
 * Mail → normalized events, in two steps because mailparser is asynchronous and `parse()` is not:
 * `parseMail()` (async, run once by the IMAP intake) turns raw RFC 822 bytes into a `StoredMail`
 * JSON document; `parseStoredMail()` (sync, pure) turns that document into `InboundEvent`s.
 *
 * mailparser: https://nodemailer.com/extras/mailparser/
 * Threading headers (RFC 5322 §3.6.4): https://www.rfc-editor.org/rfc/rfc5322#section-3.6.4
 */
import type { AddressObject, EmailAddress, ParsedMail } from 'mailparser';
import sanitizeHtml from 'sanitize-html';
import { sha256Hex, ticketCodeIn, type Attachment, type InboundEvent, type InboundMessage } from '../../src/channels/kit';
import { checkAutoReply } from './loop-guard';
import {
  MAIL_JSON_CONTENT_TYPE,
  RFC822_CONTENT_TYPE,
  type MailAddress,
  type MailHeaderLine,
  type ParsedMailJson,
  type StoredAttachment,
  type StoredMail,
} from './types';

/** Default limit for inbound attachments: 25 MiB, what most mail providers accept. */
export const DEFAULT_MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

/** Options of `parseMail`. */
export interface ParseMailOptions {
  /** Attachments above this many bytes are kept as metadata only (default: 25 MiB). */
  maxAttachmentBytes?: number;
  /** IMAP INTERNALDATE, the arrival time at our server. */
  receivedAt?: Date | null;
}

/** Parses raw RFC 822 bytes (async, no I/O) into the JSON document the intake ingests. Never throws. */
export async function parseMail(raw: Buffer, options: ParseMailOptions = {}): Promise<StoredMail> {
  const limit = options.maxAttachmentBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES;
  const base = {
    v: 1 as const,
    raw: raw.toString('base64'),
    receivedAt: options.receivedAt && !Number.isNaN(options.receivedAt.getTime()) ? options.receivedAt.toISOString() : null,
    sha256: sha256Hex(raw),
  };
  let mail: ParsedMail;
  try {
    // Loaded at the first mail, not at every start of the gateway.
    const { simpleParser } = await import('mailparser');
    // keepCidLinks: inline images stay attachments instead of being inlined as data: URLs.
    mail = await simpleParser(raw, { keepCidLinks: true, skipTextToHtml: true, skipImageLinks: true });
  } catch (err) {
    return { ...base, parsed: null, error: err instanceof Error ? err.message : String(err) };
  }
  const parsed: ParsedMailJson = {
    messageId: mail.messageId?.trim() || null,
    date: mail.date && !Number.isNaN(mail.date.getTime()) && hasHeader(mail, 'date') ? mail.date.toISOString() : null,
    subject: mail.subject ?? null,
    from: addresses(mail.from)[0] ?? null,
    replyTo: addresses(mail.replyTo),
    to: addresses(mail.to),
    cc: addresses(mail.cc),
    inReplyTo: mail.inReplyTo?.trim() || null,
    references: messageIds(mail.references),
    text: mail.text ?? null,
    html: typeof mail.html === 'string' ? mail.html : null,
    headers: mail.headerLines.map(headerLine),
    attachments: mail.attachments.map((a): StoredAttachment => ({
      filename: a.filename ?? null,
      contentType: a.contentType,
      size: a.size,
      disposition: a.contentDisposition ?? null,
      cid: a.cid ?? null,
      data: a.size <= limit ? a.content.toString('base64') : null,
    })),
  };
  return { ...base, parsed };
}

/** What `parseStoredMail` needs from the adapter's configuration. */
export interface ParseContext {
  /** Our mailbox address, reported as the event's `account`. */
  account: string;
  /** Our own addresses, for the loop guard. */
  ownAddresses: readonly string[];
  /** Attachments above this many bytes are dropped with a note (default: 25 MiB). */
  maxAttachmentBytes?: number;
}

/** The idempotency key of a mail: its Message-ID, or the SHA-256 of the raw bytes when it has none. */
export function mailDedupeKey(stored: Pick<StoredMail, 'parsed' | 'sha256'>): string {
  return stored.parsed?.messageId ?? `sha256:${stored.sha256}`;
}

/** The ordering key of a mail: the sender's address, lower-cased (the same citizen id `parse` reports). */
export function mailOrderingKey(stored: Pick<StoredMail, 'parsed' | 'raw'>): string {
  const sender = stored.parsed
    ? (stored.parsed.from ?? stored.parsed.replyTo[0] ?? null)?.address
    : sniffHeaders(Buffer.from(stored.raw, 'base64')).from;
  return sender?.toLowerCase() ?? 'unknown';
}

/** Ingested body → normalized events. Pure and synchronous; malformed bodies become `unsupported`. */
export function parseStoredMail(body: Buffer, contentType: string, ctx: ParseContext): InboundEvent[] {
  const type = contentType.split(';')[0].trim().toLowerCase();
  if (type === RFC822_CONTENT_TYPE) {
    // Only reached when something bypassed the intake: mailparser cannot parse synchronously.
    return [unsupported(ctx, sniffHeaders(body), sha256Hex(body), 'raw message/rfc822 must be ingested as ' + MAIL_JSON_CONTENT_TYPE)];
  }
  if (type !== MAIL_JSON_CONTENT_TYPE) {
    return [unsupported(ctx, { from: null, messageId: null }, sha256Hex(body), `unexpected content type ${type}`)];
  }
  const stored = readStoredMail(body);
  if (!stored) return [unsupported(ctx, { from: null, messageId: null }, sha256Hex(body), 'malformed mail document')];
  const raw = Buffer.from(stored.raw, 'base64');
  if (!stored.parsed) {
    return [unsupported(ctx, sniffHeaders(raw), stored.sha256, `unparseable mail: ${stored.error ?? 'unknown error'}`)];
  }
  const mail = stored.parsed;
  const sender = mail.from ?? mail.replyTo[0] ?? null;
  const externalMessageId = mailDedupeKey(stored);
  if (!sender) return [unsupported(ctx, { from: null, messageId: mail.messageId }, stored.sha256, 'mail without a sender address')];

  const limit = ctx.maxAttachmentBytes ?? DEFAULT_MAX_ATTACHMENT_BYTES;
  const attachments: Attachment[] = [];
  const notes: string[] = [];
  for (const a of mail.attachments) {
    if (a.data === null || a.size > limit) {
      notes.push(
        `[Tệp đính kèm "${a.filename ?? 'không tên'}" (${formatBytes(a.size)}) vượt giới hạn ${formatBytes(limit)} nên không được lưu.]`,
      );
      continue;
    }
    attachments.push({
      kind: attachmentKind(a.contentType),
      name: a.filename ?? undefined,
      mimeType: a.contentType,
      size: a.size,
      data: Buffer.from(a.data, 'base64'),
    });
  }

  // A sender that fails DMARC may be spoofed: kept for operators with a warning, never answered automatically.
  const spoofed = stored.authentication?.dmarc === 'fail';
  if (spoofed) notes.push(DMARC_WARNING);
  const text = [stripQuotedReply(mail.text ?? ''), ...notes].filter((t) => t.length > 0).join('\n\n');
  const html = mail.html ? sanitizeMailHtml(mail.html) : '';
  const threadIds = unique([mail.inReplyTo, ...mail.references].filter((id): id is string => !!id));
  const verdict = checkAutoReply({ headers: mail.headers, from: mail.from?.address ?? null, ownAddresses: ctx.ownAddresses });
  const received = stored.receivedAt ?? mail.date;

  const event: InboundMessage = {
    type: 'message',
    channel: 'email',
    account: ctx.account,
    externalUserId: sender.address.toLowerCase(),
    externalMessageId,
    timestamp: received ? Date.parse(received) : 0,
    text,
    attachments,
    contact: { displayName: sender.name || undefined, email: sender.address.toLowerCase() },
    subject: mail.subject ?? undefined,
    suppressAutoReply: verdict.suppress || spoofed,
  };
  if (html) event.html = html;
  if (threadIds.length > 0) event.inReplyTo = threadIds;
  // A reply continues its thread: by the ids it answers, else by the ticket code our subjects carry.
  const ticketCode = ticketCodeIn(`${mail.subject ?? ''} ${text}`);
  if (threadIds.length > 0 || ticketCode) event.threadHints = { providerMessageIds: threadIds, ...(ticketCode ? { ticketCode } : {}) };
  return [event];
}

/** The note added to mail that fails DMARC (shown to operators). */
export const DMARC_WARNING =
  '[Cảnh báo: thư không vượt qua kiểm tra xác thực người gửi (DMARC), địa chỉ người gửi có thể bị giả mạo. Hệ thống không tự động trả lời thư này.]';

// The patterns mail clients put above quoted history, English and Vietnamese (Gmail, Outlook, Apple Mail).
const QUOTE_HEADER = /^(On|Vào)\s.+\s(wrote|đã viết):\s*$/i;
const QUOTE_SEPARATOR = /^-{2,}\s*(Original Message|Thư gốc|Tin nhắn gốc)\s*-{2,}\s*$/i;
const OUTLOOK_RULE = /^_{20,}\s*$/;
const OUTLOOK_FROM = /^\s*\*?(From|Từ)\s*:/i;

/** Cuts quoted history ("On … wrote:", "Vào … đã viết:", Outlook's original-message block, trailing "> " lines). */
export function stripQuotedReply(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  let end = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    const next = (lines[i + 1] ?? '').trim();
    // Gmail wraps a long attribution over two lines ("… <a@b.vn>\nwrote:").
    const attribution = QUOTE_HEADER.test(line) || QUOTE_HEADER.test(`${line} ${next}`);
    if (attribution || QUOTE_SEPARATOR.test(line) || (OUTLOOK_RULE.test(line) && OUTLOOK_FROM.test(next))) {
      end = i;
      break;
    }
  }
  const kept = lines.slice(0, end);
  while (kept.length > 0 && (kept[kept.length - 1].trim() === '' || kept[kept.length - 1].startsWith('>'))) kept.pop();
  const result = kept.join('\n').trim();
  // A mail that is nothing but a quote keeps its text: better too much than an empty message.
  return result.length > 0 ? result : text.trim();
}

const SANITIZE_OPTIONS: sanitizeHtml.IOptions = {
  // No <img>: remote images in mail are tracking pixels; inline images arrive as attachments.
  allowedTags: sanitizeHtml.defaults.allowedTags,
  allowedAttributes: {
    a: ['href', 'title', 'rel', 'target'],
    td: ['colspan', 'rowspan'],
    th: ['colspan', 'rowspan', 'scope'],
    ol: ['start'],
  },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  allowProtocolRelative: false,
  nonTextTags: ['script', 'style', 'textarea', 'option', 'xmp', 'title', 'head', 'noscript'],
  transformTags: { a: sanitizeHtml.simpleTransform('a', { rel: 'noopener noreferrer nofollow', target: '_blank' }) },
};

/** Sanitizes mail HTML for display in the console: safe tags only, no scripts, styles or images. */
export function sanitizeMailHtml(html: string): string {
  return sanitizeHtml(html, SANITIZE_OPTIONS).trim();
}

function readStoredMail(body: Buffer): StoredMail | null {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    return null;
  }
  if (!doc || typeof doc !== 'object') return null;
  const d = doc as Partial<StoredMail>;
  if (d.v !== 1 || typeof d.raw !== 'string' || typeof d.sha256 !== 'string') return null;
  if (d.parsed !== null && (typeof d.parsed !== 'object' || !Array.isArray(d.parsed?.headers) || !Array.isArray(d.parsed?.attachments)))
    return null;
  return d as StoredMail;
}

function unsupported(
  ctx: ParseContext,
  sniffed: { from: string | null; messageId: string | null },
  sha256: string,
  reason: string,
): InboundEvent {
  return {
    type: 'unsupported',
    channel: 'email',
    account: ctx.account,
    externalUserId: sniffed.from ?? 'unknown',
    externalMessageId: sniffed.messageId ?? `sha256:${sha256}`,
    timestamp: 0,
    reason,
  };
}

/** Best-effort From address and Message-ID from a raw header block, for mail mailparser could not read. */
function sniffHeaders(raw: Buffer): { from: string | null; messageId: string | null } {
  const head = raw
    .subarray(0, 64 * 1024)
    .toString('latin1')
    .split(/\r?\n\r?\n/)[0]
    .replace(/\r?\n[ \t]+/g, ' ');
  const fromLine = /^from:(.*)$/im.exec(head)?.[1] ?? '';
  const from = /[^\s<>"',;:]+@[^\s<>"',;:]+/.exec(fromLine)?.[0].toLowerCase() ?? null;
  const messageId = /^message-id:\s*(<[^>]+>)/im.exec(head)?.[1] ?? null;
  return { from, messageId };
}

function hasHeader(mail: ParsedMail, key: string): boolean {
  return mail.headerLines.some((h) => h.key === key);
}

function headerLine(h: { key: string; line: string }): MailHeaderLine {
  const unfolded = h.line.replace(/\r?\n[ \t]+/g, ' ');
  const colon = unfolded.indexOf(':');
  return { key: h.key.toLowerCase(), value: (colon >= 0 ? unfolded.slice(colon + 1) : unfolded).trim() };
}

function addresses(field: AddressObject | AddressObject[] | undefined): MailAddress[] {
  if (!field) return [];
  const flat = (list: EmailAddress[]): EmailAddress[] => list.flatMap((a) => (a.group ? flat(a.group) : [a]));
  return (Array.isArray(field) ? field : [field])
    .flatMap((f) => flat(f.value))
    .filter((a): a is EmailAddress & { address: string } => !!a.address)
    .map((a) => ({ address: a.address, name: a.name ?? '' }));
}

/** mailparser gives one Message-ID as a string and several as an array; some mailers fold them into one string. */
function messageIds(value: string | string[] | undefined): string[] {
  if (!value) return [];
  return (Array.isArray(value) ? value : [value]).flatMap((v) => v.match(/<[^<>\s]+>/g) ?? (v.trim() ? [v.trim()] : []));
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

function attachmentKind(mimeType: string): Attachment['kind'] {
  const top = mimeType.split('/')[0].toLowerCase();
  return top === 'image' || top === 'audio' || top === 'video' ? top : 'file';
}

function formatBytes(n: number): string {
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${n} B`;
}
