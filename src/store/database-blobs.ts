/**
 * Attachment bytes in the database (`blobs`, `blob_chunks`), so that every node of a cluster reads
 * what any node stored. Bytes are written and read one chunk at a time: a 10 MB file never sits
 * whole in memory, and no transaction stays open while a slow client uploads. The `blobs` row is
 * inserted after the last chunk, so an interrupted write is never read.
 */
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type { Database, Queryable } from '../db/database';
import { FileBlobStore, isFileBlobKey } from './attachment-files';
import { BlobMeter, blobPieces, type BlobSource, type BlobStore, type StoredBlob } from './blob-store';

/** Bytes per stored chunk (default: 256 KiB): small enough to stream, large enough to keep rows few. */
export const BLOB_CHUNK_BYTES = 256 * 1024;

/** Blobs in PostgreSQL (or PGlite); keys are `db:<uuid>`. */
export class DatabaseBlobStore implements BlobStore {
  /**
   * @param legacy where attachments stored before this store existed are read from (a node's
   *   folder; other nodes will not find them, as before).
   */
  constructor(
    private readonly db: Queryable,
    private readonly legacy?: BlobStore,
    private readonly chunkBytes = BLOB_CHUNK_BYTES,
  ) {}

  /** Stores bytes chunk by chunk; on failure (too large, a broken stream) removes what was written. */
  async put(data: BlobSource, opts: { maxBytes?: number } = {}): Promise<StoredBlob> {
    const key = `db:${randomUUID()}`;
    const meter = new BlobMeter(opts.maxBytes);
    let seq = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async (upTo: number) => {
      const all = Buffer.concat(pending);
      let offset = 0;
      while (all.length - offset >= upTo && all.length - offset > 0) {
        const chunk = all.subarray(offset, offset + this.chunkBytes);
        await this.db.query('INSERT INTO blob_chunks (blob_key, seq, data) VALUES ($1, $2, $3)', [key, seq++, chunk]);
        offset += chunk.length;
      }
      pending = offset < all.length ? [all.subarray(offset)] : [];
      pendingBytes = all.length - offset;
    };
    try {
      for await (const piece of blobPieces(data)) {
        meter.add(piece);
        pending.push(piece);
        pendingBytes += piece.length;
        if (pendingBytes >= this.chunkBytes) await flush(this.chunkBytes);
      }
      await flush(1);
      const sha256 = meter.digest();
      await this.db.query('INSERT INTO blobs (key, size, sha256, chunks) VALUES ($1, $2, $3, $4)', [key, meter.size, sha256, seq]);
      return { key, sha256, size: meter.size };
    } catch (err) {
      await this.db.query('DELETE FROM blob_chunks WHERE blob_key = $1', [key]).catch(() => undefined);
      throw err;
    }
  }

  /** Streams the bytes back, one chunk query at a time; null when missing or unfinished. */
  async open(key: string): Promise<Readable | null> {
    if (isFileBlobKey(key)) return this.legacy ? this.legacy.open(key) : null;
    const r = await this.db.query<{ chunks: number }>('SELECT chunks FROM blobs WHERE key = $1', [key]);
    const row = r.rows[0];
    if (!row) return null;
    const db = this.db;
    async function* chunks(): AsyncGenerator<Buffer> {
      for (let seq = 0; seq < row.chunks; seq++) {
        const c = await db.query<{ data: Uint8Array }>('SELECT data FROM blob_chunks WHERE blob_key = $1 AND seq = $2', [key, seq]);
        if (!c.rows[0]) throw new Error(`blob ${key} lacks chunk ${seq}`);
        const data = c.rows[0].data;
        yield Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
      }
    }
    return Readable.from(chunks(), { objectMode: false });
  }

  /** Removes the blob's row, then its chunks (a reader never sees a row without its chunks). */
  async delete(key: string): Promise<void> {
    if (isFileBlobKey(key)) return this.legacy?.delete(key);
    await this.db.query('DELETE FROM blobs WHERE key = $1', [key]);
    await this.db.query('DELETE FROM blob_chunks WHERE blob_key = $1', [key]);
  }

  /** All the bytes at once; null when missing. */
  async get(key: string): Promise<Buffer | null> {
    const stream = await this.open(key);
    return stream ? buffer(stream) : null;
  }
}

/** Which blob store: `database` (every node sees it) or `files` (a local folder: one node, or a shared mount). */
export type BlobStoreKind = 'database' | 'files';

/** The blob store a gateway uses (default: `database` on a PostgreSQL server, `files` on PGlite); the folder is also read for older attachments. */
export function createBlobStore(db: Database, kind: BlobStoreKind | undefined, folder: string): BlobStore {
  const files = new FileBlobStore(folder);
  const chosen = kind ?? (db.kind === 'postgres' ? 'database' : 'files');
  return chosen === 'database' ? new DatabaseBlobStore(db, files) : files;
}

/** Deletes the chunks of blobs never finished (a process died mid-write) once they are `olderThanMs` old (default: 1 hour); returns how many. */
export async function sweepUnfinishedBlobs(q: Queryable, olderThanMs = 3_600_000): Promise<number> {
  const r = await q.query(
    `DELETE FROM blob_chunks c WHERE c.created_at < now() - make_interval(secs => $1::float8 / 1000)
       AND NOT EXISTS (SELECT 1 FROM blobs b WHERE b.key = c.blob_key)`,
    [olderThanMs],
  );
  return r.rowCount;
}
