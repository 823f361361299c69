/**
 * Stored live-chat frame (`IntakeFrame`, see ./protocol.ts) → normalized events. Pure, no I/O,
 * never throws: anything unreadable becomes an `unsupported` event.
 */
import type { Attachment, InboundEvent } from '../../src/channels/kit';
import type { IntakeFrame } from './protocol';

function unsupported(reason: string, visitorId = 'unknown', id = 'unknown', timestamp = Date.now()): InboundEvent[] {
  return [{ type: 'unsupported', channel: 'livechat', externalUserId: visitorId, externalMessageId: id, timestamp, reason }];
}

/** Parses the bytes `runtime.ingest` stored for one `message` or `quick_reply` frame. */
export function parseFrame(body: Buffer): InboundEvent[] {
  let f: Partial<IntakeFrame>;
  try {
    f = JSON.parse(body.toString('utf8')) as Partial<IntakeFrame>;
  } catch {
    return unsupported('live-chat frame is not JSON');
  }
  if (!f || typeof f !== 'object' || typeof f.visitorId !== 'string' || typeof f.clientId !== 'string') {
    return unsupported('live-chat frame without visitor or client id');
  }
  const externalMessageId = `${f.visitorId}:${f.clientId}`;
  const timestamp = typeof f.receivedAt === 'number' ? f.receivedAt : Date.now();
  if (f.kind !== 'message' && f.kind !== 'quick_reply') {
    return unsupported(`live-chat frame kind ${String(f.kind)}`, f.visitorId, externalMessageId, timestamp);
  }
  const attachments: Attachment[] = (Array.isArray(f.attachments) ? f.attachments : [])
    .filter((a) => a && typeof a.dataBase64 === 'string')
    .map((a) => {
      const data = Buffer.from(a.dataBase64, 'base64');
      const mimeType = typeof a.mimeType === 'string' ? a.mimeType : 'application/octet-stream';
      return { kind: mimeType.startsWith('image/') ? 'image' : 'file', name: a.name, mimeType, size: data.length, data };
    });
  return [
    {
      type: 'message',
      channel: 'livechat',
      externalUserId: f.visitorId,
      externalMessageId,
      timestamp,
      text: typeof f.text === 'string' ? f.text : '',
      attachments,
      ...(f.kind === 'quick_reply' && typeof f.quickReplyPayload === 'string' ? { quickReplyPayload: f.quickReplyPayload } : {}),
      ...(f.name ? { contact: { displayName: f.name } } : {}),
    },
  ];
}
