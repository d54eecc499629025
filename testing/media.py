"""Media for the tests and the benchmarks: the repository's recordings and generated videos."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEDIA = ROOT / "media"


def make_video(dst: Path, audio: Path, *, seconds: float, start: float = 0.0) -> Path:
    """An H.264/AAC MP4: a generated picture over a real recording."""
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x180:rate=25",
            "-ss",
            str(start),
            "-i",
            str(audio),
            "-t",
            str(seconds),
            "-map",
            "0:v",
            "-map",
            "1:a",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-pix_fmt",
            "yuv420p",
            "-g",
            "50",
            "-c:a",
            "aac",
            "-ar",
            "48000",
            str(dst),
        ],
        check=True,
    )
    return dst
