#!/usr/bin/env bash
# Makes the base image the Dockerfiles start from (debian:bookworm-slim) available to the local
# Docker daemon. Where it already exists or can be pulled, nothing is built. Where no registry is
# reachable, it is built from Debian's packages with debootstrap and imported under the same name,
# so the Dockerfiles stay standard and build unchanged anywhere else. The host's CA bundle is
# carried into the image: apt, pip and npm inside `docker build` then trust what the host trusts
# (a TLS-inspecting proxy included).
set -euo pipefail

IMAGE=${BASE_IMAGE:-debian:bookworm-slim}
SUITE=${BASE_SUITE:-bookworm}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
HOST_CA_BUNDLE=${HOST_CA_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}

if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "base-image: $IMAGE present"
  exit 0
fi
if timeout 60 docker pull -q "$IMAGE" >/dev/null 2>&1; then
  echo "base-image: $IMAGE pulled"
  exit 0
fi

command -v debootstrap >/dev/null || { echo "base-image: debootstrap is not installed" >&2; exit 1; }
rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
# mktemp makes the directory 0700, and it becomes the image's "/": non-root users could then
# reach nothing.
chmod 0755 "$rootfs"
echo "base-image: building $IMAGE with debootstrap ($SUITE, minbase)"
debootstrap --variant=minbase --include=ca-certificates "$SUITE" "$rootfs" "$MIRROR" >/dev/null
if [ -s "$HOST_CA_BUNDLE" ]; then
  install -m 0644 "$HOST_CA_BUNDLE" "$rootfs/usr/local/share/ca-certificates/host-ca-bundle.crt"
  chroot "$rootfs" update-ca-certificates >/dev/null 2>&1
fi
# What the official slim image leaves out as well: documentation, man pages and the apt lists.
rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin "$rootfs"/usr/share/doc/* \
  "$rootfs"/usr/share/man/*
tar -C "$rootfs" -c . | docker import \
  --change 'CMD ["bash"]' \
  --change 'ENV LANG=C.UTF-8' \
  - "$IMAGE" >/dev/null
echo "base-image: $IMAGE imported"
