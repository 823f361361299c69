/**
 * Wire types of the email channel: the adapter's configuration and the JSON the IMAP intake
 * ingests (the raw RFC 822 message plus mailparser's result), which `parse()` reads back.
 *
 * Why JSON and not the raw mail: mailparser only parses asynchronously (it is a stream), while
 * `ChannelAdapter.parse()` is synchronous. The intake parses each mail once (`parseMail()`) and
 * stores the result next to the raw bytes, so `parse()` stays pure and synchronous.
 */
import type { MailAuthentication, MailAuthOptions } from './authenticate';

/** Configuration of `createEmailAdapter` (from IMAP_*, SMTP_* and MAIL_FROM). */
export interface EmailAdapterConfig {
  imap: {
    host: string;
    port: number;
    /** TLS from the start (port 993); false uses STARTTLS when offered. */
    secure: boolean;
    user: string;
    password: string;
    /** The hotline mailbox (default: INBOX). */
    mailbox?: string;
    /** Besides IDLE, check the mailbox every this many ms (default: 60000): catches missed notifications. */
    pollIntervalMs?: number;
  };
  smtp: {
    host: string;
    port: number;
    /** TLS from the start (port 465); false uses STARTTLS when offered. */
    secure: boolean;
    user?: string;
    password?: string;
  };
  /** Our address, optionally with a display name: `"Tổng đài 1022" <1022@dongthap.gov.vn>`. */
  from: string;
  /** Receipts of new conversations per recipient per rolling hour (default: 1); ticket receipts are not limited. */
  receiptLimitPerHour?: number;
  /** Larger inbound attachments are dropped with a note in the text (default: 25 MiB). */
  maxAttachmentBytes?: number;
  /** Sender authentication (SPF, DKIM, DMARC): a DNS resolver for tests, our server's name. */
  authentication?: MailAuthOptions;
}

/** Content type of what the intake ingests: a `StoredMail` JSON document. */
export const MAIL_JSON_CONTENT_TYPE = 'application/vnd.cong1022.mail+json';

/** Content type of a raw RFC 822 message (accepted by `parse`, but only as `unsupported`). */
export const RFC822_CONTENT_TYPE = 'message/rfc822';

/** One mailbox of an address header. */
export interface MailAddress {
  address: string;
  name: string;
}

/** One header line as received: lower-case name, unfolded value (not decoded). */
export interface MailHeaderLine {
  key: string;
  value: string;
}

/** One MIME attachment; `data` is null when it was larger than the limit. */
export interface StoredAttachment {
  filename: string | null;
  contentType: string;
  size: number;
  /** `attachment`, `inline`, or null when the part did not say. */
  disposition: string | null;
  /** Content-ID without angle brackets (inline images referenced as `cid:`). */
  cid: string | null;
  /** Base64 of the decoded content; null when dropped for size. */
  data: string | null;
}

/** What `parseMail()` extracted from a message, JSON-safe. */
export interface ParsedMailJson {
  /** Message-ID with angle brackets, or null when the mail had none. */
  messageId: string | null;
  /** The Date header, ISO 8601, or null. */
  date: string | null;
  subject: string | null;
  from: MailAddress | null;
  replyTo: MailAddress[];
  to: MailAddress[];
  cc: MailAddress[];
  inReplyTo: string | null;
  references: string[];
  /** Plain text; mailparser derives it from the HTML when there is no text part. */
  text: string | null;
  /** The HTML body as received (sanitized later by `parse`), or null. */
  html: string | null;
  /** Every header line, in order, for the loop guard. */
  headers: MailHeaderLine[];
  attachments: StoredAttachment[];
}

/** The document the intake ingests for one mail. */
export interface StoredMail {
  v: 1;
  /** The raw RFC 822 message, base64: the original is always kept. */
  raw: string;
  /** IMAP INTERNALDATE (arrival at our server), ISO 8601, when known. */
  receivedAt: string | null;
  /** SHA-256 hex of the raw message (the idempotency key when there is no Message-ID). */
  sha256: string;
  /** mailparser's result, or null when parsing failed (see `error`). */
  parsed: ParsedMailJson | null;
  error?: string;
  /** SPF, DKIM and DMARC as checked when the mail was read (absent for mail stored before the check existed). */
  authentication?: MailAuthentication;
}

/** The persisted IMAP position of a mailbox. */
export interface ImapCursor {
  /** UIDVALIDITY as a decimal string (imapflow reports a bigint). */
  uidValidity: string;
  /** Highest UID whose mail has been ingested. */
  lastUid: number;
}
