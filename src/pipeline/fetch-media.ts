/**
 * Evidence: the files citizens send on Zalo and Messenger arrive as links to the provider's CDN,
 * which expire. A `fetch_media` job (delivery lane: it waits on the network) downloads each one
 * into our blob store, checks its size and real type, and points the message's attachment at our
 * copy (`attachmentId`; the provider's `url` stays). Network trouble is retried a few times; then,
 * or when a file is refused, the reason is kept on the attachment (`fetchError`) and in the
 * processing log, and the message keeps the provider's link.
 */
import type { Attachment } from '../channels/kit/contract';
import { SNIFF_BYTES, sniffMimeType, typesAgree } from '../channels/kit/sniff-type';
import type { AppContext } from '../context';
import type { Queryable } from '../db/database';
import type { Job, NewJob } from '../jobs/queue';
import { attachmentProblem } from '../store/attachment-files';
import { AttachmentRefusedError, saveAttachmentBytes, type SavedAttachment } from '../store/attachments';
import { logEvent, SYSTEM } from '../store/events';
import { downloadMedia, MediaDownloadError } from './media-download';

/** The job kind that keeps our copy of a message's provider-hosted files. */
export const FETCH_MEDIA_JOB = 'fetch_media';

/** Tries per message before a file that cannot be reached is given up. */
const FETCH_MEDIA_ATTEMPTS = 4;

const KEPT_KINDS = new Set<Attachment['kind']>(['image', 'file', 'audio', 'video', 'gif']);

/** True for an attachment only the provider holds (a link, no copy of ours yet, not given up). */
function needsCopy(a: Attachment): boolean {
  return KEPT_KINDS.has(a.kind) && !a.attachmentId && !a.fetchError && typeof a.url === 'string' && /^https?:\/\//i.test(a.url);
}

/** The job to enqueue with a stored inbound message whose attachments are provider links (none otherwise). */
export function mediaFetchJobs(messageId: string, attachments: readonly Attachment[]): NewJob[] {
  return attachments.some(needsCopy) ? [{ kind: FETCH_MEDIA_JOB, orderingKey: `media:${messageId}`, payload: { messageId } }] : [];
}

/** Handles one `fetch_media` job: keeps a copy of each provider-hosted file of the message. */
export async function fetchMedia(ctx: AppContext, job: Job): Promise<void> {
  const messageId = String(job.payload.messageId);
  const r = await ctx.db.query<{ attachments: Attachment[]; conversation_id: string; ticket_id: string | null }>(
    'SELECT attachments, conversation_id, ticket_id FROM messages WHERE id = $1',
    [messageId],
  );
  const msg = r.rows[0];
  if (!msg) return;
  let retry: MediaDownloadError | null = null;
  for (const [index, a] of msg.attachments.entries()) {
    if (!needsCopy(a)) continue;
    const where = { conversationId: msg.conversation_id, ticketId: msg.ticket_id };
    try {
      const saved = await keepCopy(ctx, a);
      // The copy and its log entry together: whoever sees one sees the other.
      await ctx.db.transaction(async (tx) => {
        await updateAttachment(tx, messageId, index, {
          attachmentId: saved.id,
          storageKey: saved.storageKey,
          mimeType: saved.mimeType,
          size: saved.size,
        });
        await logEvent(tx, {
          type: 'media_saved',
          actor: SYSTEM,
          ...where,
          data: { messageId, attachmentId: saved.id, sha256: saved.sha256, size: saved.size, mimeType: saved.mimeType, url: a.url },
        });
      });
    } catch (err) {
      const refused = err instanceof AttachmentRefusedError;
      if (!refused && !(err instanceof MediaDownloadError)) throw err;
      if (!refused && err.retryable && job.attempts < FETCH_MEDIA_ATTEMPTS) {
        retry = err;
        continue;
      }
      const reason = refused ? err.reason : err.message;
      await ctx.db.transaction(async (tx) => {
        await updateAttachment(tx, messageId, index, { fetchError: reason });
        await logEvent(tx, { type: 'media_refused', actor: SYSTEM, ...where, data: { messageId, url: a.url, reason } });
      });
      ctx.log.warn({ conversationId: msg.conversation_id, messageId, reason }, 'provider media not kept');
    }
  }
  // The worker retries the job with backoff; files already kept are skipped next time.
  if (retry) throw retry;
}

/** Downloads one file, checks its size and real type, and stores it. */
async function keepCopy(ctx: AppContext, a: Attachment): Promise<SavedAttachment> {
  const maxBytes = ctx.config.MEDIA_DOWNLOAD_MAX_BYTES ?? ctx.config.ATTACHMENT_MAX_BYTES;
  const res = await downloadMedia(a.url!, { privateHosts: ctx.config.MEDIA_PRIVATE_HOSTS });
  try {
    if (res.length !== null && res.length > maxBytes)
      throw new AttachmentRefusedError('too_large', attachmentProblem('application/octet-stream', res.length, maxBytes)!);
    const { head, data } = await peek(res.body, SNIFF_BYTES);
    const mimeType = realType(baseType(res.contentType) || baseType(a.mimeType ?? ''), sniffMimeType(head));
    return await saveAttachmentBytes(ctx.db, ctx.blobs, { data, name: a.name ?? nameOf(res.url, a.kind), mimeType, maxBytes });
  } catch (err) {
    // A body cut off mid-way is network trouble, worth another try.
    if (err instanceof Error && !(err instanceof AttachmentRefusedError) && !(err instanceof MediaDownloadError) && res.body.errored)
      throw new MediaDownloadError(`tải bị ngắt: ${err.message}`, true);
    throw err;
  } finally {
    res.body.destroy();
  }
}

/**
 * The type to store: what the bytes are. A declared type the bytes contradict is refused (an
 * "image" that is a program or a web page would otherwise be shown or opened by operators); a
 * generic declaration takes the sniffed type.
 */
export function realType(declared: string, sniffed: string | null): string {
  const generic = !declared || declared === 'application/octet-stream' || declared === 'binary/octet-stream';
  if (generic) {
    if (!sniffed) throw new AttachmentRefusedError('type', 'không xác định được loại tệp');
    return sniffed;
  }
  if (sniffed ? !typesAgree(declared, sniffed) : declared !== 'text/plain')
    throw new AttachmentRefusedError('type', `nội dung tệp (${sniffed ?? 'không rõ'}) không khớp loại khai báo (${declared})`);
  return declared === 'image/jpg' ? 'image/jpeg' : declared;
}

function baseType(contentType: string): string {
  return contentType.split(';')[0].trim().toLowerCase();
}

/** A file name from the URL's last path segment, else from the kind. */
function nameOf(url: string, kind: Attachment['kind']): string {
  const segment = new URL(url).pathname.split('/').pop() ?? '';
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    // A malformed escape (%E0 alone): the raw segment is cleaned below like any other.
  }
  const last = decoded.replace(/[^\p{L}\p{N}._-]/gu, '_');
  return last && last.length <= 120 ? last : kind === 'image' ? 'hinh-anh' : 'tep-dinh-kem';
}

/** Reads the first `bytes` of a stream, and gives back the whole stream again (those bytes first). */
async function peek(stream: AsyncIterable<Buffer>, bytes: number): Promise<{ head: Buffer; data: AsyncIterable<Buffer> }> {
  const it = stream[Symbol.asyncIterator]();
  const first: Buffer[] = [];
  let size = 0;
  let done = false;
  while (size < bytes) {
    const next = await it.next();
    if (next.done) {
      done = true;
      break;
    }
    first.push(next.value);
    size += next.value.length;
  }
  const head = Buffer.concat(first);
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    if (done) return;
    for (;;) {
      const next = await it.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { head, data: all() };
}

/** Merges fields into the message's attachment at `index`. */
async function updateAttachment(q: Queryable, messageId: string, index: number, fields: Partial<Attachment>): Promise<void> {
  await q.query(
    `UPDATE messages SET attachments = jsonb_set(attachments, ARRAY[$2::text], (attachments -> $3::int) || $4::jsonb) WHERE id = $1`,
    [messageId, String(index), index, JSON.stringify(fields)],
  );
}
