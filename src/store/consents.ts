/** Citizens' consents to the processing of their personal data (pre-chat form, Nghị định 13/2023/NĐ-CP). */
import type { Queryable } from '../db/database';

/** One recorded consent. */
export interface Consent {
  id: string;
  contactId: string;
  channel: string;
  externalId: string;
  purpose: string;
  /** The exact text the citizen agreed to. */
  text: string;
  /** SHA-256 of the text (hex): the version operators compare. */
  textHash: string;
  name: string | null;
  phone: string | null;
  givenAt: Date;
}

interface ConsentRow {
  id: string;
  contact_id: string;
  channel: string;
  external_id: string;
  purpose: string;
  consent_text: string;
  text_hash: string;
  name: string | null;
  phone: string | null;
  given_at: Date;
}

const toConsent = (r: ConsentRow): Consent => ({
  id: r.id,
  contactId: r.contact_id,
  channel: r.channel,
  externalId: r.external_id,
  purpose: r.purpose,
  text: r.consent_text,
  textHash: r.text_hash,
  name: r.name,
  phone: r.phone,
  givenAt: r.given_at,
});

/** Records a consent. */
export async function insertConsent(q: Queryable, c: Omit<Consent, 'id' | 'givenAt'>): Promise<Consent> {
  const r = await q.query<ConsentRow>(
    `INSERT INTO contact_consents (contact_id, channel, external_id, purpose, consent_text, text_hash, name, phone)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
    [c.contactId, c.channel, c.externalId, c.purpose, c.text, c.textHash, c.name, c.phone],
  );
  return toConsent(r.rows[0]);
}

/** Whether the citizen of this channel identity has given a consent for `purpose` (any version). */
export async function hasConsent(q: Queryable, channel: string, externalId: string, purpose: string): Promise<boolean> {
  const r = await q.query(`SELECT 1 FROM contact_consents WHERE channel = $1 AND external_id = $2 AND purpose = $3 LIMIT 1`, [
    channel,
    externalId,
    purpose,
  ]);
  return r.rows.length > 0;
}

/** A contact's consents, newest first (those of contacts merged into it included). */
export async function listConsents(q: Queryable, contactId: string): Promise<Consent[]> {
  const r = await q.query<ConsentRow>(
    `SELECT * FROM contact_consents
     WHERE contact_id = $1 OR contact_id IN (SELECT id FROM contacts WHERE merged_into = $1)
     ORDER BY given_at DESC LIMIT 50`,
    [contactId],
  );
  return r.rows.map(toConsent);
}
