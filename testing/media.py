"""Media for the tests and the benchmarks: the repository's recordings and generated videos."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MEDIA = ROOT / "media"


def make_video(
    dst: Path,
    audio: Path,
    *,
    seconds: float,
    start: float = 0.0,
    size: str = "320x180",
    lossless: bool = False,
) -> Path:
    """An H.264/AAC MP4: a generated picture over a real recording. `lossless` makes the file
    many times bigger (for uploads that must span several parts of S3's 5 MiB minimum)."""
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size={size}:rate=25",
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
            *(["-qp", "0"] if lossless else []),
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
