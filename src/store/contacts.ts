/** Contacts (citizens) and their per-channel identities. */
import type { ContactHints } from '../channels/kit/contract';
import type { Queryable } from '../db/database';

/** A resolved identity. */
export interface IdentityRef {
  contactId: string;
  identityId: string;
  displayName: string | null;
  isNew: boolean;
}

/** Finds or creates the identity (and its contact) of a citizen on a channel, refreshing hints and the last interaction. */
export async function resolveIdentity(
  q: Queryable,
  channel: string,
  externalId: string,
  hints: ContactHints | undefined,
  interactedAt: Date | null,
): Promise<IdentityRef> {
  const found = await q.query<{ id: string; contact_id: string; display_name: string | null }>(
    `UPDATE contact_identities SET
       last_interaction_at = GREATEST(last_interaction_at, $3::timestamptz),
       display_name = COALESCE($4, display_name)
     WHERE channel = $1 AND external_id = $2
     RETURNING id, contact_id, display_name`,
    [channel, externalId, interactedAt?.toISOString() ?? null, hints?.displayName ?? null],
  );
  if (found.rows[0]) {
    const row = found.rows[0];
    if (hints?.phone || hints?.email) {
      await q.query(`UPDATE contacts SET phone = COALESCE(phone, $2), email = COALESCE(email, $3), updated_at = now() WHERE id = $1`, [
        row.contact_id,
        hints.phone ?? null,
        hints.email ?? null,
      ]);
    }
    return { contactId: row.contact_id, identityId: row.id, displayName: row.display_name, isNew: false };
  }
  const contact = await q.query<{ id: string }>(`INSERT INTO contacts (display_name, phone, email) VALUES ($1, $2, $3) RETURNING id`, [
    hints?.displayName ?? null,
    hints?.phone ?? null,
    hints?.email ?? (channel === 'email' ? externalId : null),
  ]);
  const identity = await q.query<{ id: string }>(
    `INSERT INTO contact_identities (contact_id, channel, external_id, display_name, last_interaction_at)
     VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [contact.rows[0].id, channel, externalId, hints?.displayName ?? null, interactedAt?.toISOString() ?? null],
  );
  return { contactId: contact.rows[0].id, identityId: identity.rows[0].id, displayName: hints?.displayName ?? null, isNew: true };
}

/** Sets whether the citizen follows the account (Zalo follow/unfollow). */
export async function setFollowed(q: Queryable, channel: string, externalId: string, followed: boolean): Promise<void> {
  await q.query(`UPDATE contact_identities SET followed = $3 WHERE channel = $1 AND external_id = $2`, [channel, externalId, followed]);
}
