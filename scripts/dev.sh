#!/usr/bin/env bash
# The whole stack on loopback over one data directory, as production runs it: the API
# (uvicorn), Dagster's webserver, and Dagster's daemon (which runs the sensors, the schedule and
# the run queue). DUBFLOW_SERVICES picks a subset (default "api,webserver,daemon"), e.g. to run
# or restart the daemon on its own. Ctrl-C or TERM stops what was started.
set -euo pipefail
cd "$(dirname "$0")/.."

export DUBFLOW_DATA_DIR=${DUBFLOW_DATA_DIR:-data}
API_PORT=${API_PORT:-8000}
DAGSTER_PORT=${DAGSTER_PORT:-3000}
services=",${DUBFLOW_SERVICES:-api,webserver,daemon},"
export DAGSTER_HOME
DAGSTER_HOME=$(realpath -m "${DAGSTER_HOME:-$DUBFLOW_DATA_DIR/dagster}")
mkdir -p "$DAGSTER_HOME"
cp deploy/dagster.yaml "$DAGSTER_HOME/dagster.yaml"
# Create (or migrate) the instance's storage once, here: on a fresh DAGSTER_HOME the webserver's
# and the daemon's code servers would otherwise race to create it, and the loser's second
# alembic stamp breaks every later start ("alembic_version has more than one head").
.venv/bin/dagster instance migrate >/dev/null
export DUBFLOW_PUBLIC_URL=${DUBFLOW_PUBLIC_URL:-http://127.0.0.1:$API_PORT}
export DUBFLOW_DAGSTER_GRAPHQL_URL=http://127.0.0.1:$DAGSTER_PORT/graphql
export DUBFLOW_DAGSTER_UI_URL=http://127.0.0.1:$DAGSTER_PORT

pids=()
stop() {
  trap - INT TERM EXIT
  # Each service leads its own process group: this also stops the code servers Dagster spawned.
  for pid in "${pids[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  wait "${pids[@]}" 2>/dev/null || true
}
trap stop INT TERM EXIT

# A background job of a script starts with SIGINT ignored, and Dagster's processes map SIGTERM
# to their SIGINT handler: restore the default first, or they would ignore both and never stop.
# `exec`: the background job's subshell becomes the service, so `$!` is the service's own
# process group (`stop` signals that group; a subshell's pid names no group).
with_sigint() {
  exec setsid .venv/bin/python -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])' "$@"
}

if [[ $services == *,api,* ]]; then
  setsid .venv/bin/uvicorn --factory dubbing_api.main:create_app --host 127.0.0.1 --port "$API_PORT" \
    --log-level warning &
  pids+=($!)
  echo "dubflow: API http://127.0.0.1:$API_PORT/docs"
fi
if [[ $services == *,webserver,* ]]; then
  with_sigint .venv/bin/dagster-webserver -w workspace.yaml -h 127.0.0.1 -p "$DAGSTER_PORT" &
  pids+=($!)
  echo "dubflow: Dagster UI http://127.0.0.1:$DAGSTER_PORT"
fi
if [[ $services == *,daemon,* ]]; then
  with_sigint .venv/bin/dagster-daemon run -w workspace.yaml &
  pids+=($!)
  echo "dubflow: Dagster daemon (sensors, schedule, run queue)"
fi
[ ${#pids[@]} -gt 0 ] || { echo "DUBFLOW_SERVICES names no service" >&2; exit 2; }
wait -n "${pids[@]}"
