/**
 * The blob stores behind attachments: the database store (chunked, streamed, on PGlite and
 * PostgreSQL) and the folder store, through one interface; attachments saved from streams.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import type { Database } from '../../src/db/database';
import { FileBlobStore } from '../../src/store/attachment-files';
import { AttachmentRefusedError, openAttachment, readAttachment, saveAttachmentBytes } from '../../src/store/attachments';
import { BlobTooLargeError, type BlobStore } from '../../src/store/blob-store';
import { createBlobStore, DatabaseBlobStore, sweepUnfinishedBlobs } from '../../src/store/database-blobs';
import { databaseKinds, migratedDatabase } from '../support/databases';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** A stream of `total` random bytes in uneven pieces, with the bytes it sent. */
function pieces(total: number): { stream: Readable; sent: Buffer } {
  const parts: Buffer[] = [];
  for (let n = 0; n < total;) {
    const size = Math.min(total - n, 1 + Math.floor(Math.random() * 70_000));
    parts.push(randomBytes(size));
    n += size;
  }
  return { stream: Readable.from(parts), sent: Buffer.concat(parts) };
}

describe.each(databaseKinds())('blob stores on %s', (kind) => {
  let db: Database;
  let dir: string;
  beforeAll(async () => {
    db = await migratedDatabase(kind);
    dir = mkdtempSync(join(tmpdir(), 'cong1022-blobs-'));
  });
  afterAll(async () => {
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const stores: Array<[string, () => BlobStore]> = [
    ['database (small chunks)', () => new DatabaseBlobStore(db, undefined, 64 * 1024)],
    ['files', () => new FileBlobStore(dir)],
  ];

  test.each(stores)('%s: a stream in, the same bytes out (stream and buffer), digest and size right', async (_name, make) => {
    const store = make();
    const { stream, sent } = pieces(700_000);
    const stored = await store.put(stream);
    expect(stored).toMatchObject({ size: sent.length, sha256: sha(sent) });
    const back = await store.open(stored.key);
    expect(back).not.toBeNull();
    expect((await buffer(back!)).equals(sent)).toBe(true);
    expect((await store.get(stored.key))!.equals(sent)).toBe(true);
    expect(await store.open('db:00000000-0000-0000-0000-000000000000')).toBeNull();
    expect(await store.get('../../etc/passwd')).toBeNull();
  });

  test.each(stores)('%s: an empty blob and a buffer of exactly one chunk', async (_name, make) => {
    const store = make();
    const empty = await store.put(Buffer.alloc(0));
    expect((await store.get(empty.key))!.length).toBe(0);
    const one = randomBytes(64 * 1024);
    expect((await store.get((await store.put(one)).key))!.equals(one)).toBe(true);
  });

  test.each(stores)('%s: delete removes the bytes (and only those); deleting again or a missing key is fine', async (_name, make) => {
    const store = make();
    const gone = await store.put(pieces(300_000).stream);
    const kept = await store.put(randomBytes(1000));
    await store.delete(gone.key);
    expect(await store.open(gone.key)).toBeNull();
    expect(await store.get(gone.key)).toBeNull();
    expect(await store.get(kept.key)).not.toBeNull();
    await store.delete(gone.key);
    await store.delete('../../etc/passwd');
    if (gone.key.startsWith('db:')) expect((await db.query('SELECT 1 FROM blob_chunks WHERE blob_key = $1', [gone.key])).rows).toEqual([]);
  });

  test.each(stores)('%s: past maxBytes the write stops and nothing is kept', async (_name, make) => {
    const store = make();
    const chunks = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM blob_chunks')).rows[0].n;
    const before = await chunks();
    await expect(store.put(pieces(300_000).stream, { maxBytes: 200_000 })).rejects.toBeInstanceOf(BlobTooLargeError);
    expect(await chunks()).toBe(before);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  test('an unfinished database blob (chunks without their row) is not read, and is swept once old', async () => {
    await db.query(`INSERT INTO blob_chunks (blob_key, seq, data) VALUES ('db:half', 0, '\\x0102'::bytea)`);
    const store = new DatabaseBlobStore(db);
    expect(await store.open('db:half')).toBeNull();
    const kept = await store.put(randomBytes(100));
    expect(await sweepUnfinishedBlobs(db)).toBe(0); // not old enough yet
    await db.query(`UPDATE blob_chunks SET created_at = now() - interval '2 hours'`);
    expect(await sweepUnfinishedBlobs(db)).toBe(1);
    expect((await store.get(kept.key))!.length).toBe(100);
  });

  test('the database store reads attachments stored in the folder before it existed', async () => {
    const files = new FileBlobStore(dir);
    const old = randomBytes(1000);
    const { key } = await files.put(old);
    const store = createBlobStore({ ...db, kind: 'postgres' } as Database, undefined, dir);
    expect(store).toBeInstanceOf(DatabaseBlobStore);
    expect((await store.get(key))!.equals(old)).toBe(true);
    expect(createBlobStore(db, 'files', dir)).toBeInstanceOf(FileBlobStore);
  });

  test('saveAttachmentBytes: a stream saved as an attachment, opened as a stream; refusals keep nothing', async () => {
    const store = new DatabaseBlobStore(db);
    const { stream, sent } = pieces(500_000);
    const saved = await saveAttachmentBytes(db, store, {
      data: stream,
      name: 'ảnh giấy tờ.jpg',
      mimeType: 'image/JPEG',
      maxBytes: 1_000_000,
    });
    expect(saved).toMatchObject({ mimeType: 'image/jpeg', size: sent.length, sha256: sha(sent) });
    const opened = await openAttachment(db, store, saved.id);
    expect(opened).toMatchObject({ mimeType: 'image/jpeg', name: 'ảnh giấy tờ.jpg', size: sent.length });
    expect((await buffer(opened!.stream)).equals(sent)).toBe(true);
    expect((await readAttachment(db, store, saved.id))!.data.equals(sent)).toBe(true);

    const rows = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM attachments')).rows[0].n;
    const n = await rows();
    await expect(
      saveAttachmentBytes(db, store, { data: pieces(300_000).stream, name: 'to.pdf', mimeType: 'application/pdf', maxBytes: 100_000 }),
    ).rejects.toMatchObject({ kind: 'too_large' });
    await expect(
      saveAttachmentBytes(db, store, { data: Buffer.from('x'), name: 'a.exe', mimeType: 'application/x-msdownload', maxBytes: 100 }),
    ).rejects.toBeInstanceOf(AttachmentRefusedError);
    expect(await rows()).toBe(n);
  });
});
