#!/usr/bin/env bash
# Installs Docker where it is missing and starts a daemon when none answers. The settings suit a machine without a bridge network
# or iptables (containers use the host network). Storage: overlay2 where the kernel lets this
# machine mount an overlay file system, vfs otherwise (vfs copies the whole file system for
# every layer: builds take many times longer and the disk fills much faster). The daemon's data
# root stays outside the checkout, so images built once are reused by the next clean clone.
set -euo pipefail

# Docker, Compose and debootstrap (scripts/base-image.sh) from Debian where any is missing: CI
# starts on a fresh machine as root.
if ! command -v dockerd >/dev/null || ! command -v docker-compose >/dev/null \
  || ! command -v debootstrap >/dev/null; then
  echo "dockerd: installing Docker, docker-compose and debootstrap (Debian packages)"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    docker.io docker-compose debootstrap >/dev/null
fi
if docker info >/dev/null 2>&1; then
  exit 0
fi

overlay_mounts() {
  local probe status=1
  probe=$(mktemp -d)
  mkdir "$probe"/{lower,upper,work,merged}
  if mount -t overlay overlay \
    -o "lowerdir=$probe/lower,upperdir=$probe/upper,workdir=$probe/work" "$probe/merged" 2>/dev/null; then
    umount "$probe/merged"
    status=0
  fi
  rm -rf "$probe"
  return "$status"
}
driver=${DOCKER_STORAGE_DRIVER:-}
if [ -z "$driver" ]; then
  if overlay_mounts; then driver=overlay2; else driver=vfs; fi
fi

log=${DOCKERD_LOG:-/var/log/dubflow-dockerd.log}
echo "dockerd: starting with the $driver storage driver (log: $log)"
nohup dockerd --iptables=false --ip6tables=false --bridge=none --storage-driver="$driver" \
  >"$log" 2>&1 &
for _ in $(seq 60); do
  docker info >/dev/null 2>&1 && exit 0
  sleep 1
done
echo "dockerd: did not answer within 60 s; see $log" >&2
exit 1
