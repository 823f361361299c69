-- Cổng 1022: tables and indexes of the web console (inbox, agency answers, knowledge editor, review queue, dashboard).
-- Runs unchanged on PGlite and PostgreSQL.

-- Ready-made operator answers, inserted with a shortcut ("/chao").
CREATE TABLE canned_replies (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  shortcut text NOT NULL UNIQUE,
  title text NOT NULL,
  text text NOT NULL,
  created_by uuid REFERENCES users (id),
  updated_by uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- An agency's answer waiting for a supervisor's approval (setting agencyReplyMode = approval).
CREATE TABLE agency_proposals (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  ticket_id uuid NOT NULL REFERENCES tickets (id),
  author_id uuid NOT NULL REFERENCES users (id),
  text text NOT NULL,
  final boolean NOT NULL DEFAULT false,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
  reviewer_id uuid REFERENCES users (id),
  reviewed_at timestamptz,
  reason text,
  sent_text text,
  message_id uuid REFERENCES messages (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX agency_proposals_pending ON agency_proposals (created_at) WHERE status = 'pending';
CREATE INDEX agency_proposals_ticket ON agency_proposals (ticket_id);

-- Review-queue items an editor has dealt with (trained as a phrase or dismissed).
CREATE TABLE review_resolutions (
  message_id uuid PRIMARY KEY REFERENCES messages (id),
  resolution text NOT NULL CHECK (resolution IN ('trained', 'dismissed')),
  intent text,
  user_id uuid REFERENCES users (id),
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Two-factor login: a secret being set up, confirmed into users.totp_secret by a first valid code.
ALTER TABLE users ADD COLUMN totp_pending text;

ALTER TABLE kb_services ADD COLUMN updated_by uuid REFERENCES users (id);
ALTER TABLE attachments ADD COLUMN uploaded_by uuid REFERENCES users (id);
-- A phone call's recording, uploaded through POST /api/attachments.
ALTER TABLE tickets ADD COLUMN recording_attachment_id uuid REFERENCES attachments (id);

-- Inbox: newest activity first, in every state and for open conversations.
CREATE INDEX conversations_activity ON conversations (last_message_at DESC);
CREATE INDEX conversations_open_activity ON conversations (last_message_at DESC) WHERE state <> 'closed';
CREATE INDEX conversations_assignee ON conversations (assignee_id, last_message_at DESC) WHERE state = 'operator';
-- Dashboard: conversations of a period.
CREATE INDEX conversations_created ON conversations (created_at);
-- The latest ticket of a conversation.
CREATE INDEX tickets_conversation_created ON tickets (conversation_id, created_at DESC);
-- Dashboard: citizen messages by time; operator replies by author.
CREATE INDEX messages_in_created ON messages (created_at) WHERE direction = 'in';
CREATE INDEX messages_author_user ON messages (author_user_id, created_at) WHERE author_user_id IS NOT NULL;
-- Dashboard: an operator's last action.
CREATE INDEX events_actor_user ON events (actor_user_id, created_at) WHERE actor_user_id IS NOT NULL;
-- Review queue: the bot's fallbacks, and re-classifications of tickets by operators.
CREATE INDEX events_fallback ON events (created_at) WHERE type = 'bot_decision' AND data->>'intent' = 'nlu_fallback';
CREATE INDEX events_reclassified ON events (created_at) WHERE type IN ('updated', 'forwarded', 'reclassified') AND data->'changes' ? 'field';
-- Open tickets past due (dashboard, agencies).
CREATE INDEX tickets_open_due ON tickets (due_at) WHERE status <> 'closed';
