/**
 * Citizen-app payload → normalized events. Pure. See docs/contract.md.
 */
import { isPlausibleEpochMs, type Attachment, type InboundEvent } from '../../src/channels/kit';
import type { EdtInbound } from './types';

function isInbound(v: unknown): v is EdtInbound {
  const o = v as Record<string, unknown>;
  return (
    typeof o === 'object' &&
    o !== null &&
    (typeof o.id === 'string' || typeof o.id === 'number') &&
    (typeof o.userId === 'string' || typeof o.userId === 'number')
  );
}

/** Why a signed citizen-app payload can never be processed (see docs/contract.md), or null. */
export function problemOf(body: Record<string, unknown>): string | null {
  const idLike = (v: unknown) =>
    (typeof v === 'string' && v.length > 0 && v.length <= 200) || (typeof v === 'number' && Number.isSafeInteger(v));
  if (!idLike(body.id)) return '`id` must be a non-empty string or an integer';
  if (!idLike(body.userId)) return '`userId` must be a non-empty string or an integer';
  if (body.text !== undefined && typeof body.text !== 'string') return '`text` must be a string';
  for (const key of ['name', 'phone'] as const)
    if (body[key] != null && typeof body[key] !== 'string') return `\`${key}\` must be a string`;
  if (body.timestamp !== undefined && !isPlausibleEpochMs(body.timestamp)) return '`timestamp` must be a time in epoch milliseconds';
  if (body.attachments !== undefined && !Array.isArray(body.attachments)) return '`attachments` must be an array';
  return null;
}

/** Parses the raw bytes of one inbound webhook; bytes that are not JSON become an unsupported event, never a throw. */
export function parseInboundBody(raw: Buffer): InboundEvent[] {
  let body: unknown = null;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    // Left null: reported below as not a citizen-app message.
  }
  return parseInbound(body);
}

/** Parses the JSON body of one inbound webhook. */
export function parseInbound(body: unknown): InboundEvent[] {
  if (!isInbound(body)) {
    return [
      {
        type: 'unsupported',
        channel: 'edongthap',
        externalUserId: 'unknown',
        externalMessageId: 'unknown',
        timestamp: Date.now(),
        reason: 'not a citizen-app message',
      },
    ];
  }
  const base = {
    channel: 'edongthap' as const,
    externalUserId: String(body.userId),
    externalMessageId: String(body.id),
    timestamp: typeof body.timestamp === 'number' ? body.timestamp : Date.now(),
  };
  const attachments: Attachment[] = (Array.isArray(body.attachments) ? body.attachments : [])
    .filter((a) => a && typeof a.url === 'string')
    .map((a) => ({ kind: a.type === 'image' ? 'image' : 'file', url: a.url, name: a.name }));
  const text = typeof body.text === 'string' ? body.text : '';
  if (!text.trim() && attachments.length === 0) return [{ ...base, type: 'unsupported', reason: 'empty message' }];
  return [
    {
      ...base,
      type: 'message',
      text,
      attachments,
      contact: { displayName: body.name || undefined, phone: body.phone || undefined },
    },
  ];
}
