/**
 * Stored attachments: bytes in the blob store (`blob-store.ts`), a row in `attachments`,
 * referenced from messages.
 */
import type { Readable } from 'node:stream';
import type { Attachment } from '../channels/kit/contract';
import type { Queryable } from '../db/database';
import { attachmentProblem } from './attachment-files';
import { BlobTooLargeError, type BlobSource, type BlobStore } from './blob-store';
import { isUuid } from './inbox';

/** An attachment refused for its type or size; `reason` is the Vietnamese explanation shown to people. */
export class AttachmentRefusedError extends Error {
  constructor(
    readonly kind: 'too_large' | 'type',
    readonly reason: string,
  ) {
    super(reason);
    this.name = 'AttachmentRefusedError';
  }
}

/** A saved attachment's row id and what was stored. */
export interface SavedAttachment {
  id: string;
  storageKey: string;
  mimeType: string;
  size: number;
  sha256: string;
}

/**
 * Saves bytes (a buffer or a stream, e.g. a provider's media download) as an attachment: type and
 * size checked (a stream is cut off past `maxBytes`), bytes in the blob store, then its row.
 * Throws `AttachmentRefusedError` when refused; nothing is kept then.
 */
export async function saveAttachmentBytes(
  q: Queryable,
  blobs: BlobStore,
  file: { data: BlobSource; name: string; mimeType: string; maxBytes: number; uploadedBy?: string | null },
): Promise<SavedAttachment> {
  const mimeType = file.mimeType.split(';')[0].trim().toLowerCase() || 'application/octet-stream';
  const knownSize = Buffer.isBuffer(file.data) ? file.data.length : 0;
  const problem = attachmentProblem(mimeType, knownSize, file.maxBytes);
  if (problem) throw new AttachmentRefusedError(knownSize > file.maxBytes ? 'too_large' : 'type', problem);
  let stored;
  try {
    stored = await blobs.put(file.data, { maxBytes: file.maxBytes });
  } catch (err) {
    if (!(err instanceof BlobTooLargeError)) throw err;
    throw new AttachmentRefusedError('too_large', attachmentProblem(mimeType, file.maxBytes + 1, file.maxBytes)!);
  }
  const id = await insertAttachment(q, {
    storageKey: stored.key,
    name: file.name,
    mimeType,
    size: stored.size,
    sha256: stored.sha256,
    uploadedBy: file.uploadedBy ?? null,
  });
  return { id, storageKey: stored.key, mimeType, size: stored.size, sha256: stored.sha256 };
}

/** Stores the bytes of attachments that carry `data`; refused ones are kept as a note without bytes. */
export async function storeAttachments(q: Queryable, blobs: BlobStore, list: Attachment[], maxBytes: number): Promise<Attachment[]> {
  const out: Attachment[] = [];
  for (const a of list) {
    if (!a.data) {
      out.push(a);
      continue;
    }
    const { data, ...rest } = a;
    try {
      const saved = await saveAttachmentBytes(q, blobs, {
        data,
        name: a.name ?? 'tep-dinh-kem',
        mimeType: a.mimeType ?? 'application/octet-stream',
        maxBytes,
      });
      out.push({ ...rest, mimeType: saved.mimeType, size: saved.size, storageKey: saved.storageKey, attachmentId: saved.id });
    } catch (err) {
      if (!(err instanceof AttachmentRefusedError)) throw err;
      out.push({ ...rest, size: data.length, name: `${a.name ?? 'tệp'} (không lưu: ${err.reason})` });
    }
  }
  return out;
}

/** Reads a stored attachment with its metadata, all bytes at once (a provider upload, a mail). */
export async function readAttachment(
  q: Queryable,
  blobs: BlobStore,
  id: string,
): Promise<{ data: Buffer; mimeType: string; name: string } | null> {
  const row = isUuid(id) ? await getAttachmentRow(q, id) : null;
  const data = row && !row.purgedAt ? await blobs.get(row.storageKey) : null;
  return row && data ? { data, mimeType: row.mimeType, name: row.name } : null;
}

/** Opens a stored attachment as a stream with its metadata (a download). */
export async function openAttachment(
  q: Queryable,
  blobs: BlobStore,
  id: string,
): Promise<{ stream: Readable; mimeType: string; name: string; size: number } | null> {
  const row = isUuid(id) ? await getAttachmentRow(q, id) : null;
  const stream = row && !row.purgedAt ? await blobs.open(row.storageKey) : null;
  return row && stream ? { stream, mimeType: row.mimeType, name: row.name, size: row.size } : null;
}

/** Inserts an attachment's row; returns its id. */
export async function insertAttachment(
  q: Queryable,
  a: { storageKey: string; name: string; mimeType: string; size: number; sha256: string; uploadedBy?: string | null },
): Promise<string> {
  const r = await q.query<{ id: string }>(
    `INSERT INTO attachments (storage_key, name, mime_type, size, sha256, uploaded_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
    [a.storageKey, a.name, a.mimeType, a.size, a.sha256, a.uploadedBy ?? null],
  );
  return r.rows[0].id;
}

/** An attachment's row: where its bytes are, how to serve them, and when retention purged them (null: kept). */
export async function getAttachmentRow(
  q: Queryable,
  id: string,
): Promise<{ storageKey: string; mimeType: string; name: string; size: number; purgedAt: Date | null } | null> {
  const r = await q.query<{ storage_key: string; mime_type: string; name: string; size: number; purged_at: Date | string | null }>(
    'SELECT storage_key, mime_type, name, size, purged_at FROM attachments WHERE id = $1',
    [id],
  );
  const row = r.rows[0];
  return row
    ? {
        storageKey: row.storage_key,
        mimeType: row.mime_type,
        name: row.name,
        size: row.size,
        purgedAt: row.purged_at ? new Date(row.purged_at) : null,
      }
    : null;
}
