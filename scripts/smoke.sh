#!/usr/bin/env bash
# `make smoke`: the compose stack end to end on this machine (docs/deployment.md). Starts dockerd
# when none answers, ensures the base image, builds the images (cached by the daemon), brings
# docker-compose.yml up (with the optional gateway, which the smoke's client goes through) with
# throw-away secrets on ports of its own, runs scripts/smoke_compose.py against it, then collects every service's and every run container's log into
# test-artifacts/smoke/ (SMOKE_ARTIFACTS) with a report of what it measured (report.json), and
# tears the stack down, volumes included. Arguments go to the client: `--load-jobs N` dubs N jobs
# at once on the stack instead of the smoke's checks (bench/compose.py, `--only compose-load`).
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
artifacts=${SMOKE_ARTIFACTS:-test-artifacts/smoke}
rm -rf "$artifacts"
mkdir -p "$artifacts"

./scripts/ensure-dockerd.sh
./scripts/base-image.sh
IMAGE_BUILD_LOGS=$artifacts/images ./scripts/build-images.sh
images_s=$((SECONDS - started))
echo "smoke: images ready after $images_s s"

if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
else
  compose=(docker-compose)
fi
secret() { .venv/bin/python -c 'import secrets; print(secrets.token_hex(16))'; }
export COMPOSE_PROJECT_NAME=dubflow-smoke
export COMPOSE_PROFILES=gateway
export POSTGRES_PASSWORD S3_SECRET_KEY DUBFLOW_SIGNING_SECRET
POSTGRES_PASSWORD=$(secret)
S3_SECRET_KEY=$(secret)
DUBFLOW_SIGNING_SECRET=$(secret)
export S3_ACCESS_KEY=smoke
# Ports apart from a `make dev` stack and the tests' servers; everything on loopback.
export DUBFLOW_POSTGRES_PORT=${SMOKE_POSTGRES_PORT:-25432}
export DUBFLOW_S3_PORT=${SMOKE_S3_PORT:-29000}
export DUBFLOW_API_PORT=${SMOKE_API_PORT:-28000}
export DUBFLOW_DAGSTER_PORT=${SMOKE_DAGSTER_PORT:-23000}
export DUBFLOW_CODE_SERVER_PORT=${SMOKE_CODE_SERVER_PORT:-24000}
export DUBFLOW_GATEWAY_PORT=${SMOKE_GATEWAY_PORT:-28080}
export DUBFLOW_API_HOST=127.0.0.1
export DUBFLOW_GATEWAY_HOST=127.0.0.1
# Clients go through the gateway: the URLs the API signs point there too.
export DUBFLOW_PUBLIC_URL=http://127.0.0.1:$DUBFLOW_GATEWAY_PORT
export DUBFLOW_DAGSTER_UI_URL=http://127.0.0.1:$DUBFLOW_DAGSTER_PORT
# S3's smallest part: the sample (7 MB) goes up in two.
export DUBFLOW_PART_SIZE_BYTES=5242880
# The English-only tiny Whisper: the smoke checks the deployment, not transcription quality
# (which tests/ and `make bench` measure with the default model).
export DUBFLOW_ASR_MODEL=${SMOKE_ASR_MODEL:-whisper-tiny.en}
DOCKER_GID=$(stat -c %g /var/run/docker.sock)
export DOCKER_GID

teardown() {
  local status=$?
  set +e
  for service in postgres s3 migrate api gateway codeserver webserver daemon; do
    "${compose[@]}" logs --no-color "$service" >"$artifacts/$service.log" 2>&1
  done
  for container in $(docker ps -aq --filter label=dubflow/role=run-worker); do
    run_id=$(docker inspect -f '{{index .Config.Labels "dagster/run_id"}}' "$container")
    docker logs "$container" >"$artifacts/run-$run_id.log" 2>&1
    docker rm -f "$container" >/dev/null
  done
  "${compose[@]}" down --volumes --remove-orphans >"$artifacts/down.log" 2>&1
  if [ "$status" -eq 0 ]; then
    .venv/bin/python - "$artifacts/report.json" "$images_s" "$((SECONDS - started))" <<'PY'
import json, sys
path, images_s, total_s = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
report = json.loads(open(path).read())
report.update(images_ready_s=images_s, total_s=total_s)
open(path, "w").write(json.dumps(report, indent=2) + "\n")
PY
    echo "smoke: passed in $((SECONDS - started)) s (logs: $artifacts/)"
  else
    echo "smoke: failed after $((SECONDS - started)) s; the services' logs are in $artifacts/" >&2
  fi
  exit "$status"
}
trap teardown EXIT

"${compose[@]}" up -d --no-build >"$artifacts/up.log" 2>&1 || { cat "$artifacts/up.log" >&2; exit 1; }
postgres=postgresql://postgres:$POSTGRES_PASSWORD@127.0.0.1:$DUBFLOW_POSTGRES_PORT
.venv/bin/python scripts/smoke_compose.py \
  --api "http://127.0.0.1:$DUBFLOW_API_PORT" \
  --gateway "$DUBFLOW_PUBLIC_URL" \
  --dagster "http://127.0.0.1:$DUBFLOW_DAGSTER_PORT" \
  --app-db "postgresql+psycopg://${postgres#postgresql://}/dubflow" \
  --dagster-db "$postgres/dagster" \
  --workdir "$artifacts" \
  --report "$artifacts/report.json" \
  --image-tag "${DUBFLOW_IMAGE_TAG:-local}" \
  "$@"
