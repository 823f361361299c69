/**
 * Normalized outbound message → one mail over SMTP (nodemailer), with RFC 3834 headers on
 * automatic mail, RFC 5322 threading headers and a per-recipient receipt rate limit.
 *
 * nodemailer: https://nodemailer.com/message/
 * RFC 3834 §3.1 (what an automatic response carries): https://www.rfc-editor.org/rfc/rfc3834#section-3.1
 */
import addressparser from 'nodemailer/lib/addressparser';
import {
  ChannelApiError,
  SmtpLink,
  sha256Hex,
  type AdapterRuntime,
  type AdapterState,
  type OutboundMessage,
  type SendResult,
} from '../../src/channels/kit';
import type { EmailAdapterConfig } from './types';

/** Our sender: the header as configured, its address and the domain used for Message-IDs. */
export interface Sender {
  header: string;
  address: string;
  name: string;
  domain: string;
}

/** What `sendMail` needs besides the message. */
export interface SendContext {
  smtp: SmtpLink;
  sender: Sender;
  /** Receipts of new conversations per recipient per rolling hour (ticket receipts are not counted). */
  receiptLimitPerHour: number;
  /** Set by `start()`; sending needs its state (rate limit) and attachment store. */
  runtime: AdapterRuntime | null;
  now?: () => number;
}

const HOUR_MS = 60 * 60 * 1000;
/** A Message-ID in angle brackets (RFC 5322 msg-id), as mailparser and `messageIdFor` give them. */
const MSG_ID = /^<[^<>\s]+>$/;

/** The channel's SMTP transport (built at its first send); local files are never attached (`disableFileAccess`). */
export function createSmtpLink(smtp: EmailAdapterConfig['smtp']): SmtpLink {
  return new SmtpLink({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.secure,
    auth: smtp.user ? { user: smtp.user, pass: smtp.password ?? '' } : undefined,
    connectionTimeout: 20_000,
    greetingTimeout: 15_000,
    socketTimeout: 60_000,
    disableFileAccess: true,
  });
}

/** Parses MAIL_FROM (`"Name" <addr@domain>` or a bare address); throws when it holds no address. */
export function parseSender(from: string): Sender {
  const first = addressparser(from, { flatten: true })[0];
  const address = first?.address?.trim() ?? '';
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1) throw new Error(`email adapter: MAIL_FROM must be an email address, got "${from}"`);
  return { header: from, address, name: first?.name ?? '', domain: address.slice(at + 1).toLowerCase() };
}

/** Deterministic Message-ID from our message id, so a retry after a crash sends the same Message-ID. */
export function messageIdFor(messageId: string, domain: string): string {
  // RFC 5322 id-left is a dot-atom: replace anything else so odd ids still give a valid header.
  const left =
    messageId
      .replace(/[^A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]/g, '-')
      .replace(/^\.+|\.+$/g, '')
      .replace(/\.{2,}/g, '.') || 'message';
  return `<${left}@${domain}>`;
}

/** Receipts are automatic responses (RFC 3834), answered at most `receiptLimitPerHour` times per recipient. */
export function isReceipt(message: Pick<OutboundMessage, 'purpose'>): boolean {
  return message.purpose === 'receipt' || message.purpose === 'ticket_receipt';
}

/**
 * The Auto-Submitted value of a message (RFC 3834 §5): `auto-replied` for receipts and bot answers,
 * `auto-generated` for system notices (CSAT, reminders), none for an operator's mail.
 */
export function autoSubmittedFor(message: Pick<OutboundMessage, 'purpose' | 'author'>): 'auto-replied' | 'auto-generated' | null {
  if (isReceipt(message)) return 'auto-replied';
  if (message.author === 'operator') return null;
  return message.author === 'bot' ? 'auto-replied' : 'auto-generated';
}

const REPLY_PREFIX = /^\s*((re|fwd?|tl|trả lời|aw|sv)\s*(\[\d+\])?\s*:\s*)+/i;

/** Subject of an outgoing mail: "Re: " for replies, and the ticket code in brackets whenever there is one. */
export function buildSubject(message: Pick<OutboundMessage, 'subject' | 'ticketCode' | 'inReplyTo' | 'purpose'>): string {
  const isReply = !!message.inReplyTo;
  let base = (message.subject ?? '').replace(/\s+/g, ' ').trim();
  if (isReply) base = base.replace(REPLY_PREFIX, '').trim();
  if (!base) base = isReceipt(message) ? 'Tổng đài 1022 đã tiếp nhận yêu cầu của bạn' : 'Phản hồi từ Tổng đài 1022';
  if (message.ticketCode && !base.includes(message.ticketCode)) base = `[${message.ticketCode}] ${base}`;
  return isReply ? `Re: ${base}` : base;
}

/** Sends one message. Throws `ChannelApiError`: SMTP 4xx and connection errors retryable, 5xx permanent. */
export async function sendMail(ctx: SendContext, message: OutboundMessage): Promise<SendResult> {
  const runtime = ctx.runtime;
  if (!runtime) {
    throw new ChannelApiError({ channel: 'email', message: 'email adapter not started', code: 'not_started', retryable: true });
  }
  const to = message.externalUserId.trim();
  // Only the receipt of a new conversation is rate-limited: it is what a loop with an unmarked autoresponder
  // would trigger again and again. A ticket receipt carries the ticket code and comes once per ticket.
  if (message.purpose === 'receipt') await reserveReceipt(runtime.state, to, message.id, ctx.receiptLimitPerHour, (ctx.now ?? Date.now)());

  const messageId = messageIdFor(message.id, ctx.sender.domain);
  // The core hands over provider ids of the thread; a mail without Message-ID was keyed `sha256:…`, which is no header value.
  const inReplyTo = message.inReplyTo && MSG_ID.test(message.inReplyTo) ? message.inReplyTo : undefined;
  const references = [...new Set([...(message.references ?? []), ...(inReplyTo ? [inReplyTo] : [])])].filter((id) => MSG_ID.test(id));
  const autoSubmitted = autoSubmittedFor(message);
  const headers: Record<string, string> = {};
  if (autoSubmitted) {
    headers['Auto-Submitted'] = autoSubmitted;
    // Asks Exchange/Outlook not to answer our automatic mail with out-of-office replies (MS-OXCMAIL).
    headers['X-Auto-Response-Suppress'] = 'All';
  }

  try {
    const transport = await ctx.smtp.transport();
    await transport.sendMail({
      from: ctx.sender.header,
      to,
      subject: buildSubject({ ...message, inReplyTo }),
      text: message.text,
      html: textToHtml(message.text),
      messageId,
      inReplyTo,
      references: references.length > 0 ? references : undefined,
      headers,
      attachments: await loadAttachments(runtime, message),
    });
  } catch (err) {
    throw toChannelError(err);
  }
  return { providerMessageId: messageId };
}

/** Records a receipt for `to`, or throws `receipt_rate_limited` when the hourly limit is reached. A retry of the same message passes. */
async function reserveReceipt(state: AdapterState, to: string, messageId: string, limit: number, now: number): Promise<void> {
  // The address is hashed: state keys end up in logs and admin views.
  const key = `email:receipts:${sha256Hex(to.toLowerCase())}`;
  let allowed = true;
  await state.update<{ sent: { id: string; at: number }[] }>(key, async (current) => {
    const sent = (current?.sent ?? []).filter((s) => now - s.at < HOUR_MS);
    if (sent.some((s) => s.id === messageId)) return { sent };
    if (sent.length >= limit) {
      allowed = false;
      return { sent };
    }
    return { sent: [...sent, { id: messageId, at: now }] };
  });
  if (!allowed) {
    throw new ChannelApiError({
      channel: 'email',
      message: `receipt limit of ${limit} per hour reached for this recipient`,
      code: 'receipt_rate_limited',
      retryable: false,
    });
  }
}

type MailAttachment = { filename?: string; content?: Buffer; href?: string; contentType?: string };

async function loadAttachments(runtime: AdapterRuntime, message: OutboundMessage): Promise<MailAttachment[]> {
  const out: MailAttachment[] = [];
  for (const a of message.attachments) {
    if (a.data) out.push({ filename: a.name, content: a.data, contentType: a.mimeType });
    else if (a.attachmentId) {
      const stored = await runtime.readAttachment(a.attachmentId);
      if (!stored) {
        throw new ChannelApiError({
          channel: 'email',
          message: `attachment ${a.attachmentId} not found`,
          code: 'attachment_missing',
          retryable: false,
        });
      }
      out.push({ filename: a.name ?? stored.name, content: stored.data, contentType: stored.mimeType || a.mimeType });
    } else if (a.url) out.push({ filename: a.name, href: a.url, contentType: a.mimeType });
  }
  return out;
}

/** Maps nodemailer errors: a 5xx reply is permanent, 4xx and transport failures are retried. */
export function toChannelError(err: unknown): ChannelApiError {
  if (err instanceof ChannelApiError) return err;
  const e = (err ?? {}) as { responseCode?: unknown; code?: unknown; message?: unknown };
  const status = typeof e.responseCode === 'number' ? e.responseCode : null;
  const code = typeof e.code === 'string' ? e.code : status !== null ? `smtp_${status}` : null;
  // Without an SMTP reply only an invalid envelope (no valid recipient) is hopeless.
  const retryable = status !== null ? status < 500 : code !== 'EENVELOPE';
  const reason = typeof e.message === 'string' ? e.message : String(err);
  return new ChannelApiError({ channel: 'email', message: `SMTP: ${reason}`, status, code, retryable });
}

/** Verifies the SMTP connection and login. Never throws. */
export async function verifySmtp(smtp: SmtpLink): Promise<{ ok: boolean; detail: string }> {
  try {
    await (await smtp.transport()).verify();
    return { ok: true, detail: 'SMTP ok' };
  } catch (err) {
    return { ok: false, detail: `SMTP: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/** A simple HTML alternative of the text: paragraphs, line breaks and clickable links. */
export function textToHtml(text: string): string {
  const paragraphs = text
    .replace(/\r\n/g, '\n')
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${linkify(escapeHtml(p)).replace(/\n/g, '<br>\n')}</p>`);
  return `<!doctype html>\n<html><body><div style="font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:1.5">\n${paragraphs.join('\n')}\n</div></body></html>\n`;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

function linkify(escaped: string): string {
  return escaped.replace(/https?:\/\/[^\s<]+[^\s<.,;:!?)]/g, (url) => `<a href="${url}">${url}</a>`);
}
