"""Running ffmpeg: one place that turns a failed command into a MediaError with its stderr."""

import subprocess
from collections.abc import Sequence

import ffmpeg

from resources.ffmpeg.errors import MediaError


def _tail(stderr: bytes | None, lines: int = 8) -> str:
    return "\n".join((stderr or b"").decode(errors="replace").strip().splitlines()[-lines:])


def run_stream(stream: ffmpeg.nodes.OutputStream, stdin: bytes | None = None) -> bytes:
    """Run an ffmpeg-python graph, feeding `stdin` to a `pipe:` input; returns stdout."""
    quiet = ["-hide_banner", "-loglevel", "error"] + ([] if stdin is not None else ["-nostdin"])
    try:
        stdout, _ = ffmpeg.run(
            stream.global_args(*quiet),
            input=stdin,
            capture_stdout=True,
            capture_stderr=True,
            overwrite_output=True,
        )
    except ffmpeg.Error as error:
        raise MediaError("media.ffmpeg_failed", _tail(error.stderr)) from error
    return bytes(stdout or b"")


def run_args(args: Sequence[str], *, stdin: bytes | None = None) -> tuple[bytes, bytes]:
    """Run ffmpeg with arguments ffmpeg-python cannot express (e.g. filter_complex graphs
    measured and printed to stderr); returns (stdout, stderr)."""
    command = ["ffmpeg", "-nostdin", "-hide_banner", "-y", *args]
    completed = subprocess.run(command, input=stdin, capture_output=True, check=False)
    if completed.returncode != 0:
        raise MediaError("media.ffmpeg_failed", _tail(completed.stderr))
    return completed.stdout, completed.stderr
