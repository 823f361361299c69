/**
 * The channel contract: the only thing the core knows about a provider.
 *
 * Adapters (`adapters/<channel>/`) turn a provider's wire format into these normalized
 * events and send these normalized outbound messages. They import the adapter kit
 * (`src/channels/kit/`: this file, helpers, safe JSON) only — never Express, the database,
 * other core modules, or each other. See docs/channels.md ("What every channel declares").
 */
import type { Namespace } from 'socket.io';

/** Every channel the gateway knows. `phone` has no adapter: operators log calls as tickets. */
export type ChannelName = 'zalo' | 'facebook' | 'email' | 'livechat' | 'edongthap' | 'phone';

/** A file or rich item attached to a message. */
export interface Attachment {
  kind: 'image' | 'file' | 'audio' | 'video' | 'sticker' | 'gif' | 'location' | 'link';
  /** Where the provider serves it (inbound), or a public URL we serve (outbound). */
  url?: string;
  name?: string;
  mimeType?: string;
  size?: number;
  /** Bytes the provider handed us directly (email parts, live-chat uploads); the core stores them. */
  data?: Buffer;
  /** Key in the attachment store once the core has stored it. */
  storageKey?: string;
  /** Stored attachment id (set by the core). */
  attachmentId?: string;
  /** Why the core could not keep its own copy of the provider's file (the provider's `url` stays). */
  fetchError?: string;
  latitude?: number;
  longitude?: number;
}

/** What a citizen told us about themselves through the channel (name from a profile, phone, email). */
export interface ContactHints {
  displayName?: string;
  phone?: string;
  email?: string;
}

interface InboundBase {
  channel: ChannelName;
  /** The receiving account (OA id, page id, mailbox), when the provider says. */
  account?: string;
  /** The citizen's id on this channel (Zalo user id, PSID, email address, visitor id, app user id). Always a string. */
  externalUserId: string;
  /** The provider's id of this event/message: the idempotency key, unique per channel. */
  externalMessageId: string;
  /** Provider time of the event, ms since epoch. */
  timestamp: number;
}

/** A citizen's message. */
export interface InboundMessage extends InboundBase {
  type: 'message';
  text: string;
  attachments: Attachment[];
  contact?: ContactHints;
  /** Payload of a quick-reply button the citizen tapped. */
  quickReplyPayload?: string;
  /** Provider message ids this message answers (a quoted Zalo/Messenger message, email In-Reply-To/References); threading reads `threadHints`. */
  inReplyTo?: string[];
  /** Email subject (the conversation's subject when it opens one). */
  subject?: string;
  /** The channel's own threading (email), worked out by the adapter: the core files the message in that conversation. */
  threadHints?: ThreadHints;
  /** Sanitized HTML body for display (email). */
  html?: string;
  /** True when we must not answer automatically (mail loops, auto-replies, bulk mail). */
  suppressAutoReply?: boolean;
}

/** Which earlier conversation a message continues, as its channel tells (email In-Reply-To/References, a ticket code in the subject). */
export interface ThreadHints {
  /** Provider ids of our or the citizen's earlier messages this one answers. */
  providerMessageIds: string[];
  /** A ticket code (1022-YYYY-NNNNNN-XXXX, or an older 1022-YYYY-NNNNNN) the message mentions. */
  ticketCode?: string;
}

/** A button press that is not a typed message (Messenger postback, Get Started). */
export interface InboundPostback extends InboundBase {
  type: 'postback';
  payload: string;
  title?: string;
}

/** Delivery or read receipt for messages we sent. */
export interface InboundStatus extends InboundBase {
  type: 'delivery' | 'read';
  /** Provider ids of our messages, when the provider names them. */
  messageIds?: string[];
  /** Everything we sent up to this time (ms) is delivered/read (Messenger watermarks). */
  watermark?: number;
}

/** The citizen followed or unfollowed the account. */
export interface InboundFollow extends InboundBase {
  type: 'follow' | 'unfollow';
  contact?: ContactHints;
}

/** A message sent from the provider's own inbox by a human (another app's echo). Recorded as an operator message. */
export interface InboundEcho extends InboundBase {
  type: 'echo';
  text: string;
  attachments: Attachment[];
}

/** Anything we do not handle: stored and acknowledged, never a 500. */
export interface InboundUnsupported extends InboundBase {
  type: 'unsupported';
  reason: string;
}

/** The normalized inbound event union. */
export type InboundEvent = InboundMessage | InboundPostback | InboundStatus | InboundFollow | InboundEcho | InboundUnsupported;

/** A quick-reply button. */
export interface QuickReply {
  title: string;
  payload: string;
}

/** Why we send a message; adapters use it for headers (Auto-Submitted) and window rules. */
export type OutboundPurpose = 'receipt' | 'ticket_receipt' | 'answer' | 'reply' | 'notice' | 'csat';

/** One message to deliver, already scaled to the channel's capabilities by the core. */
export interface OutboundMessage {
  /** Our message id; also the idempotency key sent to providers that accept one. */
  id: string;
  channel: ChannelName;
  account?: string;
  externalUserId: string;
  author: 'bot' | 'operator' | 'system';
  /** Operator's display name, when an operator wrote it. */
  authorName?: string;
  purpose: OutboundPurpose;
  text: string;
  quickReplies: QuickReply[];
  attachments: Attachment[];
  ticketCode: string | null;
  /** Email threading: subject, and the provider ids of the messages this answers. */
  subject?: string;
  inReplyTo?: string;
  references?: string[];
  /** Last time the citizen wrote to us (ms), for reply-window rules; null if never. */
  lastInboundAt: number | null;
  /** Part index when the core split a long text (0-based) and the number of parts. */
  part: number;
  parts: number;
}

/** What a provider returned for a sent message. */
export interface SendResult {
  /** The provider's id of the message we sent (used to match delivery/read events and threading). */
  providerMessageId?: string;
}

/** What a channel can carry; the core scales rich replies down to it. */
export interface ChannelCapabilities {
  /** Longest text in one message; longer texts are split on sentence boundaries. */
  maxTextLength: number;
  /** Quick replies, if supported: how many and how long a title. */
  quickReplies: { max: number; maxTitleLength: number } | null;
  /** Whether files and images can be sent. */
  attachments: boolean;
  /** How long after the citizen's last message we may still write (ms); null = no limit. */
  replyWindowMs: number | null;
  /** Longer window for human operators (Messenger HUMAN_AGENT tag), if any. */
  operatorReplyWindowMs?: number | null;
  /** The channel renders long structured answers well (email). */
  longForm: boolean;
  /**
   * Replies name the conversation's earlier messages by their provider ids (mail's In-Reply-To and
   * References): the core reads `inReplyTo` and `references` for each send only on such channels.
   */
  threaded?: boolean;
}

/** The raw HTTP request a webhook receives. */
export interface WebhookRequest {
  method: string;
  /** Lower-cased header names. */
  headers: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  /** The exact bytes received: signatures are computed over these, never over re-serialized JSON. */
  rawBody: Buffer;
}

/** What the core does with a webhook request: store it under these keys, or refuse it. */
export type WebhookVerdict =
  { accept: true; dedupeKey: string | null; orderingKey: string } | { accept: false; status: 400 | 401; reason: string };

/**
 * Webhook behaviour of a channel that receives HTTP callbacks. The core calls `accept` alone
 * (built with the kit's `acceptWebhook` from the parts below, which stay visible for tests).
 */
export interface WebhookHandler {
  /** GET verification handshakes (Messenger hub.challenge); null if not a handshake. */
  handshake?(req: WebhookRequest): { status: number; body: string } | null;
  /** Signature over the raw bytes first, then the payload's sanity: store it (with its keys) or refuse it. */
  accept(req: WebhookRequest): WebhookVerdict;
  /** Signature check over the raw bytes, timing-safe. */
  verify(req: WebhookRequest): boolean;
  /** Unique key of this delivery, so a replay is dropped (message id; default: SHA-256 of the body). */
  dedupeKey?(body: unknown): string | null;
  /** Key that orders processing (the citizen's id), so one citizen's messages are handled in order. */
  orderingKey(body: unknown): string;
}

/** A small persistent key-value store for an adapter's own state (tokens, IMAP UIDs). */
export interface AdapterState {
  get<T>(key: string): Promise<T | null>;
  set<T>(key: string, value: T): Promise<void>;
  /** Runs `fn` with the value under an exclusive lock and stores what it returns (single-use refresh tokens). */
  update<T>(key: string, fn: (current: T | null) => Promise<T>): Promise<T>;
}

/** Minimal structured logger handed to adapters. */
export interface AdapterLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A raw item pushed by a long-running intake (IMAP, live chat) instead of a webhook. */
export interface IntakeItem {
  /** Unique per channel: a replay is dropped. */
  dedupeKey: string;
  /** Orders processing per citizen. */
  orderingKey: string;
  /** The raw payload as received; `parse` gets it back. */
  body: Buffer;
  contentType: string;
}

/**
 * Largest socket.io frame the gateway's socket server accepts, bytes (socket.io's default: 1 MB).
 * Live-chat uploads travel as base64 inside a frame (4/3 of the file): 9 MiB carries a 6 MiB file
 * (LIVECHAT_MAX_FILE_MB at most 6).
 */
export const SOCKET_MAX_FRAME_BYTES = 9 * 1024 * 1024;

/** A long-running part of an adapter that must run on one node of a cluster at a time. */
export interface ExclusiveRole {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** What the core gives an adapter with a long-running side (IMAP IDLE, socket.io). */
export interface AdapterRuntime {
  /** Store a raw item durably (returns false for a replay); processing happens later from a job. */
  ingest(item: IntakeItem): Promise<boolean>;
  state: AdapterState;
  log: AdapterLogger;
  /** The conversation history of a citizen on this channel, oldest first (live-chat resume). */
  history(externalUserId: string, limit: number): Promise<HistoryItem[]>;
  /**
   * Runs `role` on one node of the cluster at a time (the IMAP intake: two nodes must never read one
   * mailbox into one cursor); when that node dies another starts it. Resolves after the first
   * attempt (started here, or led elsewhere); `release` stops it here. A lone process runs it at once.
   */
  exclusive(name: string, role: ExclusiveRole): Promise<{ release(): Promise<void> }>;
  /** Fetch the bytes of a stored attachment (to send it by mail or to a browser). */
  readAttachment(attachmentId: string): Promise<{ data: Buffer; mimeType: string; name: string } | null>;
  /**
   * A namespace (e.g. `/livechat`) on the gateway's one socket.io server, for adapters that hold
   * browser connections; absent when the gateway has no HTTP server. Frames up to
   * SOCKET_MAX_FRAME_BYTES are accepted.
   */
  socketNamespace?(name: string): Namespace;
  /** The citizen started or stopped typing (live chat): shown to operators. Never throws. */
  citizenTyping?(externalUserId: string, on: boolean): void;
  /** A long-running intake (IMAP) connected or lost its connection: shown on the admins' channel page. Never throws. */
  intakeStatus?(status: IntakeStatus): void;
  /** The pre-chat form admins configured (live chat), as the citizen's browser may see it. */
  prechatForm?(): Promise<PrechatForm>;
  /** Validates a submitted pre-chat form and records it (name and phone on the contact, the consent). */
  submitPrechat?(externalUserId: string, form: unknown): Promise<PrechatResult>;
  /** Whether a citizen may write: false only when the form is on, no consent is recorded and no conversation is open. */
  mayWrite?(externalUserId: string): Promise<boolean>;
  /** Where operators' reading of the citizen's latest conversation stands (live chat's "Đã xem" after a reconnection). */
  seenMarker?(externalUserId: string): Promise<{ messageId: string; seenAt: number } | null>;
}

/** The connection state of a long-running intake, as its adapter last reported it. */
export interface IntakeStatus {
  connected: boolean;
  /** Why it is not connected (the last connection error), if known. */
  error: string | null;
}

/** A pre-chat form: each field hidden (`off`), `optional` or `required`; the consent text must be ticked when it is on. */
export interface PrechatForm {
  enabled: boolean;
  name: 'off' | 'optional' | 'required';
  phone: 'off' | 'optional' | 'required';
  consentText: string;
  /** Short hash of the consent text: the version a submission refers to. */
  consentVersion: string;
}

/** Outcome of a pre-chat submission; errors are Vietnamese, for the citizen. */
export type PrechatResult = { ok: true } | { ok: false; error: string; field?: 'name' | 'phone' | 'consent' | 'form' };

/** A message of a conversation as shown back to a citizen (live-chat history). */
export interface HistoryItem {
  id: string;
  direction: 'in' | 'out';
  author: 'citizen' | 'bot' | 'operator' | 'system';
  authorName?: string;
  text: string;
  attachments: Attachment[];
  quickReplies: QuickReply[];
  externalMessageId: string | null;
  status: string;
  createdAt: number;
}

/** Result of a "test connection" check. Never throws. */
export interface ConnectionCheck {
  ok: boolean;
  detail: string;
}

/** Everything the core needs from a channel. */
export interface ChannelAdapter {
  readonly channel: ChannelName;
  readonly capabilities: ChannelCapabilities;
  /** Present when the channel receives provider webhooks at `/webhooks/<channel>`. */
  readonly webhook?: WebhookHandler;
  /** Provider payload (webhook JSON, raw mail, live-chat frame) → normalized events. Pure, no I/O. */
  parse(body: Buffer, contentType: string): InboundEvent[];
  /** Deliver one message. Throws `ChannelApiError` on failure (retryable or permanent). */
  send(message: OutboundMessage): Promise<SendResult>;
  /** Shows the citizen that the bot is working, where the channel supports it. Never throws. */
  typing?(externalUserId: string, on: boolean): Promise<void>;
  /** Fetch a profile for a new contact (display name), where the channel has one. */
  profile?(externalUserId: string): Promise<ContactHints | null>;
  /** Checks credentials and reachability. Never throws. */
  testConnection(): Promise<ConnectionCheck>;
  /** Long-running side (IMAP IDLE, socket.io); called once at start. */
  start?(runtime: AdapterRuntime): Promise<void>;
  stop?(): Promise<void>;
  /** Live-chat only: push a status or typing change to the citizen's open sessions. */
  notify?(externalUserId: string, event: LiveNotice): void;
}

/** Live updates the core pushes to channels that hold a connection (live chat). */
export type LiveNotice =
  | { type: 'typing'; on: boolean; authorName?: string }
  | { type: 'status'; messageId: string; status: string }
  | { type: 'operator'; name: string | null }
  /**
   * Operators have read the conversation up to the citizen's message `messageId` (its provider id). The core
   * relays it from the bus on EVERY node, so it goes to this node's connections only.
   */
  | { type: 'seen'; messageId: string; seenAt: number };

/** A failed provider call. `retryable` decides between backoff and a permanent failure. */
export class ChannelApiError extends Error {
  readonly channel: ChannelName;
  readonly status: number | null;
  readonly code: string | number | null;
  readonly retryable: boolean;
  /** Provider asked us to wait this long (Retry-After), ms. */
  readonly retryAfterMs: number | null;

  constructor(opts: {
    channel: ChannelName;
    message: string;
    status?: number | null;
    code?: string | number | null;
    retryable: boolean;
    retryAfterMs?: number | null;
  }) {
    super(opts.message);
    this.name = 'ChannelApiError';
    this.channel = opts.channel;
    this.status = opts.status ?? null;
    this.code = opts.code ?? null;
    this.retryable = opts.retryable;
    this.retryAfterMs = opts.retryAfterMs ?? null;
  }
}
