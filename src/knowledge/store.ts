/**
 * The live knowledge base as editors change it: procedures and service answers with a version
 * number (optimistic locking), every saved version in `kb_versions`, training phrases, and the
 * review queue of messages the bot did not understand or that operators re-classified.
 */
import type { Queryable } from '../db/database';

/** Kinds of versioned knowledge items. */
export type KbKind = 'procedure' | 'service';

/** A procedure or service in a list. */
export interface KbListItem {
  id: string;
  intent: string;
  title: string;
  field: string | null;
  version: number;
  updatedAt: Date | null;
  updatedBy: string | null;
}

/** One item with its data and version. */
export interface KbItem {
  id: string;
  data: Record<string, unknown>;
  version: number;
  updatedAt: Date;
  updatedBy: string | null;
}

const TABLE: Record<KbKind, { table: string; key: string }> = {
  procedure: { table: 'kb_procedures', key: 'intent' },
  service: { table: 'kb_services', key: 'id' },
};

/** Procedures, by field then title. */
export async function listProcedures(q: Queryable): Promise<KbListItem[]> {
  const r = await q.query<{ intent: string; title: string; field: string; version: number; updated_at: Date; updated_by: string | null }>(
    `SELECT p.intent, p.title, p.field, p.version, p.updated_at, u.display_name AS updated_by
     FROM kb_procedures p LEFT JOIN users u ON u.id = p.updated_by ORDER BY p.field, p.title`,
  );
  return r.rows.map((x) => ({ id: x.intent, intent: x.intent, title: x.title, field: x.field, version: x.version, updatedAt: x.updated_at, updatedBy: x.updated_by }));
}

/** Service answers, by intent then id; the title is the first line of the text. */
export async function listServices(q: Queryable): Promise<KbListItem[]> {
  const r = await q.query<{ id: string; intent: string; data: { text?: string; field?: string | null }; version: number; updated_at: Date; updated_by: string | null }>(
    `SELECT s.id, s.intent, s.data, s.version, s.updated_at, u.display_name AS updated_by
     FROM kb_services s LEFT JOIN users u ON u.id = s.updated_by ORDER BY s.intent, s.id`,
  );
  return r.rows.map((x) => ({
    id: x.id,
    intent: x.intent,
    title: String(x.data.text ?? '').split('\n')[0].slice(0, 120),
    field: x.data.field ?? null,
    version: x.version,
    updatedAt: x.updated_at,
    updatedBy: x.updated_by,
  }));
}

/** One item (locked for update when `lock`). */
export async function getKbItem(q: Queryable, kind: KbKind, id: string, lock = false): Promise<KbItem | null> {
  const t = TABLE[kind];
  const r = await q.query<{ id: string; data: Record<string, unknown>; version: number; updated_at: Date; updated_by: string | null }>(
    `SELECT x.${t.key} AS id, x.data, x.version, x.updated_at, u.display_name AS updated_by
     FROM ${t.table} x LEFT JOIN users u ON u.id = x.updated_by WHERE x.${t.key} = $1${lock ? ' FOR UPDATE OF x' : ''}`,
    [id],
  );
  const row = r.rows[0];
  return row ? { id: row.id, data: row.data, version: row.version, updatedAt: row.updated_at, updatedBy: row.updated_by } : null;
}

/** Stores new data as `version`. */
export async function updateKbItem(q: Queryable, kind: KbKind, id: string, data: Record<string, unknown>, version: number, userId: string): Promise<void> {
  if (kind === 'procedure') {
    await q.query(
      `UPDATE kb_procedures SET data = $2::jsonb, title = $3, field = $4, version = $5, updated_by = $6, updated_at = now() WHERE intent = $1`,
      [id, JSON.stringify(data), data.title, data.field, version, userId],
    );
  } else {
    await q.query(`UPDATE kb_services SET data = $2::jsonb, intent = $3, version = $4, updated_by = $5, updated_at = now() WHERE id = $1`, [
      id,
      JSON.stringify(data),
      data.intent,
      version,
      userId,
    ]);
  }
}

/** Records a version of an item (who, when, what). */
export async function insertKbVersion(q: Queryable, kind: KbKind, id: string, version: number, data: Record<string, unknown>, userId: string | null): Promise<void> {
  await q.query(`INSERT INTO kb_versions (item_kind, item_id, version, data, user_id) VALUES ($1, $2, $3, $4::jsonb, $5)`, [kind, id, version, JSON.stringify(data), userId]);
}

/** Whether a version of an item is recorded. */
export async function hasKbVersion(q: Queryable, kind: KbKind, id: string, version: number): Promise<boolean> {
  const r = await q.query('SELECT 1 FROM kb_versions WHERE item_kind = $1 AND item_id = $2 AND version = $3', [kind, id, version]);
  return r.rows.length > 0;
}

/** A stored version. */
export interface KbVersion {
  version: number;
  data: Record<string, unknown>;
  user: string | null;
  createdAt: Date;
}

/** Every recorded version of an item, newest first (one row per version number: the latest record wins). */
export async function listKbVersions(q: Queryable, kind: KbKind, id: string): Promise<KbVersion[]> {
  const r = await q.query<{ version: number; data: Record<string, unknown>; user_name: string | null; created_at: Date }>(
    `SELECT DISTINCT ON (v.version) v.version, v.data, u.display_name AS user_name, v.created_at
     FROM kb_versions v LEFT JOIN users u ON u.id = v.user_id
     WHERE v.item_kind = $1 AND v.item_id = $2 ORDER BY v.version DESC, v.id DESC`,
    [kind, id],
  );
  return r.rows.map((x) => ({ version: x.version, data: x.data, user: x.user_name, createdAt: x.created_at }));
}

/** One version's data. */
export async function getKbVersion(q: Queryable, kind: KbKind, id: string, version: number): Promise<Record<string, unknown> | null> {
  const r = await q.query<{ data: Record<string, unknown> }>(
    'SELECT data FROM kb_versions WHERE item_kind = $1 AND item_id = $2 AND version = $3 ORDER BY id DESC LIMIT 1',
    [kind, id, version],
  );
  return r.rows[0]?.data ?? null;
}

/** Training phrase counts per intent. */
export async function trainingCounts(q: Queryable): Promise<{ intent: string; count: number }[]> {
  const r = await q.query<{ intent: string; count: number }>('SELECT intent, count(*)::int AS count FROM training_examples GROUP BY intent ORDER BY intent');
  return r.rows;
}

/** A training phrase. */
export interface TrainingExample {
  id: number;
  intent: string;
  text: string;
  source: string;
  createdAt: Date;
}

/** Phrases of one intent, newest first. */
export async function listExamples(q: Queryable, intent: string): Promise<TrainingExample[]> {
  const r = await q.query<{ id: number; intent: string; text: string; source: string; created_at: Date }>(
    'SELECT id, intent, text, source, created_at FROM training_examples WHERE intent = $1 ORDER BY id DESC',
    [intent],
  );
  return r.rows.map((x) => ({ id: Number(x.id), intent: x.intent, text: x.text, source: x.source, createdAt: x.created_at }));
}

/** Adds a phrase; null when the intent already has it. */
export async function insertExample(q: Queryable, intent: string, text: string, source: string, userId: string): Promise<TrainingExample | null> {
  const r = await q.query<{ id: number; created_at: Date }>(
    `INSERT INTO training_examples (intent, text, source, created_by) VALUES ($1, $2, $3, $4) ON CONFLICT (intent, text) DO NOTHING RETURNING id, created_at`,
    [intent, text, source, userId],
  );
  return r.rows[0] ? { id: Number(r.rows[0].id), intent, text, source, createdAt: r.rows[0].created_at } : null;
}

/** Deletes a phrase; returns it (null when unknown). */
export async function deleteExample(q: Queryable, id: number): Promise<{ intent: string; text: string } | null> {
  const r = await q.query<{ intent: string; text: string }>('DELETE FROM training_examples WHERE id = $1 RETURNING intent, text', [id]);
  return r.rows[0] ?? null;
}

/** Intents that have phrases. */
export async function trainedIntents(q: Queryable): Promise<Set<string>> {
  const r = await q.query<{ intent: string }>('SELECT DISTINCT intent FROM training_examples');
  return new Set(r.rows.map((x) => x.intent));
}

/** A review-queue item. */
export interface ReviewItem {
  messageId: string;
  text: string;
  nluIntent: string;
  confidence: number;
  correctedIntent: string | null;
  reason: 'fallback' | 'reclassified';
  createdAt: Date;
  ticketCode: string | null;
}

/**
 * Citizen messages the bot sent to `nlu_fallback`, and first messages of tickets whose field an
 * operator changed — newest first, without those already trained or dismissed. The two WHERE
 * clauses match the partial indexes `events_fallback` and `events_reclassified` of 002.
 */
export async function reviewQueue(q: Queryable, limit = 200): Promise<ReviewItem[]> {
  const r = await q.query<{
    message_id: string; text: string; nlu_intent: string | null; confidence: number | null; corrected: string | null; reason: string; created_at: Date; code: string | null;
  }>(
    `SELECT * FROM (
       SELECT DISTINCT ON (x.message_id) x.* FROM (
         SELECT m.id AS message_id, m.text, COALESCE(e.data->>'nluIntent', m.meta->'intent'->>'name') AS nlu_intent,
                COALESCE((m.meta->'intent'->>'confidence')::float8, (e.data->>'confidence')::float8) AS confidence,
                NULL::text AS corrected, 'fallback' AS reason, m.created_at, t.code
         FROM (SELECT * FROM events WHERE type = 'bot_decision' AND data->>'intent' = 'nlu_fallback' ORDER BY created_at DESC LIMIT $1::int * 4) e
         JOIN messages m ON m.id = (e.data->>'messageId')::uuid
         LEFT JOIN tickets t ON t.id = COALESCE(m.ticket_id, e.ticket_id)
         WHERE m.text <> ''
         UNION ALL
         SELECT m.id, m.text, m.meta->'intent'->>'name', (m.meta->'intent'->>'confidence')::float8,
                e.data->'changes'->>'intent', 'reclassified', m.created_at, t.code
         FROM (SELECT * FROM events WHERE type IN ('updated', 'forwarded', 'reclassified') AND data->'changes' ? 'field' ORDER BY created_at DESC LIMIT $1::int * 4) e
         JOIN tickets t ON t.id = e.ticket_id
         JOIN LATERAL (SELECT * FROM messages mm WHERE mm.conversation_id = t.conversation_id AND mm.direction = 'in' AND mm.text <> '' ORDER BY mm.created_at LIMIT 1) m ON true
       ) x
       WHERE NOT EXISTS (SELECT 1 FROM review_resolutions rr WHERE rr.message_id = x.message_id)
       ORDER BY x.message_id, x.reason DESC
     ) y ORDER BY y.created_at DESC LIMIT $1::int`,
    [limit],
  );
  return r.rows.map((x) => ({
    messageId: x.message_id,
    text: x.text,
    nluIntent: x.nlu_intent ?? 'nlu_fallback',
    confidence: x.confidence ?? 0,
    correctedIntent: x.corrected,
    reason: x.reason as ReviewItem['reason'],
    createdAt: x.created_at,
    ticketCode: x.code,
  }));
}

/** Marks a review item as dealt with (false when it already was). */
export async function resolveReview(q: Queryable, messageId: string, resolution: 'trained' | 'dismissed', intent: string | null, userId: string): Promise<boolean> {
  const r = await q.query(
    'INSERT INTO review_resolutions (message_id, resolution, intent, user_id) VALUES ($1, $2, $3, $4) ON CONFLICT (message_id) DO NOTHING',
    [messageId, resolution, intent, userId],
  );
  return r.rowCount > 0;
}
