#!/usr/bin/env bash
# The whole stack on loopback over one data directory: the API (uvicorn) and Dagster
# (`dagster dev`: webserver + daemon, which runs the sensors). Ctrl-C or TERM stops both.
set -euo pipefail
cd "$(dirname "$0")/.."

export DUBFLOW_DATA_DIR=${DUBFLOW_DATA_DIR:-data}
API_PORT=${API_PORT:-8000}
DAGSTER_PORT=${DAGSTER_PORT:-3000}
export DAGSTER_HOME
DAGSTER_HOME=$(realpath -m "${DAGSTER_HOME:-$DUBFLOW_DATA_DIR/dagster}")
mkdir -p "$DAGSTER_HOME"
cp deploy/dagster.yaml "$DAGSTER_HOME/dagster.yaml"
export DUBFLOW_PUBLIC_URL=${DUBFLOW_PUBLIC_URL:-http://127.0.0.1:$API_PORT}
export DUBFLOW_DAGSTER_GRAPHQL_URL=http://127.0.0.1:$DAGSTER_PORT/graphql
export DUBFLOW_DAGSTER_UI_URL=http://127.0.0.1:$DAGSTER_PORT

pids=()
stop() {
  trap - INT TERM EXIT
  kill -TERM "${pids[@]}" 2>/dev/null || true
  wait "${pids[@]}" 2>/dev/null || true
}
trap stop INT TERM EXIT

.venv/bin/uvicorn --factory dubbing_api.main:create_app --host 127.0.0.1 --port "$API_PORT" \
  --log-level warning &
pids+=($!)
# A background job of a script starts with SIGINT ignored, and `dagster dev` maps SIGTERM to its
# SIGINT handler: restore the default first, or it would ignore both and never stop.
.venv/bin/python -c 'import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execv(sys.argv[1], sys.argv[1:])' \
  .venv/bin/dagster dev -m dubbing_assets.definitions -h 127.0.0.1 -p "$DAGSTER_PORT" &
pids+=($!)
echo "dubflow: API http://127.0.0.1:$API_PORT/docs  Dagster UI http://127.0.0.1:$DAGSTER_PORT"
wait -n "${pids[@]}"
