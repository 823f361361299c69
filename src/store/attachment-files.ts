/**
 * Attachment bytes in a local folder (the default on PGlite, one process), and the types and
 * sizes of attachments we accept. Content-addressed: storing the same bytes twice keeps one file.
 */
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readFile, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { BlobMeter, blobPieces, type BlobSource, type BlobStore, type StoredBlob } from './blob-store';

const FILE_KEY = /^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/;

/** True for a key of `FileBlobStore` (attachments stored before the database store existed). */
export function isFileBlobKey(key: string): boolean {
  return FILE_KEY.test(key);
}

/** Blobs in a local folder (default: `<DATA_DIR>/attachments`). */
export class FileBlobStore implements BlobStore {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** Streams bytes to a temporary file, then renames it to their SHA-256: a half-written file is never visible. */
  async put(data: BlobSource, opts: { maxBytes?: number } = {}): Promise<StoredBlob> {
    await mkdir(this.root, { recursive: true });
    const tmp = join(this.root, `.${randomUUID()}.tmp`);
    const meter = new BlobMeter(opts.maxBytes);
    const file = await open(tmp, 'w');
    try {
      for await (const piece of blobPieces(data)) {
        meter.add(piece);
        await file.write(piece);
      }
      await file.close();
      const sha256 = meter.digest();
      const key = `${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
      await mkdir(dirname(join(this.root, key)), { recursive: true });
      await rename(tmp, join(this.root, key));
      return { key, sha256, size: meter.size };
    } catch (err) {
      await file.close().catch(() => undefined);
      await rm(tmp, { force: true });
      throw err;
    }
  }

  /** Streams bytes back; null when missing. */
  async open(key: string): Promise<Readable | null> {
    if (!isFileBlobKey(key)) return null;
    const path = join(this.root, key);
    const exists = await stat(path).then(
      (s) => s.isFile(),
      () => false,
    );
    return exists ? createReadStream(path) : null;
  }

  /** Removes the file; content-addressed, so the caller makes sure no other attachment has the same bytes. */
  async delete(key: string): Promise<void> {
    if (isFileBlobKey(key)) await rm(join(this.root, key), { force: true });
  }

  /** Reads bytes back; null when missing. */
  async get(key: string): Promise<Buffer | null> {
    if (!isFileBlobKey(key)) return null;
    try {
      return await readFile(join(this.root, key));
    } catch {
      return null;
    }
  }
}

/** Types we accept from citizens and operators. */
export const ALLOWED_ATTACHMENT_TYPES = [
  /^image\/(png|jpe?g|gif|webp|heic|heif)$/,
  /^application\/pdf$/,
  /^audio\/(mpeg|mp4|aac|ogg|wav|x-m4a|amr)$/,
  /^video\/(mp4|quicktime|3gpp|webm)$/,
  /^application\/(msword|vnd\.openxmlformats-officedocument\.(wordprocessingml\.document|spreadsheetml\.sheet)|vnd\.ms-excel)$/,
  /^text\/plain$/,
];

/** Why an attachment is refused, or null when it is acceptable. */
export function attachmentProblem(mimeType: string, size: number, maxBytes: number): string | null {
  if (size > maxBytes) return `tệp quá lớn (${Math.ceil(size / 1024)} KB, tối đa ${Math.floor(maxBytes / 1024)} KB)`;
  if (!ALLOWED_ATTACHMENT_TYPES.some((re) => re.test(mimeType.toLowerCase()))) return `loại tệp không được hỗ trợ (${mimeType})`;
  return null;
}
