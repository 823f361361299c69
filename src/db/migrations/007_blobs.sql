-- Attachment bytes in the database, so every node of a cluster reads what any node stored
-- (BLOB_STORE=database, the default on a PostgreSQL server). A blob is written chunk by chunk,
-- then its row in `blobs` is inserted last: a blob without that row is unfinished and never read.
CREATE TABLE blobs (
  key text PRIMARY KEY,
  size bigint NOT NULL,
  sha256 text NOT NULL,
  chunks integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE blob_chunks (
  blob_key text NOT NULL,
  seq integer NOT NULL,
  data bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (blob_key, seq)
);

-- Most attachments are already compressed (images, PDF, audio): do not try again.
ALTER TABLE blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
