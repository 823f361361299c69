-- Cổng 1022: the core schema. Runs unchanged on PGlite and PostgreSQL.

CREATE TABLE agencies (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code text NOT NULL UNIQUE,
  name text NOT NULL,
  kind text NOT NULL DEFAULT 'department' CHECK (kind IN ('department', 'vertical', 'commune', 'other')),
  parent_code text,
  phone text,
  email text,
  fields text[] NOT NULL DEFAULT '{}',
  aliases text[] NOT NULL DEFAULT '{}',
  notes text,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE fields (
  code text PRIMARY KEY,
  name text NOT NULL,
  sort integer NOT NULL DEFAULT 0
);

CREATE TABLE users (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  username text NOT NULL UNIQUE,
  display_name text NOT NULL,
  password_hash text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'supervisor', 'operator', 'agency')),
  agency_id uuid REFERENCES agencies (id),
  totp_secret text,
  must_change_password boolean NOT NULL DEFAULT false,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (role <> 'agency' OR agency_id IS NOT NULL)
);

CREATE TABLE auth_tokens (
  token_hash text PRIMARY KEY,
  user_id uuid NOT NULL REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  revoked_at timestamptz
);
CREATE INDEX auth_tokens_user ON auth_tokens (user_id);

CREATE TABLE contacts (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  display_name text,
  phone text,
  email text,
  merged_into uuid REFERENCES contacts (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contacts_phone ON contacts (phone);

-- A contact's id on one channel; several identities may belong to one contact.
CREATE TABLE contact_identities (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  contact_id uuid NOT NULL REFERENCES contacts (id),
  channel text NOT NULL,
  external_id text NOT NULL,
  display_name text,
  followed boolean,
  last_interaction_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (channel, external_id)
);
CREATE INDEX contact_identities_contact ON contact_identities (contact_id);

CREATE TABLE conversations (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  contact_id uuid NOT NULL REFERENCES contacts (id),
  identity_id uuid NOT NULL REFERENCES contact_identities (id),
  channel text NOT NULL,
  external_user_id text NOT NULL,
  state text NOT NULL DEFAULT 'bot' CHECK (state IN ('bot', 'waiting', 'operator', 'closed')),
  assignee_id uuid REFERENCES users (id),
  subject text,
  bot_context jsonb NOT NULL DEFAULT '{}',
  last_inbound_at timestamptz,
  last_message_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now(),
  closed_at timestamptz
);
-- At most one open conversation per citizen and channel.
CREATE UNIQUE INDEX conversations_open ON conversations (channel, external_user_id) WHERE state <> 'closed';
CREATE INDEX conversations_state ON conversations (state, last_message_at DESC);
CREATE INDEX conversations_contact ON conversations (contact_id);

-- Raw inbound deliveries, stored before the provider gets its 2xx. The unique key drops replays.
CREATE TABLE inbound_events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  channel text NOT NULL,
  dedupe_key text NOT NULL,
  content_type text NOT NULL,
  body bytea NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now(),
  processed_at timestamptz,
  UNIQUE (channel, dedupe_key)
);

CREATE TABLE attachments (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  storage_key text NOT NULL,
  name text NOT NULL,
  mime_type text NOT NULL,
  size integer NOT NULL,
  sha256 text NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE tickets (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  code text NOT NULL UNIQUE,
  status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'assigned', 'in_progress', 'forwarded', 'answered', 'closed')),
  channel text NOT NULL,
  field text,
  agency_id uuid REFERENCES agencies (id),
  assignee_id uuid REFERENCES users (id),
  priority text NOT NULL DEFAULT 'normal' CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
  intent text,
  title text NOT NULL,
  content text NOT NULL DEFAULT '',
  resolution text,
  contact_id uuid REFERENCES contacts (id),
  conversation_id uuid REFERENCES conversations (id),
  created_by text NOT NULL CHECK (created_by IN ('bot', 'operator')),
  created_by_user_id uuid REFERENCES users (id),
  caller_name text,
  caller_phone text,
  due_at timestamptz,
  first_response_at timestamptz,
  answered_at timestamptz,
  closed_at timestamptz,
  csat smallint CHECK (csat BETWEEN 1 AND 5),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX tickets_created ON tickets (created_at DESC);
CREATE INDEX tickets_status ON tickets (status, created_at DESC);
CREATE INDEX tickets_agency ON tickets (agency_id, status);
CREATE INDEX tickets_field ON tickets (field, created_at DESC);
CREATE INDEX tickets_channel ON tickets (channel, created_at DESC);
CREATE INDEX tickets_assignee ON tickets (assignee_id, status);
CREATE INDEX tickets_conversation ON tickets (conversation_id);
CREATE INDEX tickets_contact ON tickets (contact_id);

-- Ticket codes 1022-YYYY-NNNNNN: one counter per year.
CREATE TABLE ticket_counters (
  year integer PRIMARY KEY,
  last integer NOT NULL
);

CREATE TABLE messages (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  conversation_id uuid NOT NULL REFERENCES conversations (id),
  channel text NOT NULL,
  direction text NOT NULL CHECK (direction IN ('in', 'out')),
  author_kind text NOT NULL CHECK (author_kind IN ('citizen', 'bot', 'operator', 'system')),
  author_user_id uuid REFERENCES users (id),
  author_name text,
  purpose text,
  text text NOT NULL DEFAULT '',
  html text,
  attachments jsonb NOT NULL DEFAULT '[]',
  quick_replies jsonb NOT NULL DEFAULT '[]',
  -- Inbound: the provider's message id (idempotency key). Outbound: the provider's id once sent.
  external_id text,
  ticket_id uuid REFERENCES tickets (id),
  status text NOT NULL CHECK (status IN ('received', 'queued', 'sending', 'sent', 'delivered', 'read', 'failed')),
  error text,
  attempts integer NOT NULL DEFAULT 0,
  parts_sent integer NOT NULL DEFAULT 0,
  meta jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  sent_at timestamptz,
  delivered_at timestamptz,
  read_at timestamptz
);
CREATE UNIQUE INDEX messages_external ON messages (channel, direction, external_id) WHERE external_id IS NOT NULL;
CREATE INDEX messages_conversation ON messages (conversation_id, created_at);
CREATE INDEX messages_status ON messages (status) WHERE status IN ('queued', 'sending', 'failed');

-- The processing log (nhật ký xử lý): append-only; a trigger refuses updates and deletes.
CREATE TABLE events (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  ticket_id uuid REFERENCES tickets (id),
  conversation_id uuid REFERENCES conversations (id),
  type text NOT NULL,
  actor_kind text NOT NULL CHECK (actor_kind IN ('citizen', 'bot', 'operator', 'system', 'agency', 'supervisor', 'admin')),
  actor_user_id uuid REFERENCES users (id),
  actor_name text,
  data jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX events_ticket ON events (ticket_id, id);
CREATE INDEX events_conversation ON events (conversation_id, id);
CREATE INDEX events_type ON events (type, created_at);

CREATE FUNCTION events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events are append-only';
END;
$$;
CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON events FOR EACH ROW EXECUTE FUNCTION events_append_only();

-- Durable jobs, claimed with FOR UPDATE SKIP LOCKED; one running job per ordering key at a time.
CREATE TABLE jobs (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  kind text NOT NULL,
  ordering_key text NOT NULL,
  payload jsonb NOT NULL DEFAULT '{}',
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'failed')),
  attempts integer NOT NULL DEFAULT 0,
  max_attempts integer NOT NULL DEFAULT 12,
  run_at timestamptz NOT NULL DEFAULT now(),
  locked_by text,
  locked_until timestamptz,
  last_error text,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_ready ON jobs (run_at, id) WHERE state = 'pending';
CREATE INDEX jobs_key ON jobs (ordering_key, id) WHERE state <> 'failed';

-- Small key-value store for adapters (tokens, IMAP positions) and settings.
CREATE TABLE kv_state (
  key text PRIMARY KEY,
  value jsonb NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The knowledge base (live copy; seeded from knowledge/ on first start).
CREATE TABLE kb_procedures (
  intent text PRIMARY KEY,
  field text NOT NULL,
  title text NOT NULL,
  data jsonb NOT NULL,
  version integer NOT NULL DEFAULT 1,
  updated_by uuid REFERENCES users (id),
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE kb_services (
  id text PRIMARY KEY,
  intent text NOT NULL,
  data jsonb NOT NULL,
  version integer NOT NULL DEFAULT 1,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Every saved version of a knowledge item (who, when, what) for diff and restore.
CREATE TABLE kb_versions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  item_kind text NOT NULL CHECK (item_kind IN ('procedure', 'service', 'training')),
  item_id text NOT NULL,
  version integer NOT NULL,
  data jsonb NOT NULL,
  user_id uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX kb_versions_item ON kb_versions (item_kind, item_id, version DESC);

-- Training phrases (seeded from the bot's nlu.yml; edited by admins).
CREATE TABLE training_examples (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  intent text NOT NULL,
  text text NOT NULL,
  source text NOT NULL DEFAULT 'seed',
  created_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (intent, text)
);
