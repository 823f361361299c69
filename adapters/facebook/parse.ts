/**
 * Messenger webhook payload → normalized inbound events. Pure: no I/O.
 * Docs: https://developers.facebook.com/docs/messenger-platform/reference/webhook-events
 * (messages, message_echoes, messaging_postbacks, message_deliveries, message_reads, standby).
 *
 * One POST may batch several `entry[]` items, each with several `messaging[]` items; `standby[]`
 * replaces `messaging[]` when another app (e.g. the Page Inbox) owns the thread.
 */
import { isPlausibleEpochMs, readJsonObject, unsupportedBody, type Attachment, type InboundEvent } from '../../src/channels/kit';
import type { FbMessagingItem, FbWebhookAttachment, FbWebhookBody } from './types';

/** Prefix of the `metadata` we attach to every message we send: its echo is recognized as our own. */
export const OWN_METADATA_PREFIX = 'cong1022:';

/** Options of `parseFacebookWebhook`. */
export interface FacebookParseOptions {
  /** Our Meta app id: echoes with this `app_id` are our own sends. */
  appId?: string;
}

/** Reads a webhook body (raw bytes, text or parsed JSON); null when it is not a JSON object. */
export function readFacebookBody(body: unknown): FbWebhookBody | null {
  return readJsonObject(body) as FbWebhookBody | null;
}

/** Why a signed Messenger payload can never be processed (wrong types, impossible times), or null. */
export function facebookProblemOf(body: Record<string, unknown>): string | null {
  if (body.entry !== undefined && !Array.isArray(body.entry)) return '`entry` must be an array';
  for (const entry of arr(body.entry as FbWebhookBody['entry'])) {
    if (entry !== null && typeof entry !== 'object') return '`entry` items must be objects';
    for (const item of [...arr(entry?.messaging), ...arr(entry?.standby)] as unknown as Record<string, unknown>[]) {
      if (!item || typeof item !== 'object' || Array.isArray(item)) return '`messaging` items must be objects';
      if (item.timestamp !== undefined && !isPlausibleEpochMs(item.timestamp)) return '`timestamp` must be a time in epoch milliseconds';
      const message = item.message as Record<string, unknown> | undefined;
      if (message && message.text !== undefined && typeof message.text !== 'string') return '`message.text` must be a string';
    }
  }
  return null;
}

/** The citizen of the first item of a batch (the recipient for echoes), for ordering; '' when none. */
export function facebookOrderingKey(body: FbWebhookBody): string {
  for (const entry of Array.isArray(body.entry) ? body.entry : []) {
    const items = [...arr(entry?.messaging), ...arr(entry?.standby)];
    const item = items[0];
    if (item) return (item.message?.is_echo ? item.recipient?.id : item.sender?.id) ?? '';
  }
  return '';
}

/** Parses one Messenger webhook body into normalized events (unknown or malformed → `unsupported`). */
export function parseFacebookWebhook(rawBody: Buffer, opts: FacebookParseOptions = {}): InboundEvent[] {
  const body = readFacebookBody(rawBody);
  const whole = (reason: string): InboundEvent[] => [unsupportedBody('facebook', reason, rawBody)];
  if (!body) return whole('malformed');
  if (body.object !== 'page') return whole(`unsupported_object:${String(body.object ?? '')}`);
  const events: InboundEvent[] = [];
  for (const entry of arr(body.entry)) {
    if (!entry || typeof entry !== 'object') continue;
    const pageId = str(entry.id);
    for (const item of arr(entry.messaging)) events.push(parseItem(item, pageId, entry.time, false, opts));
    for (const item of arr(entry.standby)) events.push(parseItem(item, pageId, entry.time, true, opts));
  }
  return events.length ? events : whole('empty');
}

function parseItem(
  item: FbMessagingItem,
  pageId: string | undefined,
  entryTime: number | undefined,
  standby: boolean,
  opts: FacebookParseOptions,
): InboundEvent {
  const sender = str(item?.sender?.id) ?? '';
  const recipient = str(item?.recipient?.id) ?? '';
  const timestamp = num(item?.timestamp) ?? num(entryTime) ?? Date.now();
  const base = { channel: 'facebook' as const, account: pageId ?? (recipient || undefined), externalUserId: sender, timestamp };
  const m = item?.message;

  if (m && m.is_echo) {
    // Echo of a message the Page sent: sender = Page, recipient = citizen.
    const echoBase = { ...base, account: pageId ?? (sender || undefined), externalUserId: recipient };
    const id = str(m.mid) ?? `echo:${recipient}:${timestamp}`;
    const appId = m.app_id !== undefined && m.app_id !== null ? String(m.app_id) : undefined;
    const own =
      (opts.appId !== undefined && appId === opts.appId) || (typeof m.metadata === 'string' && m.metadata.startsWith(OWN_METADATA_PREFIX));
    if (own) return { ...echoBase, type: 'unsupported', externalMessageId: id, reason: 'own_echo' };
    // Another app (Page Inbox 263902037430900, Business Suite…): a human answered outside the gateway.
    return { ...echoBase, type: 'echo', externalMessageId: id, text: m.text ?? '', attachments: attachmentsOf(m) };
  }
  if (m) {
    return {
      ...base,
      type: 'message',
      externalMessageId: str(m.mid) ?? `msg:${sender}:${timestamp}`,
      text: m.text ?? '',
      attachments: attachmentsOf(m),
      ...(m.quick_reply?.payload ? { quickReplyPayload: m.quick_reply.payload } : {}),
      ...(m.reply_to?.mid ? { inReplyTo: [m.reply_to.mid] } : {}),
      // In standby another app owns the thread (a human in Page Inbox): record, never auto-answer.
      ...(standby ? { suppressAutoReply: true } : {}),
    };
  }
  if (item?.postback && !standby) {
    const p = item.postback;
    return {
      ...base,
      type: 'postback',
      externalMessageId: str(p.mid) ?? `postback:${sender}:${timestamp}`,
      payload: p.payload ?? '',
      ...(p.title ? { title: p.title } : {}),
    };
  }
  if (item?.delivery) {
    const mids = arr(item.delivery.mids).filter((x): x is string => typeof x === 'string');
    const watermark = num(item.delivery.watermark);
    return {
      ...base,
      type: 'delivery',
      externalMessageId: mids.length ? `delivery:${mids.join(',')}` : `delivery:${sender}:${watermark ?? timestamp}`,
      messageIds: mids,
      ...(watermark !== undefined ? { watermark } : {}),
    };
  }
  if (item?.read) {
    const watermark = num(item.read.watermark);
    return {
      ...base,
      type: 'read',
      externalMessageId: `read:${sender}:${watermark ?? timestamp}`,
      ...(watermark !== undefined ? { watermark } : {}),
    };
  }
  const kind = Object.keys(item ?? {}).find((k) => !['sender', 'recipient', 'timestamp'].includes(k)) ?? 'empty';
  return {
    ...base,
    type: 'unsupported',
    externalMessageId: `${kind}:${sender}:${timestamp}`,
    reason: standby ? `standby:${kind}` : `unknown_event:${kind}`,
  };
}

function attachmentsOf(m: NonNullable<FbMessagingItem['message']>): Attachment[] {
  return arr(m.attachments)
    .map((a) => toAttachment(a, m.sticker_id !== undefined))
    .filter((a): a is Attachment => a !== null);
}

function toAttachment(a: FbWebhookAttachment, isSticker: boolean): Attachment | null {
  if (!a || typeof a !== 'object') return null;
  const p = a.payload ?? {};
  const url = typeof p.url === 'string' ? p.url : typeof a.url === 'string' ? a.url : undefined;
  const title = typeof p.title === 'string' ? p.title : typeof a.title === 'string' ? a.title : undefined;
  switch (a.type) {
    case 'image':
      return { kind: isSticker || p.sticker_id !== undefined ? 'sticker' : 'image', ...(url ? { url } : {}) };
    case 'video':
    case 'reel':
    case 'ig_reel':
      return { kind: 'video', ...(url ? { url } : {}) };
    case 'audio':
      return { kind: 'audio', ...(url ? { url } : {}) };
    case 'file':
      return { kind: 'file', ...(url ? { url } : {}), ...(title ? { name: title } : {}) };
    case 'location': {
      const lat = num(p.coordinates?.lat);
      const lng = num(p.coordinates?.long);
      return {
        kind: 'location',
        ...(lat !== undefined ? { latitude: lat } : {}),
        ...(lng !== undefined ? { longitude: lng } : {}),
        ...(url ? { url } : {}),
        ...(title ? { name: title } : {}),
      };
    }
    default:
      // `fallback` (shared links) and any newer kind that still carries a URL.
      return url ? { kind: 'link', url, ...(title ? { name: title } : {}) } : null;
  }
}

function arr<T>(v: T[] | undefined | null): T[] {
  return Array.isArray(v) ? v : [];
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string' && v) return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

function num(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() ? Number(v) : NaN;
  return Number.isFinite(n) ? n : undefined;
}
