#!/usr/bin/env bash
# Start a local PostgreSQL (Debian's) for the tests and print its URL. Idempotent.
# Only the URL goes to stdout (callers capture it); everything else goes to stderr.
set -euo pipefail
sudo=""
as_postgres=(runuser -u postgres --)
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
  as_postgres=(sudo -u postgres)
fi
if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
if ! pg_lsclusters -h | grep -q "^$version main"; then
  $sudo pg_createcluster "$version" main >&2
fi
pg_lsclusters -h | grep "^$version main" | grep -q online || $sudo pg_ctlcluster "$version" main start >&2
for _ in $(seq 30); do
  "${as_postgres[@]}" psql -qtAc "SELECT 1" >/dev/null 2>&1 && break
  sleep 1
done
"${as_postgres[@]}" psql -qtAc "ALTER USER postgres PASSWORD 'dubflow'" >/dev/null
port=$(pg_lsclusters -h | awk -v v="$version" '$1==v && $2=="main" {print $3}')
echo "postgresql+psycopg://postgres:dubflow@127.0.0.1:${port}/postgres"
