/**
 * Trained intent models kept in the database (`nlu_models`), compressed: the node that trains
 * stores its model, every other node (and any later start) loads it instead of training.
 * Only the latest `KEEP_MODELS` are kept. The bytes cross the connection as base64 text, decoded
 * by the database: PGlite takes seconds to pass a few megabytes as a bytea parameter, and a
 * fraction of a second as text.
 */
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import type { Queryable } from '../db/database';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** Stored models kept (default: 5): enough for a rolling restart's two code versions and a few quick edits. */
export const KEEP_MODELS = 5;

/** A stored model, its bytes uncompressed. */
export interface StoredNluModel {
  id: string;
  /** Hash of the training data it was trained on. */
  fingerprint: string;
  /** The engine format that can load it (`NluEngine.modelFormat`). */
  formatVersion: string;
  bytes: Buffer;
  createdAt: Date;
}

interface Row {
  id: number | string;
  fingerprint: string;
  format_version: string;
  /** Base64 of the compressed bytes. */
  bytes: string;
  created_at: Date;
}

const COLUMNS = `id, fingerprint, format_version, encode(bytes, 'base64') AS bytes, created_at`;

async function fromRow(row: Row | undefined): Promise<StoredNluModel | null> {
  if (!row) return null;
  return {
    id: String(row.id),
    fingerprint: row.fingerprint,
    formatVersion: row.format_version,
    // Decompressed on libuv's thread pool: parses go on meanwhile.
    bytes: await gunzipAsync(Buffer.from(row.bytes, 'base64')),
    createdAt: row.created_at,
  };
}

/** Stores a model (compressed) and drops all but the latest `KEEP_MODELS`; returns its id. */
export async function insertNluModel(
  q: Queryable,
  model: { fingerprint: string; formatVersion: string; bytes: Uint8Array },
): Promise<string> {
  const packed = await gzipAsync(model.bytes, { level: 1 });
  const r = await q.query<{ id: number | string }>(
    `INSERT INTO nlu_models (fingerprint, format_version, bytes) VALUES ($1, $2, decode($3, 'base64')) RETURNING id`,
    [model.fingerprint, model.formatVersion, packed.toString('base64')],
  );
  await q.query('DELETE FROM nlu_models WHERE id NOT IN (SELECT id FROM nlu_models ORDER BY id DESC LIMIT $1)', [KEEP_MODELS]);
  return String(r.rows[0].id);
}

/** The model with this id (null: unknown or already dropped). */
export async function findNluModel(q: Queryable, id: string): Promise<StoredNluModel | null> {
  if (!/^\d{1,18}$/.test(id)) return null;
  const r = await q.query<Row>(`SELECT ${COLUMNS} FROM nlu_models WHERE id = $1`, [id]);
  return fromRow(r.rows[0]);
}

/** The fingerprint of the model with this id, without its bytes (null: unknown or already dropped). */
export async function nluModelFingerprint(q: Queryable, id: string): Promise<string | null> {
  if (!/^\d{1,18}$/.test(id)) return null;
  const r = await q.query<{ fingerprint: string }>('SELECT fingerprint FROM nlu_models WHERE id = $1', [id]);
  return r.rows[0]?.fingerprint ?? null;
}

/** The latest model trained on `fingerprint`'s data in `formatVersion`, or the one with id `preferred` when it is one of them (null: none). */
export async function latestNluModel(
  q: Queryable,
  fingerprint: string,
  formatVersion: string,
  preferred?: string | null,
): Promise<StoredNluModel | null> {
  const r = await q.query<Row>(
    `SELECT ${COLUMNS} FROM nlu_models WHERE fingerprint = $1 AND format_version = $2
     ORDER BY id::text = $3 DESC, id DESC LIMIT 1`,
    [fingerprint, formatVersion, preferred ?? ''],
  );
  return fromRow(r.rows[0]);
}
