#!/usr/bin/env bash
# The demo, through the whole stack: a real English recording (media/multilingual.mp3, its
# English part) with a generated picture becomes an H.264/AAC video; the stack starts on
# loopback; the video is uploaded in parts, dubbed into Spanish (Apertium + espeak-ng) by the
# pipeline the sensors start, and the playback URL and the Dagster UI are printed. From a
# terminal the stack stays up until Enter or Ctrl-C, so those URLs can be opened.
set -euo pipefail
cd "$(dirname "$0")/.."
export DUBFLOW_DATA_DIR=${DUBFLOW_DATA_DIR:-data}
mkdir -p "$DUBFLOW_DATA_DIR/demo"
sample=$DUBFLOW_DATA_DIR/demo/sample_en.mp4
if [ ! -s "$sample" ]; then
  ffmpeg -v error -y -f lavfi -i "testsrc2=size=640x360:rate=25" -i media/multilingual.mp3 \
    -t 29 -map 0:v -map 1:a -c:v libx264 -preset veryfast -pix_fmt yuv420p -g 50 \
    -c:a aac -b:a 128k -ar 48000 -movflags +faststart "$sample"
fi

log=$DUBFLOW_DATA_DIR/demo/stack.log
./scripts/dev.sh >"$log" 2>&1 &
stack=$!
trap 'kill -TERM $stack 2>/dev/null; wait $stack 2>/dev/null || true' EXIT
if ! .venv/bin/python scripts/demo_stack.py --video "$sample" --to "${DEMO_LANGUAGES:-es}" --source en; then
  echo "demo failed; the stack's log is $log" >&2
  tail -n 40 "$log" >&2
  exit 1
fi
if [ -t 0 ] && [ -t 1 ]; then
  # Interactive: keep the stack up so the URLs above work until the user is done.
  echo "The stack is up (API and Dagster UI above). Press Enter or Ctrl-C to stop it."
  read -r _ || true
fi
