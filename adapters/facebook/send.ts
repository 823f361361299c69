/**
 * Normalized outbound message → Send API calls.
 *
 * Messenger's policy: anything may be sent within 24 h of the citizen's last message
 * (`RESPONSE`); from 24 h to 7 days only a human may answer, with the `HUMAN_AGENT` tag (an
 * App Review permission); automated messages outside 24 h are refused here, without calling
 * the API, because sending them would break the policy and fail anyway (code 10/2018278).
 * A Send API message carries text or one attachment, so text and each attachment are separate
 * calls; quick replies ride on the last one. Every message carries our `metadata` marker so its
 * echo is recognized as our own even without a configured app id.
 * A file without a public URL (an operator's upload) goes through the Attachment Upload API first;
 * uploads happen before anything is sent, so a retry never repeats the text. A file that cannot be
 * sent at all is left out and logged: the text still goes.
 */
import { ChannelApiError, type Attachment, type OutboundMessage, type SendResult } from '../../src/channels/kit';
import type { GraphClient } from './client';
import { OWN_METADATA_PREFIX } from './parse';
import type { FbQuickReply, FbSendMessageBody } from './types';

/** Standard messaging window (default: 24 h). */
export const RESPONSE_WINDOW_MS = 24 * 60 * 60 * 1000;
/** HUMAN_AGENT tag window for human operators (default: 7 days). */
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * 60 * 60 * 1000;
/** Send API text limit (characters). */
export const MAX_TEXT_LENGTH = 2000;
/** Send API: most quick replies in one message (older SDKs said 11 — outdated). */
export const MAX_QUICK_REPLIES = 13;
/** Send API: longest quick-reply title (characters). */
export const MAX_QUICK_REPLY_TITLE = 20;
const MAX_QUICK_REPLY_PAYLOAD = 1000;

const ATTACHMENT_TYPES: Partial<Record<Attachment['kind'], 'image' | 'audio' | 'video' | 'file'>> = {
  image: 'image',
  gif: 'image',
  sticker: 'image',
  audio: 'audio',
  video: 'video',
  file: 'file',
};

/** What `sendFacebookMessage` needs. */
export interface FacebookSendDeps {
  client: Pick<GraphClient, 'sendMessage' | 'uploadAttachment'>;
  now?: () => number;
  /** Reads a stored attachment's bytes (from the runtime), for files that must be uploaded. */
  readAttachment?: (attachmentId: string) => Promise<{ data: Buffer; mimeType: string; name: string } | null>;
  /** Where a file left out of a reply is reported. */
  warn?: (obj: object, msg: string) => void;
}

type FbAttachment = NonNullable<FbSendMessageBody['message']['attachment']>;

/** Chooses `messaging_type` (and tag) from the time since the citizen's last message; throws `window_closed`. */
export function messagingTypeFor(
  msg: Pick<OutboundMessage, 'author' | 'lastInboundAt'>,
  now: number,
): Pick<FbSendMessageBody, 'messaging_type' | 'tag'> {
  const age = msg.lastInboundAt === null ? Infinity : Math.max(0, now - msg.lastInboundAt);
  if (age <= RESPONSE_WINDOW_MS) return { messaging_type: 'RESPONSE' };
  if (age <= HUMAN_AGENT_WINDOW_MS && msg.author === 'operator') return { messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' };
  const why =
    msg.lastInboundAt === null
      ? 'the citizen never wrote to the Page'
      : age <= HUMAN_AGENT_WINDOW_MS
        ? 'more than 24 h since the citizen last wrote; only a human operator may answer (HUMAN_AGENT)'
        : 'more than 7 days since the citizen last wrote';
  throw new ChannelApiError({ channel: 'facebook', code: 'window_closed', retryable: false, message: `Messenger window closed: ${why}` });
}

/** Sends one outbound message as one or more Send API calls; throws `ChannelApiError`. */
export async function sendFacebookMessage(deps: FacebookSendDeps, msg: OutboundMessage): Promise<SendResult> {
  if (!msg.externalUserId) throw permanent('invalid_recipient', 'Messenger message without a recipient PSID');
  const window = messagingTypeFor(msg, (deps.now ?? Date.now)());

  const lines = [msg.text];
  const linked = msg.attachments.filter((a) => !ATTACHMENT_TYPES[a.kind] && a.url);
  for (const att of linked) lines.push(att.name ? `${att.name}: ${att.url}` : att.url!);
  const text = lines.filter((s) => s && s.length > 0).join('\n');
  if (text.length > MAX_TEXT_LENGTH) {
    throw permanent('text_too_long', `Messenger text of ${text.length} characters exceeds ${MAX_TEXT_LENGTH} (the core should split it)`);
  }
  const attachments: FbAttachment[] = [];
  for (const att of msg.attachments) {
    if (linked.includes(att)) continue;
    const sendable = await toFbAttachment(deps, att);
    if (sendable) attachments.push(sendable);
  }

  const messages: FbSendMessageBody['message'][] = [];
  if (text) messages.push({ text });
  for (const attachment of attachments) messages.push({ attachment });
  if (messages.length === 0) throw permanent('empty_message', 'Messenger message has neither text nor attachments');
  const quickReplies = toQuickReplies(msg);
  if (quickReplies.length) messages[messages.length - 1]!.quick_replies = quickReplies;

  let firstId: string | undefined;
  for (const message of messages) {
    const res = await deps.client.sendMessage({
      recipient: { id: msg.externalUserId },
      ...window,
      message: { ...message, metadata: `${OWN_METADATA_PREFIX}${msg.id}` },
    });
    firstId ??= res?.message_id;
  }
  return firstId ? { providerMessageId: firstId } : {};
}

/**
 * A Send API attachment: by URL when it has one, else uploaded from its bytes; null (logged) when it
 * has neither or Graph refuses the upload for good. A retryable upload failure throws.
 */
async function toFbAttachment(deps: FacebookSendDeps, att: Attachment): Promise<FbAttachment | null> {
  const type = ATTACHMENT_TYPES[att.kind];
  if (type && att.url) return { type, payload: { url: att.url, is_reusable: true } };
  const stored = att.data
    ? { data: att.data, name: att.name ?? 'tep-dinh-kem', mimeType: att.mimeType ?? 'application/octet-stream' }
    : att.attachmentId && deps.readAttachment
      ? await deps.readAttachment(att.attachmentId)
      : null;
  if (!type || !stored) {
    deps.warn?.({ attachmentId: att.attachmentId, kind: att.kind }, 'Messenger: attachment without a URL or stored bytes left out');
    return null;
  }
  try {
    const id = await deps.client.uploadAttachment(type, {
      data: stored.data,
      name: att.name ?? stored.name,
      mimeType: att.mimeType ?? stored.mimeType,
    });
    return { type, payload: { attachment_id: id } };
  } catch (err) {
    if (!(err instanceof ChannelApiError) || err.retryable) throw err;
    deps.warn?.({ attachmentId: att.attachmentId, err: err.message }, 'Messenger: attachment upload refused; the text is sent without it');
    return null;
  }
}

/** At most 13 quick replies with titles cut to 20 characters (defensive: the core scales them already). */
function toQuickReplies(msg: OutboundMessage): FbQuickReply[] {
  return msg.quickReplies.slice(0, MAX_QUICK_REPLIES).map((q) => ({
    content_type: 'text',
    title: truncate(q.title, MAX_QUICK_REPLY_TITLE),
    payload: truncate(q.payload || q.title, MAX_QUICK_REPLY_PAYLOAD),
  }));
}

/** Cuts on code points so a Vietnamese letter or emoji is never split. */
function truncate(s: string, max: number): string {
  const cps = [...s];
  return cps.length <= max ? s : cps.slice(0, max).join('');
}

function permanent(code: string, message: string): ChannelApiError {
  return new ChannelApiError({ channel: 'facebook', code, retryable: false, message });
}
