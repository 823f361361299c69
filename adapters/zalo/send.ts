/**
 * Normalized outbound message → Zalo customer-service ("tư vấn") messages.
 *
 * One CS message carries text and at most one attachment, so a reply with several attachments
 * becomes several calls: text + first image, then one call per further image or file. The id
 * of the first call is returned. CS messages have no quick replies in the documented API, so
 * the adapter declares none; if some arrive anyway they are written out as a numbered list.
 * The reply window is not checked here: its length is UNVERIFIED (7 d vs 48 h) and Zalo itself
 * answers -230/-232 (mapped to a permanent `window_closed`) when it is closed.
 */
import { ChannelApiError, type Attachment, type OutboundMessage, type SendResult } from '../../src/channels/kit';
import type { ZaloClient, ZaloUpload } from './client';
import type { ZaloTokenManager } from './tokens';
import type { ZaloCsMessageBody, ZaloFileAttachment, ZaloMediaAttachment } from './types';

/** What `sendZaloMessage` needs. */
export interface ZaloSendDeps {
  client: Pick<ZaloClient, 'sendCsMessage' | 'uploadImage' | 'uploadFile'>;
  tokens: Pick<ZaloTokenManager, 'withToken'>;
  maxTextLength: number;
  /** Reads a stored attachment's bytes (from the runtime), for files that must be uploaded. */
  readAttachment?: (attachmentId: string) => Promise<{ data: Buffer; mimeType: string; name: string } | null>;
}

type Planned = { kind: 'image'; att: Attachment } | { kind: 'file'; att: Attachment };

/** Sends one outbound message as one or more Zalo CS messages; throws `ChannelApiError`. */
export async function sendZaloMessage(deps: ZaloSendDeps, msg: OutboundMessage): Promise<SendResult> {
  const userId = msg.externalUserId;
  if (!userId) throw permanent('invalid_recipient', 'Zalo message without a recipient user id');

  const extraLines: string[] = [];
  const planned: Planned[] = [];
  for (const att of msg.attachments) {
    if (att.kind === 'image' || att.kind === 'gif' || att.kind === 'sticker') {
      if (att.url || att.data || att.attachmentId) planned.push({ kind: 'image', att });
    } else if (att.kind === 'location' || att.kind === 'link') {
      if (att.url) extraLines.push(att.url);
    } else if (att.data || (att.attachmentId && deps.readAttachment)) {
      planned.push({ kind: 'file', att });
    } else if (att.url) {
      // No bytes to upload: degrade to a link the citizen can open.
      extraLines.push(att.name ? `${att.name}: ${att.url}` : att.url);
    }
  }

  let text = [msg.text, ...extraLines].filter((s) => s && s.length > 0).join('\n');
  if (msg.quickReplies.length > 0) {
    const list = msg.quickReplies.map((q, i) => `${i + 1}. ${q.title}`).join('\n');
    const withList = text ? `${text}\n${list}` : list;
    if (withList.length <= deps.maxTextLength) text = withList;
  }
  if (text.length > deps.maxTextLength) {
    throw permanent('text_too_long', `Zalo text of ${text.length} characters exceeds ${deps.maxTextLength} (the core should split it)`);
  }

  const first = planned[0]?.kind === 'image' ? planned.shift() : undefined;
  const bodies: Array<() => Promise<ZaloCsMessageBody>> = [];
  if (text || first) {
    bodies.push(async () => ({
      recipient: { user_id: userId },
      message: {
        ...(text ? { text } : {}),
        ...(first ? { attachment: await imageAttachment(deps, first.att) } : {}),
      },
    }));
  }
  for (const p of planned) {
    bodies.push(async () => ({
      recipient: { user_id: userId },
      message: { attachment: p.kind === 'image' ? await imageAttachment(deps, p.att) : await fileAttachment(deps, p.att) },
    }));
  }
  if (bodies.length === 0) throw permanent('empty_message', 'Zalo message has neither text nor attachments');

  let firstId: string | undefined;
  for (const build of bodies) {
    const body = await build();
    const data = await deps.tokens.withToken((token) => deps.client.sendCsMessage(token, body));
    firstId ??= data.message_id !== undefined ? String(data.message_id) : undefined;
  }
  return firstId !== undefined ? { providerMessageId: firstId } : {};
}

async function imageAttachment(deps: ZaloSendDeps, att: Attachment): Promise<ZaloMediaAttachment> {
  if (att.url) {
    return { type: 'template', payload: { template_type: 'media', elements: [{ media_type: 'image', url: att.url }] } };
  }
  const file = await bytesOf(deps, att, 'image/jpeg');
  const id = await deps.tokens.withToken((token) => deps.client.uploadImage(token, file));
  return { type: 'template', payload: { template_type: 'media', elements: [{ media_type: 'image', attachment_id: id }] } };
}

async function fileAttachment(deps: ZaloSendDeps, att: Attachment): Promise<ZaloFileAttachment> {
  const file = await bytesOf(deps, att, 'application/octet-stream');
  const token = await deps.tokens.withToken((t) => deps.client.uploadFile(t, file));
  return { type: 'file', payload: { token } };
}

async function bytesOf(deps: ZaloSendDeps, att: Attachment, fallbackMime: string): Promise<ZaloUpload> {
  if (att.data) return { data: att.data, name: att.name ?? 'tep-dinh-kem', mimeType: att.mimeType ?? fallbackMime };
  const stored = att.attachmentId && deps.readAttachment ? await deps.readAttachment(att.attachmentId) : null;
  if (!stored) throw permanent('attachment_missing', `attachment ${att.attachmentId ?? '(no id)'} is not available to upload`);
  return { data: stored.data, name: att.name ?? stored.name, mimeType: att.mimeType ?? stored.mimeType };
}

function permanent(code: string, message: string): ChannelApiError {
  return new ChannelApiError({ channel: 'zalo', code, retryable: false, message });
}
