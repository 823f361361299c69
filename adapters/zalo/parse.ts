/**
 * Zalo OA webhook payload → normalized inbound events. Pure: no I/O.
 * Docs: https://developers.zalo.me/docs/official-account/webhook/tong-quan (event list and
 * shapes reconstructed from Zalo's Java SDK and production integrations, see the Zalo section
 * of docs/channels.md).
 */
import { isPlausibleEpochMs, readJsonObject, unsupportedBody, type Attachment, type InboundEvent } from '../../src/channels/kit';
import type { ZaloWebhookAttachment, ZaloWebhookEvent } from './types';

/** Events that carry a citizen's message. */
const MESSAGE_EVENTS = new Set([
  'user_send_text',
  'user_send_image',
  'user_send_file',
  'user_send_sticker',
  'user_send_gif',
  'user_send_link',
  'user_send_location',
  'user_send_audio',
  'user_send_video',
]);

/** Receipt events: Zalo reports on messages the OA sent, so the citizen is the recipient (Chatwoot's reading). */
const RECEIPT_EVENTS = new Set(['user_received_message', 'user_seen_message']);

const ATTACHMENT_KINDS: Record<string, Attachment['kind']> = {
  image: 'image',
  gif: 'gif',
  sticker: 'sticker',
  audio: 'audio',
  voice: 'audio',
  video: 'video',
  link: 'link',
  file: 'file',
  location: 'location',
};

/** Options of `parseZaloWebhook`. */
export interface ZaloParseOptions {
  /** The OA's id, when configured: tells which side of a receipt is the citizen. */
  oaId?: string;
}

/** Why a signed Zalo event can never be processed (wrong types, impossible times), or null. */
export function zaloProblemOf(body: Record<string, unknown>): string | null {
  if (body.timestamp !== undefined && !isPlausibleEpochMs(body.timestamp)) return '`timestamp` must be a time in epoch milliseconds';
  const message = body.message;
  if (message !== undefined && (typeof message !== 'object' || message === null)) return '`message` must be an object';
  const text = (message as Record<string, unknown> | undefined)?.text;
  if (text !== undefined && typeof text !== 'string') return '`message.text` must be a string';
  return null;
}

/**
 * Reads a webhook body (raw bytes, text or already-parsed JSON) into an event, with every id
 * as a string; null when it is not a Zalo event. Raw bytes are preferred: long numeric ids
 * are then kept exact (a body already parsed by `JSON.parse` may have rounded them).
 */
export function readZaloEvent(body: unknown): ZaloWebhookEvent | null {
  const raw = readJsonObject(body);
  if (!raw) return null;
  const eventName = str(raw.event_name);
  if (!eventName) return null;
  const idOf = (o: unknown): { id?: string } | undefined =>
    o && typeof o === 'object' ? { id: str((o as Record<string, unknown>).id) } : undefined;
  const msg = raw.message && typeof raw.message === 'object' ? (raw.message as Record<string, unknown>) : undefined;
  return {
    app_id: str(raw.app_id),
    oa_id: str(raw.oa_id),
    user_id_by_app: str(raw.user_id_by_app),
    event_name: eventName,
    timestamp: str(raw.timestamp),
    source: str(raw.source),
    sender: idOf(raw.sender),
    recipient: idOf(raw.recipient),
    follower: idOf(raw.follower),
    message: msg && {
      msg_id: str(msg.msg_id),
      msg_ids: Array.isArray(msg.msg_ids) ? msg.msg_ids.map(str).filter((x): x is string => !!x) : undefined,
      text: typeof msg.text === 'string' ? msg.text : undefined,
      quote_msg_id: str(msg.quote_msg_id),
      attachments: Array.isArray(msg.attachments) ? (msg.attachments as ZaloWebhookAttachment[]) : undefined,
    },
  };
}

/**
 * The citizen's id in an event. Zalo puts the user on different sides: `sender` for
 * user_send_*, `follower` for follow/unfollow, `recipient` for oa_send_* echoes and (per
 * Chatwoot; one other source disagrees, UNVERIFIED) for receipts. With a known OA id we pick
 * whichever side is not the OA.
 */
export function zaloCitizenId(ev: ZaloWebhookEvent, opts: ZaloParseOptions = {}): string {
  const sender = ev.sender?.id;
  const recipient = ev.recipient?.id;
  const name = ev.event_name;
  if (name === 'follow' || name === 'unfollow') return ev.follower?.id ?? sender ?? '';
  const oaId = opts.oaId ?? ev.oa_id;
  if (oaId && sender && recipient) {
    if (sender === oaId) return recipient;
    if (recipient === oaId) return sender;
  }
  if (name.startsWith('oa_') || RECEIPT_EVENTS.has(name)) return recipient ?? sender ?? '';
  return sender ?? ev.follower?.id ?? recipient ?? '';
}

/** The OA's id in an event (the side that is not the citizen), when present. */
function zaloAccountId(ev: ZaloWebhookEvent, citizen: string): string | undefined {
  if (ev.oa_id) return ev.oa_id;
  const sides = [ev.sender?.id, ev.recipient?.id].filter((x): x is string => !!x && x !== citizen);
  return sides[0];
}

/**
 * The idempotency key of an event. A citizen's message is keyed by its `msg_id`; other events
 * are prefixed with their name because an OA echo and the receipts of the same OA message
 * share one `msg_id`. Events without ids fall back to event name + timestamp + sender.
 */
export function zaloEventKey(ev: ZaloWebhookEvent, opts: ZaloParseOptions = {}): string {
  const m = ev.message;
  const ids = m?.msg_id ? [m.msg_id] : m?.msg_ids?.length ? m.msg_ids : [];
  if (ids.length && MESSAGE_EVENTS.has(ev.event_name)) return ids[0]!;
  if (ids.length) return `${ev.event_name}:${ids.join(',')}`;
  const who = ev.sender?.id ?? ev.follower?.id ?? zaloCitizenId(ev, opts);
  return `${ev.event_name}:${ev.timestamp ?? ''}:${who}`;
}

/** Parses one Zalo webhook body into normalized events (one per webhook; unknown or malformed → `unsupported`). */
export function parseZaloWebhook(rawBody: Buffer, opts: ZaloParseOptions = {}): InboundEvent[] {
  const ev = readZaloEvent(rawBody);
  if (!ev) return [unsupportedBody('zalo', 'malformed', rawBody)];
  const externalUserId = zaloCitizenId(ev, opts);
  const base = {
    channel: 'zalo' as const,
    account: zaloAccountId(ev, externalUserId),
    externalUserId,
    externalMessageId: zaloEventKey(ev, opts),
    timestamp: toMs(ev.timestamp),
  };
  const name = ev.event_name;
  const message = ev.message;

  if (MESSAGE_EVENTS.has(name)) {
    return [
      {
        ...base,
        type: 'message',
        text: message?.text ?? '',
        attachments: (message?.attachments ?? []).map(toAttachment).filter((a): a is Attachment => a !== null),
        ...(message?.quote_msg_id ? { inReplyTo: [message.quote_msg_id] } : {}),
      },
    ];
  }
  if (name === 'follow' || name === 'unfollow') return [{ ...base, type: name }];
  if (RECEIPT_EVENTS.has(name)) {
    const messageIds = message?.msg_ids?.length ? message.msg_ids : message?.msg_id ? [message.msg_id] : [];
    return [{ ...base, type: name === 'user_seen_message' ? 'read' : 'delivery', messageIds }];
  }
  if (name.startsWith('oa_send_')) {
    // An echo of a message the OA sent. The payload looks the same whether our API sent it or a
    // human typed it in Zalo's OA manager (oa.zalo.me), so we cannot safely record it as an
    // operator message (`echo`): that would duplicate every reply we send. The core may later
    // match `msg_id` against the provider ids it recorded to recognize human replies.
    return [{ ...base, type: 'unsupported', reason: 'oa_echo' }];
  }
  return [{ ...base, type: 'unsupported', reason: `unknown_event:${name}` }];
}

function toAttachment(a: ZaloWebhookAttachment): Attachment | null {
  if (!a || typeof a !== 'object' || typeof a.type !== 'string') return null;
  const p = a.payload ?? {};
  const kind = ATTACHMENT_KINDS[a.type] ?? (p.url ? 'link' : null);
  if (!kind) return null;
  const out: Attachment = { kind };
  if (kind === 'location') {
    const lat = num(p.coordinates?.latitude);
    const lng = num(p.coordinates?.longitude);
    if (lat !== undefined) out.latitude = lat;
    if (lng !== undefined) out.longitude = lng;
    return out;
  }
  if (typeof p.url === 'string' && p.url) out.url = p.url;
  if (typeof p.name === 'string' && p.name) out.name = p.name;
  else if (kind === 'link' && typeof p.description === 'string' && p.description) out.name = p.description;
  const size = num(p.size);
  if (size !== undefined) out.size = size;
  return out;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'bigint') return v.toString();
  return undefined;
}

function num(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}

function toMs(ts: string | undefined): number {
  const n = num(ts);
  return n !== undefined && n > 0 ? n : Date.now();
}
