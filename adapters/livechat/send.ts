/**
 * Normalized messages → what the widget receives (`WireMessage`). Bytes never travel inline:
 * the browser gets metadata and fetches a stored file with the `attachment` event.
 */
import type { Attachment, HistoryItem, OutboundMessage } from '../../src/channels/kit';
import type { IntakeFrame, WireAttachment, WireMessage } from './protocol';

/** Absolute http(s) URL of `url` against `base`; undefined for other schemes (javascript:, data:). */
export function safeHttpUrl(url: string | undefined, base: string): string | undefined {
  if (!url) return undefined;
  try {
    const u = new URL(url, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** An attachment without its bytes or storage key. */
export function toWireAttachment(a: Attachment, publicBaseUrl: string): WireAttachment {
  const w: WireAttachment = { kind: a.kind };
  if (a.name) w.name = a.name;
  if (a.mimeType) w.mimeType = a.mimeType;
  if (typeof a.size === 'number') w.size = a.size;
  else if (a.data) w.size = a.data.length;
  const url = safeHttpUrl(a.url, publicBaseUrl);
  if (url) w.url = url;
  if (a.attachmentId) w.attachmentId = a.attachmentId;
  return w;
}

/** A history item as the widget shows it. */
export function historyToWire(item: HistoryItem, publicBaseUrl: string): WireMessage {
  return { ...item, attachments: (item.attachments ?? []).map((a) => toWireAttachment(a, publicBaseUrl)) };
}

/** An outbound message (bot, operator, system) as the widget shows it. */
export function outboundToWire(m: OutboundMessage, publicBaseUrl: string, now = Date.now()): WireMessage {
  // Parts of a split text share our message id; the widget keys messages by id, so later parts get their own.
  const id = m.part > 0 ? `${m.id}~${m.part}` : m.id;
  return {
    id,
    direction: 'out',
    author: m.author,
    ...(m.authorName ? { authorName: m.authorName } : {}),
    text: m.text,
    attachments: m.attachments.map((a) => toWireAttachment(a, publicBaseUrl)),
    quickReplies: m.quickReplies,
    externalMessageId: m.id,
    status: 'sent',
    createdAt: now,
  };
}

/** The citizen's own message, echoed to the visitor's other open tabs. */
export function intakeToWire(f: IntakeFrame): WireMessage {
  const id = `${f.visitorId}:${f.clientId}`;
  return {
    id,
    direction: 'in',
    author: 'citizen',
    text: f.text,
    attachments: f.attachments.map((a) => ({
      kind: a.mimeType.startsWith('image/') ? 'image' : 'file',
      name: a.name,
      mimeType: a.mimeType,
      size: Math.floor((a.dataBase64.length * 3) / 4),
    })),
    quickReplies: [],
    externalMessageId: id,
    status: 'received',
    createdAt: f.receivedAt,
  };
}
