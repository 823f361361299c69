/** The API shape of a message (console: conversation view, ticket view, processing log). */
import { intentLabel } from '../wire/labels';
import type { MessageRow } from './messages';

/** A message as the console API shows it. */
export interface ApiMessage {
  id: string;
  direction: 'in' | 'out';
  author: MessageRow['authorKind'];
  authorName: string | null;
  purpose: string | null;
  text: string;
  attachments: {
    kind: string;
    name?: string;
    mimeType?: string;
    size?: number;
    url?: string;
    attachmentId?: string;
    fetchError?: string;
  }[];
  quickReplies: { title: string; payload: string }[];
  status: MessageRow['status'];
  error: string | null;
  /** What the bot understood (inbound) or answered for (bot outbound), when known; `label`: its Vietnamese name. */
  intent: { name: string; confidence: number; label?: string } | null;
  createdAt: Date;
  sentAt: Date | null;
  deliveredAt: Date | null;
  readAt: Date | null;
}

/**
 * Inbound rows keep the NLU result as `meta.intent = {name, confidence}`; bot answers keep
 * `meta.intent = "<name>"` and `meta.confidence` — both become `{name, confidence}`.
 */
export function intentOf(meta: Record<string, unknown>): { name: string; confidence: number } | null {
  const i = meta.intent;
  if (i && typeof i === 'object' && typeof (i as { name?: unknown }).name === 'string') {
    const o = i as { name: string; confidence?: unknown };
    return { name: o.name, confidence: typeof o.confidence === 'number' ? o.confidence : 0 };
  }
  if (typeof i === 'string') return { name: i, confidence: typeof meta.confidence === 'number' ? meta.confidence : 0 };
  return null;
}

/**
 * Maps a stored message to its API shape (storage keys never leave the server); `titleOf` names
 * procedure intents (the knowledge base's titles) for the intent's `label`.
 */
export function toApiMessage(m: MessageRow, titleOf?: (intent: string) => string | null): ApiMessage {
  const intent = intentOf(m.meta);
  return {
    id: m.id,
    direction: m.direction,
    author: m.authorKind,
    authorName: m.authorName,
    purpose: m.purpose,
    text: m.text,
    attachments: m.attachments.map(({ data: _d, storageKey: _k, ...a }) => a),
    quickReplies: m.quickReplies,
    status: m.status,
    error: m.error,
    intent: intent && { ...intent, label: intentLabel(intent.name, titleOf) },
    createdAt: m.createdAt,
    sentAt: m.sentAt,
    deliveredAt: m.deliveredAt,
    readAt: m.readAt,
  };
}
