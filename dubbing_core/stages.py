"""The stage graph, shared by the pipeline and the API (which may not import the pipeline).

`StageName` is the one spelling of the stage names: the API contract publishes it, the web app's
stage list is typed by it, and `tests/test_defs.py` checks that the Dagster assets are exactly
these stages with exactly these edges.
"""

from typing import Literal

StageName = Literal[
    "source_video",
    "source_audio",
    "transcript",
    "video_rendition",
    "translation",
    "dubbed_speech",
    "dubbed_mix",
    "audio_rendition",
    "subtitles",
]

JOB_STAGES: tuple[StageName, ...] = (
    "source_video",
    "source_audio",
    "transcript",
    "video_rendition",
)
LANGUAGE_STAGES: tuple[StageName, ...] = (
    "translation",
    "dubbed_speech",
    "dubbed_mix",
    "audio_rendition",
    "subtitles",
)
STAGES: tuple[StageName, ...] = JOB_STAGES + LANGUAGE_STAGES

# stage -> the stages it reads from
UPSTREAM: dict[str, frozenset[str]] = {
    "source_video": frozenset(),
    "source_audio": frozenset({"source_video"}),
    "transcript": frozenset({"source_audio"}),
    "video_rendition": frozenset({"source_video"}),
    "translation": frozenset({"transcript"}),
    "dubbed_speech": frozenset({"translation"}),
    "dubbed_mix": frozenset({"dubbed_speech", "source_audio", "transcript"}),
    "audio_rendition": frozenset({"dubbed_mix", "video_rendition"}),
    "subtitles": frozenset({"translation", "video_rendition"}),
}


def downstream(stage: str) -> tuple[str, ...]:
    """`stage` and every stage that depends on it, directly or not, in pipeline order."""
    if stage not in UPSTREAM:
        raise KeyError(stage)
    selected = {stage}
    for candidate in STAGES:  # STAGES is in topological order
        if UPSTREAM[candidate] & selected:
            selected.add(candidate)
    return tuple(s for s in STAGES if s in selected)


def resume_plan(stage: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """What re-runs when resuming from `stage`: (job-level stages, per-language stages)."""
    selected = downstream(stage)
    return (
        tuple(s for s in selected if s in JOB_STAGES),
        tuple(s for s in selected if s in LANGUAGE_STAGES),
    )
