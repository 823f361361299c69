/**
 * Where attachment bytes live, behind one interface every node of a cluster can share:
 * `DatabaseBlobStore` (chunks in PostgreSQL, the default on a server) or `FileBlobStore` (a local
 * folder, the default on PGlite). Bytes go in and out as streams, never whole in memory.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';

/** Bytes to store: a buffer, or a stream of buffers (an HTTP request, a download). */
export type BlobSource = Buffer | AsyncIterable<Buffer | Uint8Array | string>;

/** A stored blob: its key in the store, digest and length. */
export interface StoredBlob {
  key: string;
  sha256: string;
  size: number;
}

/** Where attachment bytes live. */
export interface BlobStore {
  /** Stores bytes; throws `BlobTooLargeError` (and keeps nothing) past `maxBytes`. */
  put(data: BlobSource, opts?: { maxBytes?: number }): Promise<StoredBlob>;
  /** Streams the bytes back; null when missing. */
  open(key: string): Promise<Readable | null>;
  /** All the bytes at once (a provider upload that needs a buffer); null when missing. */
  get(key: string): Promise<Buffer | null>;
  /** Removes the bytes (a purge by retention policy); a missing key is not an error. */
  delete(key: string): Promise<void>;
}

/** A blob went past the size limit while it was stored. */
export class BlobTooLargeError extends Error {
  constructor(readonly maxBytes: number) {
    super(`blob larger than ${maxBytes} bytes`);
    this.name = 'BlobTooLargeError';
  }
}

/** Counts and hashes bytes as they pass, and stops past a limit. */
export class BlobMeter {
  private readonly hash = createHash('sha256');
  /** Bytes seen so far. */
  size = 0;

  constructor(private readonly maxBytes = Infinity) {}

  /** Takes a piece; throws `BlobTooLargeError` once the total is past the limit. */
  add(piece: Buffer): void {
    this.size += piece.length;
    if (this.size > this.maxBytes) throw new BlobTooLargeError(this.maxBytes);
    this.hash.update(piece);
  }

  /** The hex SHA-256 of everything added. */
  digest(): string {
    return this.hash.digest('hex');
  }
}

/** The pieces of a source as buffers. */
export async function* blobPieces(data: BlobSource): AsyncGenerator<Buffer> {
  if (Buffer.isBuffer(data)) {
    yield data;
    return;
  }
  for await (const piece of data)
    yield typeof piece === 'string' ? Buffer.from(piece) : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
}
