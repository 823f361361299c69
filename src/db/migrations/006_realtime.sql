-- Several nodes on one PostgreSQL server: payloads too big for a NOTIFY (8000 bytes), fetched by id.
-- The bus's own events (src/realtime/pg-bus.ts), kept a few minutes.
CREATE TABLE bus_payloads (
  id bigserial PRIMARY KEY,
  payload jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
-- socket.io's cluster adapter (@socket.io/postgres-adapter: its default table name and shape).
CREATE TABLE socket_io_attachments (
  id bigserial UNIQUE,
  created_at timestamptz DEFAULT now(),
  payload bytea
);
