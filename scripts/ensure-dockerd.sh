#!/usr/bin/env bash
# Starts a Docker daemon when none answers. The settings suit a machine without a bridge network
# or iptables (containers use the host network) and without overlayfs (vfs); the daemon's data
# root stays outside the checkout, so images built once are reused by the next clean clone.
set -euo pipefail

if docker info >/dev/null 2>&1; then
  exit 0
fi
command -v dockerd >/dev/null || { echo "dockerd: not installed (apt-get install docker.io)" >&2; exit 1; }
log=${DOCKERD_LOG:-/var/log/dubflow-dockerd.log}
echo "dockerd: starting (log: $log)"
nohup dockerd --iptables=false --ip6tables=false --bridge=none --storage-driver=vfs \
  >"$log" 2>&1 &
for _ in $(seq 60); do
  docker info >/dev/null 2>&1 && exit 0
  sleep 1
done
echo "dockerd: did not answer within 60 s; see $log" >&2
exit 1
