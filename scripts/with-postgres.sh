#!/usr/bin/env bash
# Run a command against PostgreSQL. With DATABASE_URL set, use it as it is; otherwise
# start a throwaway PostgreSQL 15 server on a free port, run the command, and stop and
# remove the server afterwards, even when the command fails.
set -euo pipefail
if [ -n "${DATABASE_URL:-}" ]; then exec "$@"; fi

bin=/usr/lib/postgresql/15/bin
dir=$(mktemp -d /tmp/juwei-pg.XXXXXX)
chown postgres "$dir" 2>/dev/null || true
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

stop() {
  as_pg "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

as_pg "$bin/initdb" -D "$dir/data" -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null
as_pg "$bin/psql" -h 127.0.0.1 -p "$port" -d postgres -q -c "CREATE ROLE app LOGIN CREATEDB PASSWORD 'app'" -c "CREATE DATABASE app OWNER app"
echo "PostgreSQL 15 running on 127.0.0.1:$port (throwaway)"
export DATABASE_URL="postgres://app:app@127.0.0.1:$port/app"
"$@"
