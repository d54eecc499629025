"""Deterministic artifact keys: where every stage's output lives in the MediaStore.

Everything of a job sits under `jobs/{job}/`; per-language artifacts under `jobs/{job}/{lang}/`, HLS
under `jobs/{job}/hls/`. Job ids are ULIDs/UUIDs (validated here) so keys never need escaping.
"""

import re

_JOB_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{5,63}$")


def check_job_id(job: str) -> str:
    if not _JOB_ID.fullmatch(job):
        raise ValueError(f"invalid job id {job!r}: expected 6-64 characters of [A-Za-z0-9_-]")
    return job


def job_prefix(job: str) -> str:
    return f"jobs/{check_job_id(job)}"


def request(job: str) -> str:
    """The job's request manifest (source, languages, presets), written by the submitter."""
    return f"{job_prefix(job)}/request.json"


def upload(job: str) -> str:
    """The file the user uploaded, as received."""
    return f"{job_prefix(job)}/source/original"


def source_probe(job: str) -> str:
    return f"{job_prefix(job)}/source/probe.json"


def speech_audio(job: str) -> str:
    """16 kHz mono speech track for ASR."""
    return f"{job_prefix(job)}/source/speech16k.wav"


def full_audio(job: str) -> str:
    """48 kHz stereo original audio for mixing."""
    return f"{job_prefix(job)}/source/audio48k.wav"


def transcript(job: str) -> str:
    return f"{job_prefix(job)}/segments_src.json"


def translation(job: str, lang: str) -> str:
    return f"{job_prefix(job)}/{lang}/segments.json"


def source_edits(job: str) -> str:
    """The users' edits of the transcript's units (written by the API, read by `translation`)."""
    return f"{job_prefix(job)}/edits/source.json"


def translation_edits(job: str, lang: str) -> str:
    """The users' edits of a language's translated units."""
    return f"{job_prefix(job)}/{lang}/edits.json"


def speech_cache_prefix(job: str, lang: str) -> str:
    """Each unit's synthesized speech, keyed by what it was made from (`dubbed_speech`)."""
    return f"{job_prefix(job)}/{lang}/speech_cache"


def speech(job: str, lang: str) -> str:
    return f"{job_prefix(job)}/{lang}/speech.wav"


def timing_report(job: str, lang: str) -> str:
    return f"{job_prefix(job)}/{lang}/timing.json"


def quality_report(job: str, lang: str) -> str:
    """What a viewer hears, measured from the audio: per unit and a summary."""
    return f"{job_prefix(job)}/{lang}/quality.json"


def mix(job: str, lang: str) -> str:
    return f"{job_prefix(job)}/{lang}/mix.m4a"


def mp4(job: str, lang: str) -> str:
    return f"{job_prefix(job)}/{lang}/dubbed.mp4"


def subtitles_vtt(job: str, lang: str) -> str:
    return f"{job_prefix(job)}/{lang}/subtitles.vtt"


def subtitles_srt(job: str, lang: str) -> str:
    return f"{job_prefix(job)}/{lang}/subtitles.srt"


def hls_prefix(job: str) -> str:
    return f"{job_prefix(job)}/hls"


def hls_master(job: str) -> str:
    return f"{hls_prefix(job)}/master.m3u8"


def hls_video_prefix(job: str) -> str:
    return f"{hls_prefix(job)}/video"


def hls_video_info(job: str) -> str:
    """What the master playlist needs to know about the video rendition (codecs, size)."""
    return f"{hls_video_prefix(job)}/rendition.json"


def hls_audio_prefix(job: str, lang: str) -> str:
    return f"{hls_prefix(job)}/audio/{lang}"


def hls_subtitles_prefix(job: str, lang: str) -> str:
    return f"{hls_prefix(job)}/subs/{lang}"


PLAYLIST = "index.m3u8"


def logs_prefix(job: str) -> str:
    """Each run's JSON log lines for the job (one `{runId}.jsonl` per run)."""
    return f"{job_prefix(job)}/logs"


def run_log(job: str, run_id: str) -> str:
    return f"{logs_prefix(job)}/{run_id}.jsonl"
