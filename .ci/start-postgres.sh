#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server on 127.0.0.1:${PGPORT:-55432} for the tests and prints its URL.
# Uses the Debian binaries under /usr/lib/postgresql/*/bin; installs postgresql if they are missing.
set -euo pipefail
PGPORT="${PGPORT:-55432}"
PGDIR="${PGDIR:-/tmp/cong1022-pg}"
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
run() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then useradd -r -m postgres; fi
if [ -f "$PGDIR/postmaster.pid" ]; then run "$bin/pg_ctl -D $PGDIR stop -m fast" >&2 || true; fi
rm -rf "$PGDIR"; mkdir -p "$PGDIR"
[ "$(id -u)" = 0 ] && chown postgres "$PGDIR"
run "$bin/initdb -D $PGDIR -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
cat >> "$PGDIR/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$PGDIR'
max_connections = 300
shared_buffers = 256MB
CONF
# Tests trade durability for speed; DURABLE=1 (the benchmark) keeps PostgreSQL's defaults.
if [ "${DURABLE:-0}" != 1 ]; then
  printf 'fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n' >> "$PGDIR/postgresql.conf"
fi
run "$bin/pg_ctl -D $PGDIR -l $PGDIR/server.log -w start" >&2
echo "postgres://postgres@127.0.0.1:$PGPORT/postgres"
