"""Per-language mix: the dubbed speech over the original, ducked over every unit's speech,
brought to the loudness target; and the language's quality report, measured from the audio."""

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import dagster as dg

from dubbing_assets import quality
from dubbing_assets.configured import RESOURCES
from dubbing_assets.ingest import source_audio
from dubbing_assets.partitions import FROM_JOB, job_lang_partitions, split_job_lang
from dubbing_assets.speech import dubbed_speech
from dubbing_assets.stage import TRANSIENT_RETRY, materialized, scratch, tracked
from dubbing_assets.transcription import transcript
from dubbing_assets.translation import DUB_GROUP
from dubbing_core import keys
from dubbing_core.presets import catalog_version
from dubbing_core.requests import load_request
from resources.jobstore import JobStore
from resources.media import Media
from resources.storage import MediaStore
from resources.wav import WavTrack

# The quality report's unit table as Dagster table metadata: name, type.
_UNIT_COLUMNS = {
    "index": "int",
    "source_start": "float",
    "source_end": "float",
    "dub_start": "float",
    "dub_end": "float",
    "onset_offset": "float",
    "coverage": "float",
    "speed_ratio": "float",
    "overflow": "float",
    "leak": "float",
    "loudness_lufs": "float",
    "text": "string",
}


def duck_spans(
    timing_report: dict[str, Any], untranscribed: Sequence[dict[str, Any]] = ()
) -> list[tuple[float, float]]:
    """Where the original goes down: each unit's source speech, wherever its dub sounds, and the
    speech that could not be dubbed (`untranscribed` regions of the transcript): heard at full
    level it would be the original language under nothing."""
    spans = []
    for unit in timing_report["segments"]:
        spans.append((unit["source_start"], unit["source_end"]))
        if unit["dub_start"] is not None:
            spans.append((unit["dub_start"], unit["dub_end"]))
    spans += [(region["start"], region["end"]) for region in untranscribed]
    return spans


def unit_table(report: dict[str, Any]) -> dg.TableMetadataValue:
    schema = dg.TableSchema(
        columns=[dg.TableColumn(name, kind) for name, kind in _UNIT_COLUMNS.items()]
    )
    records = [
        dg.TableRecord({name: unit[name] for name in _UNIT_COLUMNS}) for unit in report["units"]
    ]
    return dg.MetadataValue.table(records, schema)


def measure_quality(
    media: Media,
    lang: str,
    *,
    source: Path,
    speech: Path,
    mix: Path,
    work: Path,
    momentary: Sequence[tuple[float, float]],
    loudness_lufs: float,
    true_peak_dbtp: float,
    duration: float,
    translation: dict[str, Any],
    timing_report: dict[str, Any],
    transcribed: dict[str, Any],
) -> dict[str, Any]:
    """The quality report of a finished mix (dubbing_assets/quality.py), every signal decoded
    from its file: the source's 16 kHz speech track read as it is, the dub and the mix decoded to
    16 kHz files in `work`, each read a minute at a time (held whole, the three tracks were
    11 MiB per minute of media)."""
    source_audio = WavTrack(source)
    dub = media.decode_track(speech, work / "dub.f32", quality.RATE)
    final = media.decode_track(mix, work / "mix.f32", quality.RATE)
    segments = translation["segments"]
    timings = quality.measure_dub_timing([(s["start"], s["end"]) for s in segments], dub)
    return quality.quality_report(
        lang,
        timings,
        segments,
        timing_report["segments"],
        leak=quality.measure_leak(
            source_audio,
            dub,
            final,
            [(span["start"], span["end"]) for span in transcribed.get("not_speech", [])],
        ),
        momentary=momentary,
        loudness_lufs=loudness_lufs,
        true_peak_dbtp=true_peak_dbtp,
        duration=duration,
        untranscribed=transcribed.get("untranscribed", []),
    )


@dg.asset(
    partitions_def=job_lang_partitions,
    group_name=DUB_GROUP,
    deps=[
        dubbed_speech,
        dg.AssetDep(source_audio, partition_mapping=FROM_JOB),
        dg.AssetDep(transcript, partition_mapping=FROM_JOB),
    ],
    code_version=f"{RESOURCES['media'].version()}:presets-{catalog_version()}:mix-3",
    retry_policy=TRANSIENT_RETRY,
    description="{lang}/mix.m4a: the dub over the original, ducked by the preset's depth over "
    "each unit's source speech and each untranscribed region, at the loudness target, as long as "
    "the video; and {lang}/quality.json: onsets, coverage, leak and loudness per unit, and the "
    "speech left undubbed, measured from the audio.",
)
def dubbed_mix(
    context: dg.AssetExecutionContext, store: MediaStore, media: Media, jobstore: JobStore
) -> dg.MaterializeResult:
    with tracked(context, jobstore, store):
        job, lang = split_job_lang(context.partition_key)
        preset = load_request(store, job).target(lang).resolved_preset()
        timing_report = store.read_json(keys.timing_report(job, lang))
        length = store.read_json(keys.source_probe(job))["duration"]
        transcript_document = store.read_json(keys.transcript(job))
        # Transcripts written before regions were heard again have neither list.
        untranscribed = transcript_document.get("untranscribed", [])
        with (
            store.local_copy(keys.full_audio(job)) as background,
            store.local_copy(keys.speech_audio(job)) as source,
            store.local_copy(keys.speech(job, lang)) as speech,
            scratch() as work,
        ):
            # Out of range raises mix.loudness_out_of_range, a permanent failure (stage_errors).
            mixed = media.mix(
                background,
                speech,
                work / "mix.m4a",
                duck_spans=duck_spans(timing_report, untranscribed),
                length=length,
                duck_db=preset.duck_db,
                background_gain_db=preset.background_gain_db,
                target_lufs=preset.loudness_lufs,
            )
            report = measure_quality(
                media,
                lang,
                source=source,
                speech=speech,
                mix=work / "mix.m4a",
                work=work,
                momentary=mixed.momentary,
                loudness_lufs=mixed.integrated_lufs,
                true_peak_dbtp=mixed.true_peak,
                duration=mixed.duration_s,
                translation=store.read_json(keys.translation(job, lang)),
                timing_report=timing_report,
                transcribed=transcript_document,
            )
            store.put_file(work / "mix.m4a", keys.mix(job, lang))
        store.write_json(keys.quality_report(job, lang), report)
        summary = report["summary"]
        return materialized(
            store,
            keys.mix(job, lang),
            integrated_lufs=mixed.integrated_lufs,
            true_peak_dbtp=mixed.true_peak,
            target_lufs=media.target_lufs if preset.loudness_lufs is None else preset.loudness_lufs,
            gain_db=mixed.gain_db,
            limited=mixed.limited,
            duration_s=mixed.duration_s,
            duck_db=preset.duck_db,
            quality_key=keys.quality_report(job, lang),
            leak=summary["leak"],
            onset_within_100ms=summary["onset_within_100ms"],
            untranscribed_seconds=summary["untranscribed_seconds"],
            median_onset_offset=summary["median_onset_offset"],
            mean_coverage=summary["mean_coverage"],
            units=unit_table(report),
        )
