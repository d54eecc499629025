#!/usr/bin/env bash
# First start: create the cluster (password authentication, the password from
# POSTGRES_PASSWORD) and the databases named in POSTGRES_DATABASES. Then run the server.
set -euo pipefail
: "${POSTGRES_PASSWORD:?POSTGRES_PASSWORD must be set}"
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  initdb --username=postgres --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 \
    --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") >/dev/null
  echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
  for database in ${POSTGRES_DATABASES:-}; do
    echo "CREATE DATABASE \"$database\";" | postgres --single -D "$PGDATA" postgres >/dev/null
  done
fi
exec postgres -c listen_addresses="${POSTGRES_LISTEN_ADDRESSES:-127.0.0.1}" -p "$PGPORT"
