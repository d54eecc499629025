"""Per-language dubbed speech: every unit synthesized and fitted to its source time slot, and
its timing measured against the source speech."""

import dagster as dg
import numpy as np

from dubbing_assets import quality, timing
from dubbing_assets.configured import RESOURCES
from dubbing_assets.partitions import job_lang_partitions, split_job_lang
from dubbing_assets.speech_cache import SpeechCache
from dubbing_assets.stage import TRANSIENT_RETRY, materialized, scratch, throttled, tracked
from dubbing_assets.translation import DUB_GROUP, translation
from dubbing_core import keys
from dubbing_core.presets import Preset, catalog_version
from dubbing_core.requests import load_request
from dubbing_core.voices import Voice, get_voice
from resources.jobstore import JobStore
from resources.media import Media
from resources.storage import MediaStore
from resources.tts import TTS
from resources.wav import WavTimeline, WavTrack


def speech_fingerprint(voice: Voice, preset: Preset) -> str:
    """What a language's dubbed speech depends on beyond its inputs: the voice (its id, which
    tells downloaded voices apart, and its version) and the preset. Recorded with every
    materialization; the re-dub schedule compares, and it keys the per-unit speech cache."""
    return f"{voice.fingerprint}+preset-{preset.version}"


@dg.asset(
    partitions_def=job_lang_partitions,
    group_name=DUB_GROUP,
    deps=[translation],
    code_version=f"{RESOURCES['tts'].version()}:presets-{catalog_version()}:fit-2",
    retry_policy=TRANSIENT_RETRY,
    description="{lang}/speech.wav (as long as the source) and {lang}/timing.json: each unit "
    "at its source speech onset, sped up within the preset's caps; onset offset, coverage, speed "
    "ratio and overflow measured against the source speech.",
)
def dubbed_speech(
    context: dg.AssetExecutionContext,
    store: MediaStore,
    tts: TTS,
    media: Media,
    jobstore: JobStore,
) -> dg.MaterializeResult:
    with tracked(context, jobstore, store) as report_progress:
        job, lang = split_job_lang(context.partition_key)
        target = load_request(store, job).target(lang)
        preset = target.resolved_preset()
        voice = get_voice(target.voice_id(), lang, tts.voices())
        document = store.read_json(keys.translation(job, lang))
        duration = store.read_json(keys.source_probe(job))["duration"]
        texts = [segment["text"] for segment in document["segments"]]
        spans = [(segment["start"], segment["end"]) for segment in document["segments"]]

        cache = SpeechCache(
            store,
            keys.speech_cache_prefix(job, lang),
            f"{tts.version()}|{speech_fingerprint(voice, preset)}",
        )

        def synthesize(index: int, rate: float) -> np.ndarray:
            return cache.speech(
                texts[index],
                rate,
                lambda: media.trim_silence(
                    tts.synthesize(texts[index], voice, rate), voice.sample_rate
                ),
            )

        def stretch(samples: np.ndarray, ratio: float) -> np.ndarray:
            return media.time_stretch(samples, voice.sample_rate, ratio)

        done = [0]
        # Each segment's fit is in the timing report: no event-log line per segment.
        report_fraction = throttled(report_progress)

        def progress(_: timing.SegmentFit) -> None:
            done[0] += 1
            report_fraction(done[0] / len(texts))

        with scratch() as work:
            frames = round(duration * voice.sample_rate)
            with WavTimeline(work / "speech.wav", voice.sample_rate, frames) as timeline:
                fits = timing.fit_segments(
                    timing.slots(spans, duration),
                    synthesize,
                    stretch,
                    timeline,
                    rate=voice.sample_rate,
                    max_engine_rate=preset.max_engine_rate,
                    max_stretch=preset.max_stretch,
                    on_segment=progress,
                )
            pruned = cache.prune()
            # Measured from the file as stored (16-bit), read a minute at a time.
            measured = quality.measure_dub_timing(
                spans, WavTrack(work / "speech.wav"), voice.sample_rate
            )
            store.put_file(work / "speech.wav", keys.speech(job, lang))
        summary = {**timing.summary(fits), **quality.timing_summary(measured)}
        by_index = {fit.index: fit for fit in fits}
        report = {
            "language": lang,
            "voice": voice.id,
            "preset": preset.name,
            "summary": summary,
            "segments": [
                {**by_index[unit.index].to_dict(), **unit.to_dict(), "text": texts[unit.index]}
                for unit in measured
            ],
        }
        store.write_json(keys.timing_report(job, lang), report)
        return materialized(
            store,
            keys.speech(job, lang),
            voice=voice.id,
            preset=preset.name,
            fingerprint=speech_fingerprint(voice, preset),
            timing_key=keys.timing_report(job, lang),
            duration_s=round(frames / voice.sample_rate, 3),
            synthesized_units=sum(text in cache.synthesized for text in texts),
            pruned_cache_entries=pruned,
            **summary,
        )
