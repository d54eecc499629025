#!/usr/bin/env bash
# The whole stack on loopback over one data directory, as production runs it: the API
# (uvicorn), Dagster's webserver, and Dagster's daemon (`dubflow daemon`, which runs the sensors,
# the schedule and the run queue). DUBFLOW_SERVICES picks a subset (default
# "api,webserver,daemon"), e.g. to run or restart the daemon on its own. Ctrl-C or TERM stops
# what was started.
set -euo pipefail
cd "$(dirname "$0")/.."

export DUBFLOW_DATA_DIR=${DUBFLOW_DATA_DIR:-data}
API_PORT=${API_PORT:-8000}
DAGSTER_PORT=${DAGSTER_PORT:-3000}
services=",${DUBFLOW_SERVICES:-api,webserver,daemon},"
export DAGSTER_HOME
DAGSTER_HOME=$(realpath -m "${DAGSTER_HOME:-$DUBFLOW_DATA_DIR/dagster}")
mkdir -p "$DAGSTER_HOME"
# Copied under a name of its own, then renamed into place: two copies of this script may start
# at once (the tests start the daemon on its own), and two `cp`s to one new file can collide.
# DUBFLOW_DAGSTER_YAML names another instance config (the benchmarks compare run-queue settings).
cp "${DUBFLOW_DAGSTER_YAML:-deploy/dagster.yaml}" "$DAGSTER_HOME/.dagster.yaml.$$"
mv -f "$DAGSTER_HOME/.dagster.yaml.$$" "$DAGSTER_HOME/dagster.yaml"
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

# Each service is started with `setsid` straight from this shell (not from a function, which
# would run in a subshell), so `$!` is the service itself and leads its own process group.
# A background job of a script starts with SIGINT ignored, and Dagster's processes map SIGTERM
# to their SIGINT handler: restore the default first, or they would ignore both and never stop.
sigint_default=(.venv/bin/python -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])')

# Create (or migrate) the Dagster instance's storage before the webserver and the daemon both open
# it: two processes creating a fresh SQLite storage at once can stamp its schema version twice
# ("alembic_version has more than one head"), after which no code server loads and no run starts.
# The lock covers two copies of this script started at once (e.g. the daemon on its own).
if [[ $services == *,webserver,* || $services == *,daemon,* ]]; then
  flock "$DAGSTER_HOME/.migrate.lock" .venv/bin/dagster instance migrate >/dev/null
fi
if [[ $services == *,api,* ]]; then
  setsid .venv/bin/uvicorn --factory dubbing_api.main:create_app --host 127.0.0.1 --port "$API_PORT" \
    --log-level warning &
  pids+=($!)
  echo "dubflow: API http://127.0.0.1:$API_PORT/docs"
  echo "dubflow: web app $DUBFLOW_PUBLIC_URL/app/"
fi
if [[ $services == *,webserver,* ]]; then
  setsid "${sigint_default[@]}" .venv/bin/dagster-webserver -w workspace.yaml -h 127.0.0.1 \
    -p "$DAGSTER_PORT" &
  pids+=($!)
  echo "dubflow: Dagster UI http://127.0.0.1:$DAGSTER_PORT"
fi
if [[ $services == *,daemon,* ]]; then
  setsid "${sigint_default[@]}" .venv/bin/dubflow daemon -w workspace.yaml &
  pids+=($!)
  echo "dubflow: Dagster daemon (sensors, schedule, run queue)"
fi
[ ${#pids[@]} -gt 0 ] || { echo "DUBFLOW_SERVICES names no service" >&2; exit 2; }
wait -n "${pids[@]}"
