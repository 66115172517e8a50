#!/usr/bin/env bash
# Start (idempotently) a throwaway PostgreSQL cluster for the sync server tests and print its URL.
#   eval "export OPERATOR_DESK_PG_URL=$(scripts/start_postgres.sh)"
#   scripts/start_postgres.sh --stop      stops it;  --running: exit 0 when it is up
# Installs the Debian package if missing; runs as the postgres user on 127.0.0.1:${PGPORT:-55432}.
set -euo pipefail
PGPORT="${PGPORT:-55432}"
PGDATA="${PGDATA_DIR:-/tmp/operator-desk-pgdata}"
DBNAME="${PGDATABASE_NAME:-operator_desk_test}"
PGBIN=""
find_bin() {
  PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
}
find_bin
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
  apt-get -o DPkg::Lock::Timeout=600 install -y postgresql >&2 || {
    apt-get -o DPkg::Lock::Timeout=600 update >&2
    apt-get -o DPkg::Lock::Timeout=600 install -y postgresql >&2
  }
  find_bin
fi
as_pg() {
  if [ "$(id -u)" = "0" ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}
if [ "${1:-}" = "--stop" ]; then  # stop the cluster (test.sh calls this for a cluster it started)
  [ -n "$PGBIN" ] && as_pg "'$PGBIN/pg_ctl' -D '$PGDATA' -m fast stop >/dev/null 2>&1" || true
  exit 0
fi
if [ "${1:-}" = "--running" ]; then  # exit 0 when the cluster is up
  [ -n "$PGBIN" ] && as_pg "'$PGBIN/pg_ctl' -D '$PGDATA' status >/dev/null 2>&1"
  exit $?
fi
if [ "$(id -u)" = "0" ]; then
  mkdir -p "$PGDATA" && chown postgres:postgres "$PGDATA" && chmod 700 "$PGDATA"
fi
if [ ! -f "$PGDATA/PG_VERSION" ]; then
  as_pg "'$PGBIN/initdb' -D '$PGDATA' -A trust -U postgres >/dev/null"
fi
if ! as_pg "'$PGBIN/pg_ctl' -D '$PGDATA' status >/dev/null 2>&1"; then
  as_pg "'$PGBIN/pg_ctl' -D '$PGDATA' -o \"-p $PGPORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off\" -l '$PGDATA/server.log' -w start >/dev/null"
fi
for _ in $(seq 1 50); do
  if as_pg "'$PGBIN/pg_isready' -h 127.0.0.1 -p $PGPORT >/dev/null 2>&1"; then break; fi
  sleep 0.2
done
if ! as_pg "'$PGBIN/psql' -h 127.0.0.1 -p $PGPORT -U postgres -tAc \"SELECT 1 FROM pg_database WHERE datname='$DBNAME'\"" | grep -q 1; then
  as_pg "'$PGBIN/createdb' -h 127.0.0.1 -p $PGPORT -U postgres '$DBNAME'"
fi
echo "postgresql://postgres@127.0.0.1:$PGPORT/$DBNAME"
