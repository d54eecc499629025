#!/usr/bin/env bash
# The demo: a real English recording (media/multilingual.mp3, its English part) with a generated
# picture becomes an H.264/AAC video, which dubflow dubs into Spanish (Apertium + espeak-ng).
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p data/demo
sample=data/demo/sample_en.mp4
if [ ! -s "$sample" ]; then
  ffmpeg -v error -y -f lavfi -i "testsrc2=size=640x360:rate=25" -i media/multilingual.mp3 \
    -t 29 -map 0:v -map 1:a -c:v libx264 -preset veryfast -pix_fmt yuv420p -g 50 \
    -c:a aac -b:a 128k -ar 48000 -movflags +faststart "$sample"
fi
exec .venv/bin/dubflow dub "$sample" --to "${DEMO_LANGUAGES:-es}" --from en
