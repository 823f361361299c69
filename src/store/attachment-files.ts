/**
 * Attachment bytes behind a small interface, so an S3-compatible store can replace the
 * local folder. Content-addressed: storing the same bytes twice keeps one file.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

/** Where attachment bytes live. */
export interface BlobStore {
  put(data: Buffer): Promise<{ key: string; sha256: string }>;
  get(key: string): Promise<Buffer | null>;
}

/** Blobs in a local folder (default: `<DATA_DIR>/attachments`). */
export class FileBlobStore implements BlobStore {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** Stores bytes under their SHA-256; an atomic rename makes a half-written file impossible. */
  async put(data: Buffer): Promise<{ key: string; sha256: string }> {
    const sha256 = createHash('sha256').update(data).digest('hex');
    const key = `${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
    const file = join(this.root, key);
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, data);
    await rename(tmp, file);
    return { key, sha256 };
  }

  /** Reads bytes back; null when missing. */
  async get(key: string): Promise<Buffer | null> {
    if (!/^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(key)) return null;
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
