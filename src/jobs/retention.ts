/**
 * Retention: a periodic purge of what is kept only for a while. Raw inbound webhook bodies (already
 * processed) are emptied after RETENTION_RAW_DAYS — the row, its key and time stay, so replays are
 * still recognised; failed jobs (dead letters, failed deliveries) are deleted after
 * RETENTION_JOBS_DAYS; the bytes of attachments of closed conversations after
 * RETENTION_ATTACHMENT_DAYS (the row stays, stamped `purged_at`, and the processing log says so); login-throttle keys and rate-limit windows after a day and an hour. 0 days
 * keeps for ever. Every node may run it: each statement is idempotent and works in small batches.
 */
import { purgeLoginThrottle } from '../auth/throttle';
import type { Queryable } from '../db/database';
import { purgeRateCounters } from '../http/rate-limit';
import type { BlobStore } from '../store/blob-store';
import { logEvent, SYSTEM } from '../store/events';

/** How long things are kept, days (0: for ever). */
export interface RetentionPolicy {
  rawDays: number;
  jobsDays: number;
  /** Attachments of closed conversations (default: 0, kept for ever); needs the blob store. */
  attachmentDays?: number;
}

/** What one run removed. */
export interface RetentionResult {
  rawBodies: number;
  failedJobs: number;
  throttleKeys: number;
  rateWindows: number;
  attachments: number;
}

/** Rows touched per statement, so a first run on a large database does not hold long locks. */
const BATCH = 1000;

async function inBatches(run: () => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await run();
    total += n;
    if (n < BATCH) return total;
  }
}

/** Runs the purge once. */
export async function purgeExpired(q: Queryable, policy: RetentionPolicy, blobs?: BlobStore): Promise<RetentionResult> {
  // One statement touching at most BATCH rows older than `days`, repeated until it touches fewer.
  const olderThan = (days: number, sql: string) => (days > 0 ? inBatches(async () => (await q.query(sql, [days])).rowCount) : 0);
  const rawBodies = await olderThan(
    policy.rawDays,
    `UPDATE inbound_events SET body = ''::bytea, body_purged_at = now()
      WHERE id IN (SELECT id FROM inbound_events
                    WHERE body_purged_at IS NULL AND processed_at IS NOT NULL
                      AND received_at < now() - make_interval(days => $1) LIMIT ${BATCH})`,
  );
  const failedJobs = await olderThan(
    policy.jobsDays,
    `DELETE FROM jobs WHERE id IN (SELECT id FROM jobs WHERE state = 'failed'
        AND created_at < now() - make_interval(days => $1) LIMIT ${BATCH})`,
  );
  const attachments = policy.attachmentDays && blobs ? await inBatches(() => purgeAttachmentBatch(q, blobs, policy.attachmentDays!)) : 0;
  return { rawBodies, failedJobs, throttleKeys: await purgeLoginThrottle(q), rateWindows: await purgeRateCounters(q), attachments };
}

/**
 * Purges one batch of attachments older than `days` in messages of closed conversations: stamps
 * them purged (downloads answer 410 from then on), deletes their bytes unless another live
 * attachment has the same ones (the file store keeps equal bytes once), and logs it per conversation.
 */
async function purgeAttachmentBatch(q: Queryable, blobs: BlobStore, days: number): Promise<number> {
  const r = await q.query<{ id: string; storage_key: string; conversation_id: string }>(
    `WITH due AS (
       SELECT DISTINCT ON (a.id) a.id, m.conversation_id
         FROM conversations c
         JOIN messages m ON m.conversation_id = c.id AND m.attachments <> '[]'::jsonb
         CROSS JOIN LATERAL jsonb_array_elements(m.attachments) e
         JOIN attachments a ON a.id::text = e->>'attachmentId'
        WHERE c.state = 'closed' AND a.purged_at IS NULL AND a.created_at < now() - make_interval(days => $1)
        LIMIT ${BATCH})
     UPDATE attachments a SET purged_at = now() FROM due WHERE a.id = due.id
     RETURNING a.id::text AS id, a.storage_key, due.conversation_id::text AS conversation_id`,
    [days],
  );
  const keys = [...new Set(r.rows.map((row) => row.storage_key))];
  if (keys.length) {
    const shared = await q.query<{ storage_key: string }>(
      'SELECT DISTINCT storage_key FROM attachments WHERE storage_key = ANY($1::text[]) AND purged_at IS NULL',
      [keys],
    );
    const kept = new Set(shared.rows.map((row) => row.storage_key));
    for (const key of keys) if (!kept.has(key)) await blobs.delete(key);
  }
  const byConversation = new Map<string, string[]>();
  for (const row of r.rows) byConversation.set(row.conversation_id, [...(byConversation.get(row.conversation_id) ?? []), row.id]);
  for (const [conversationId, ids] of byConversation)
    await logEvent(q, { type: 'attachments_purged', actor: SYSTEM, conversationId, data: { attachmentIds: ids, days } });
  return r.rowCount;
}
