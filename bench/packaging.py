"""Video packaging: the HLS video rendition of an H.264 source against a plain `ffmpeg -c copy`
of the same stream (and proof that it is a stream copy), and the encode speed when the source
must be re-encoded."""

import json
from pathlib import Path
from typing import Any

from bench.core import Figure, alternate, ffmpeg, ratio_figure, run, timed
from bench.inprocess import InProcessJob
from dubbing_core import keys
from resources.ffmpeg.hls import PLAYLIST, package_video_hls

FAMILY = "4 video packaging"
# A re-encode source: MPEG-4 Part 2 (not stream-copyable into HLS for browsers), 720p.
REENCODE_SIZE = "1280x720"
REENCODE_RATE = 25
REENCODE_SECONDS = 20


def video_stream(path: Path) -> dict[str, Any]:
    """The first video stream of a file or an HLS playlist, with its packets counted."""
    probed = run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-count_packets", "-show_entries",
         "stream=codec_name,profile,level,width,height,nb_read_packets", "-of", "json", path]
    )  # fmt: skip
    stream: dict[str, Any] = json.loads(probed.stdout)["streams"][0]
    return stream


def _assert_stream_copy(inprocess: InProcessJob) -> dict[str, Any]:
    job = inprocess.job
    info = inprocess.store.read_json(keys.hls_video_info(job))
    source = video_stream(inprocess.path(keys.upload(job)))
    rendition = video_stream(inprocess.path(f"{keys.hls_video_prefix(job)}/{PLAYLIST}"))
    if not info["stream_copied"] or source != rendition:
        raise AssertionError(f"the H.264 source was not stream-copied: {source} -> {rendition}")
    return source


def run_family(inprocess: InProcessJob, work: Path) -> list[Figure]:
    source = inprocess.path(keys.upload(inprocess.job))

    def plain_copy() -> None:
        ffmpeg("-v", "error", "-i", source, "-map", "0:v:0", "-c", "copy", "-f", "mpegts",
               work / "copy.ts")  # fmt: skip

    seconds = alternate(
        {
            "dubflow": lambda: inprocess.step_seconds("video_rendition"),
            "copy": lambda: timed(plain_copy),
        }
    )
    stream = _assert_stream_copy(inprocess)
    copied = ratio_figure(
        FAMILY,
        "video_rendition / ffmpeg -c copy",
        seconds,
        "dubflow",
        "copy",
        note=f"stream copy asserted: {stream['codec_name']} {stream['profile']} "
        f"{stream['width']}x{stream['height']}, {stream['nb_read_packets']} packets kept",
        stream=stream,
    )

    reencode = work / "mpeg4.mp4"
    ffmpeg(
        "-v", "error", "-f", "lavfi", "-i", f"testsrc2=size={REENCODE_SIZE}:rate={REENCODE_RATE}",
        "-t", str(REENCODE_SECONDS), "-c:v", "mpeg4", "-q:v", "4", reencode,
    )  # fmt: skip
    package: list[Any] = []
    elapsed = timed(lambda: package.append(package_video_hls(reencode, work / "reencoded")))
    output = video_stream(work / "reencoded" / PLAYLIST)
    if package[0].stream_copied or output["codec_name"] != "h264":
        raise AssertionError(f"the MPEG-4 source was not re-encoded to H.264: {output}")
    speed = Figure(
        FAMILY,
        f"re-encode speed (MPEG-4 {REENCODE_SIZE} -> H.264)",
        round(REENCODE_SECONDS / elapsed, 2),
        "x realtime",
        note=f"{REENCODE_SECONDS * REENCODE_RATE / elapsed:.0f} fps, libx264 veryfast",
        detail={"seconds": round(elapsed, 3), "media_seconds": REENCODE_SECONDS},
    )
    return [copied, speed]
