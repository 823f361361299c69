-- Cổng 1022: live chat's pre-chat form consent and the operator-side "seen" marker (issue 13, item 7).
-- Runs unchanged on PGlite and PostgreSQL.

-- How far operators have read a conversation: the newest message an operator's console displayed.
-- Channel-neutral (one row per conversation); only live chat shows it to citizens ("Đã xem").
CREATE TABLE conversation_read_markers (
  conversation_id uuid PRIMARY KEY REFERENCES conversations (id),
  message_id uuid NOT NULL REFERENCES messages (id),
  -- The marked message's time: a marker only moves forward.
  message_at timestamptz NOT NULL,
  user_id uuid REFERENCES users (id),
  seen_at timestamptz NOT NULL DEFAULT now()
);

-- A citizen's consent to the processing of personal data (Nghị định 13/2023/NĐ-CP), one row each time
-- it is given: the exact text shown (and its hash, the version operators see) and what was declared.
CREATE TABLE contact_consents (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  contact_id uuid NOT NULL REFERENCES contacts (id),
  channel text NOT NULL,
  external_id text NOT NULL,
  purpose text NOT NULL DEFAULT 'prechat',
  consent_text text NOT NULL,
  text_hash text NOT NULL,
  name text,
  phone text,
  given_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_consents_identity ON contact_consents (channel, external_id, given_at DESC);
CREATE INDEX contact_consents_contact ON contact_consents (contact_id, given_at DESC);
