/** Stored attachments: bytes in the blob store, a row in `attachments`, referenced from messages. */
import type { Attachment } from '../channels/contract';
import type { Queryable } from '../db/database';
import { attachmentProblem, type BlobStore } from './attachment-store';

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
    const r = await q.query<{ id: string }>(
      `INSERT INTO attachments (storage_key, name, mime_type, size, sha256) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [key, a.name ?? 'tep-dinh-kem', mimeType, data.length, sha256],
    );
    out.push({ ...rest, mimeType, size: data.length, storageKey: key, attachmentId: r.rows[0].id });
  }
  return out;
}

/** Reads a stored attachment with its metadata. */
export async function readAttachment(q: Queryable, blobs: BlobStore, id: string): Promise<{ data: Buffer; mimeType: string; name: string } | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const r = await q.query<{ storage_key: string; mime_type: string; name: string }>('SELECT storage_key, mime_type, name FROM attachments WHERE id = $1', [id]);
  if (!r.rows[0]) return null;
  const data = await blobs.get(r.rows[0].storage_key);
  return data ? { data, mimeType: r.rows[0].mime_type, name: r.rows[0].name } : null;
}
