#!/usr/bin/env bash
# Builds dubflow's images (docs/deployment.md): dubflow-api, dubflow-pipeline, the optional
# dubflow-gateway, and the compose stack's dubflow-postgres and dubflow-s3, tagged
# DUBFLOW_IMAGE_TAG (default "local"). Layers are cached by the Docker daemon, so a rebuild
# after a code change redoes only the last steps.
# Nothing is pruned here: with the classic builder the cache *is* the untagged images of the
# build stages, and `docker image prune` would delete it (reclaim space by hand, see
# docs/deployment.md).
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${DUBFLOW_IMAGE_TAG:-local}
# BuildKit where the buildx plugin exists (it skips the stages a target does not need); the
# classic builder elsewhere (Debian's docker.io ships without buildx).
if docker buildx version >/dev/null 2>&1; then
  export DOCKER_BUILDKIT=1
else
  export DOCKER_BUILDKIT=0
fi
# Each build's output goes to a log of its own (a CI artifact); a failing build prints its end.
logs=${IMAGE_BUILD_LOGS:-test-artifacts/images}
mkdir -p "$logs"
build() {
  local image=$1
  shift
  local start=$SECONDS
  if ! docker build --network host -t "$image:$tag" "$@" . >"$logs/$image.log" 2>&1; then
    tail -n 40 "$logs/$image.log" >&2
    echo "images: building $image:$tag failed (log: $logs/$image.log)" >&2
    return 1
  fi
  echo "images: $image:$tag built in $((SECONDS - start)) s ($(docker image inspect -f '{{.Size}}' "$image:$tag" | numfmt --to=iec))"
}
build dubflow-pipeline --target pipeline
build dubflow-api --target api
build dubflow-gateway --target gateway
build dubflow-postgres -f deploy/docker/postgres.Dockerfile
build dubflow-s3 -f deploy/docker/s3.Dockerfile
