/**
 * Stored attachments: bytes in the blob store (`attachment-files.ts`), a row in `attachments`,
 * referenced from messages.
 */
import type { Attachment } from '../channels/kit/contract';
import type { Queryable } from '../db/database';
import { attachmentProblem, type BlobStore } from './attachment-files';

/** Stores the bytes of attachments that carry `data`; refused ones are kept as a note without bytes. */
export async function storeAttachments(q: Queryable, blobs: BlobStore, list: Attachment[], maxBytes: number): Promise<Attachment[]> {
  const out: Attachment[] = [];
  for (const a of list) {
    if (!a.data) {
      out.push(a);
      continue;
    }
    const mimeType = a.mimeType ?? 'application/octet-stream';
    const problem = attachmentProblem(mimeType, a.data.length, maxBytes);
    const { data, ...rest } = a;
    if (problem) {
      out.push({ ...rest, size: data.length, name: `${a.name ?? 'tệp'} (không lưu: ${problem})` });
      continue;
    }
    const { key, sha256 } = await blobs.put(data);
    const id = await insertAttachment(q, { storageKey: key, name: a.name ?? 'tep-dinh-kem', mimeType, size: data.length, sha256 });
    out.push({ ...rest, mimeType, size: data.length, storageKey: key, attachmentId: id });
  }
  return out;
}

/** Reads a stored attachment with its metadata. */
export async function readAttachment(
  q: Queryable,
  blobs: BlobStore,
  id: string,
): Promise<{ data: Buffer; mimeType: string; name: string } | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const row = await getAttachmentRow(q, id);
  if (!row) return null;
  const data = await blobs.get(row.storageKey);
  return data ? { data, mimeType: row.mimeType, name: row.name } : null;
}

/** Inserts an attachment's row; returns its id. */
export async function insertAttachment(
  q: Queryable,
  a: { storageKey: string; name: string; mimeType: string; size: number; sha256: string },
): Promise<string> {
  const r = await q.query<{ id: string }>(
    `INSERT INTO attachments (storage_key, name, mime_type, size, sha256) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [a.storageKey, a.name, a.mimeType, a.size, a.sha256],
  );
  return r.rows[0].id;
}

/** An attachment's row: where its bytes are and how to serve them. */
export async function getAttachmentRow(q: Queryable, id: string): Promise<{ storageKey: string; mimeType: string; name: string } | null> {
  const r = await q.query<{ storage_key: string; mime_type: string; name: string }>(
    'SELECT storage_key, mime_type, name FROM attachments WHERE id = $1',
    [id],
  );
  const row = r.rows[0];
  return row ? { storageKey: row.storage_key, mimeType: row.mime_type, name: row.name } : null;
}
