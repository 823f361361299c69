/** Operator-side read markers: how far operators have read each conversation (channel-neutral). */
import type { Queryable } from '../db/database';

/** Where operators' reading of a conversation stands. */
export interface ReadMarker {
  conversationId: string;
  /** The newest message an operator's console displayed. */
  messageId: string;
  messageAt: Date;
  userId: string | null;
  seenAt: Date;
  /** Provider id of the citizen's last message at or before the marker (what the citizen sees as "seen"), if any. */
  citizenExternalId: string | null;
}

/** The citizen's last message at or before the marker. */
const CITIZEN_UP_TO = `(SELECT m.external_id FROM messages m
  WHERE m.conversation_id = r.conversation_id AND m.direction = 'in' AND m.created_at <= r.message_at
  ORDER BY m.created_at DESC LIMIT 1)`;

interface MarkerRow {
  conversation_id: string;
  message_id: string;
  message_at: Date;
  user_id: string | null;
  seen_at: Date;
  citizen_external_id: string | null;
}

const toMarker = (r: MarkerRow): ReadMarker => ({
  conversationId: r.conversation_id,
  messageId: r.message_id,
  messageAt: r.message_at,
  userId: r.user_id,
  seenAt: r.seen_at,
  citizenExternalId: r.citizen_external_id,
});

/**
 * Moves the marker of a conversation to one of its messages, only forward (a console showing an older
 * page of the thread never takes it back). Returns the marker when it moved, null when it did not
 * (the message is not newer, or not of this conversation).
 */
export async function advanceReadMarker(
  q: Queryable,
  conversationId: string,
  messageId: string,
  userId: string | null,
): Promise<ReadMarker | null> {
  const r = await q.query<MarkerRow>(
    `WITH moved AS (
       INSERT INTO conversation_read_markers AS r (conversation_id, message_id, message_at, user_id, seen_at)
       SELECT m.conversation_id, m.id, m.created_at, $3, now() FROM messages m WHERE m.id = $2 AND m.conversation_id = $1
       ON CONFLICT (conversation_id) DO UPDATE
         SET message_id = EXCLUDED.message_id, message_at = EXCLUDED.message_at, user_id = EXCLUDED.user_id, seen_at = EXCLUDED.seen_at
         WHERE r.message_at < EXCLUDED.message_at
       RETURNING r.conversation_id, r.message_id, r.message_at, r.user_id, r.seen_at
     )
     SELECT r.*, ${CITIZEN_UP_TO} AS citizen_external_id FROM moved r`,
    [conversationId, messageId, userId],
  );
  return r.rows[0] ? toMarker(r.rows[0]) : null;
}

/** The marker of a conversation, if operators have read any of it. */
export async function getReadMarker(q: Queryable, conversationId: string): Promise<ReadMarker | null> {
  const r = await q.query<MarkerRow>(
    `SELECT r.*, ${CITIZEN_UP_TO} AS citizen_external_id FROM conversation_read_markers r WHERE r.conversation_id = $1`,
    [conversationId],
  );
  return r.rows[0] ? toMarker(r.rows[0]) : null;
}

/** The marker of a citizen's latest read conversation on a channel (what a reconnecting live-chat widget shows). */
export async function latestReadMarkerOf(q: Queryable, channel: string, externalUserId: string): Promise<ReadMarker | null> {
  const r = await q.query<MarkerRow>(
    `SELECT r.*, ${CITIZEN_UP_TO} AS citizen_external_id
     FROM conversation_read_markers r JOIN conversations c ON c.id = r.conversation_id
     WHERE c.channel = $1 AND c.external_user_id = $2
     ORDER BY r.message_at DESC LIMIT 1`,
    [channel, externalUserId],
  );
  return r.rows[0] ? toMarker(r.rows[0]) : null;
}
