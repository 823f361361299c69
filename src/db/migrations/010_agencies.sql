-- Cổng 1022: agencies that are told and reminded, tickets classified by content type and level.
-- Runs unchanged on PGlite and PostgreSQL.

-- What the citizen's request is (hỏi đáp, phản ánh, kiến nghị, khiếu nại, tố cáo, tố giác, khác) and the
-- jurisdiction level of the agency responsible (the codes of the procedures' agency levels).
ALTER TABLE tickets ADD COLUMN content_type text
  CHECK (content_type IN ('hoi_dap', 'phan_anh', 'kien_nghi', 'khieu_nai', 'to_cao', 'to_giac', 'khac'));
ALTER TABLE tickets ADD COLUMN level text CHECK (level IN ('xa', 'tinh', 'trung_uong', 'co_quan_doc'));

-- The dashboard's roll-ups now also count tickets by content type and level: roll every past day up again.
DELETE FROM stats_daily;
UPDATE stats_rollup_state SET rolled_until = NULL;

-- What an agency was told about a ticket: forwarded to it, its deadline is near, its deadline passed.
-- A reminder is about one deadline of one ticket at one agency, so it is inserted once whichever node
-- sees it first (the unique index), and a new deadline is a new reminder.
CREATE TABLE agency_notifications (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  agency_id uuid NOT NULL REFERENCES agencies (id),
  ticket_id uuid NOT NULL REFERENCES tickets (id),
  kind text NOT NULL CHECK (kind IN ('forwarded', 'due_soon', 'overdue')),
  due_at timestamptz,
  -- The hotline's note to the agency, on a forward.
  note text,
  -- The mail to the agency's focal-point addresses: none (no address, or mail not configured), pending, sent, failed.
  mail_to text[] NOT NULL DEFAULT '{}',
  mail_status text NOT NULL DEFAULT 'none' CHECK (mail_status IN ('none', 'pending', 'sent', 'failed')),
  mail_error text,
  mail_sent_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX agency_notifications_once ON agency_notifications (ticket_id, agency_id, kind, due_at) WHERE kind <> 'forwarded';
CREATE INDEX agency_notifications_agency ON agency_notifications (agency_id, created_at DESC);

-- Which focal point has read which notification (the console's bell).
CREATE TABLE agency_notification_reads (
  notification_id uuid NOT NULL REFERENCES agency_notifications (id),
  user_id uuid NOT NULL REFERENCES users (id),
  read_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (user_id, notification_id)
);
