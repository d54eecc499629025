"""Job-level transcript: faster-whisper over the 16 kHz speech track, re-segmented into
sentence-level units (dubbing_assets/units.py) whose edges sit on the speech in the audio; speech
the transcription left out is listened to again in its own language (dubbing_assets/regions.py).

The source language is settled first (given, or detected among the languages dubflow handles) and
every target language checked against it, so a job no engine can dub fails here, before the
transcription and before any language's dub starts.
"""

import dataclasses
import time

import dagster as dg

from dubbing_assets import quality, regions, units
from dubbing_assets.configured import RESOURCES
from dubbing_assets.ingest import INGEST_GROUP, source_audio
from dubbing_assets.partitions import job_partitions
from dubbing_assets.stage import TRANSIENT_RETRY, materialized, throttled, tracked
from dubbing_assets.stage_errors import rejected
from dubbing_core import keys
from dubbing_core.requests import load_request
from resources.asr import ASR
from resources.jobstore import JobStore
from resources.storage import MediaStore
from resources.translation import Translation
from resources.wav import WavTrack

# Whisper hears the track in windows of at most this, cut in pauses: its memory is a window's.
WINDOW_SECONDS = 120.0


@dg.asset(
    partitions_def=job_partitions,
    group_name=INGEST_GROUP,
    deps=[source_audio],
    code_version=f"{RESOURCES['asr'].version()}:units-2:windows{WINDOW_SECONDS:g}",
    retry_policy=TRANSIENT_RETRY,
    description="segments_src.json: sentence-level units (from the first word's onset to the "
    "last word's end, on the speech in the audio) with their words and language, the job's "
    "language, and the speech left undubbed (untranscribed regions, ducked in the mix).",
)
def transcript(
    context: dg.AssetExecutionContext,
    store: MediaStore,
    asr: ASR,
    translation: Translation,
    jobstore: JobStore,
) -> dg.MaterializeResult:
    with tracked(context, jobstore, store) as report_progress:
        job = context.partition_key
        request = load_request(store, job)
        started = time.perf_counter()

        @throttled
        def progress(fraction: float) -> None:
            report_progress(fraction)
            context.log.info(f"transcribing: {fraction:.0%}")

        with store.local_copy(keys.speech_audio(job)) as speech:
            # Read by slice, never whole: the track is as long as the media.
            track = WavTrack(speech)
            if request.source_language == "auto":
                detected = asr.detect_language(track)
                language, probability = detected.language, detected.probability
                context.log.info(f"detected {language} (p={probability}), heard {detected.heard}")
            else:
                language, probability = request.source_language, 1.0
            translation.check_pairs(language, request.languages)
            speaking = quality.speech_activity(quality.foreground_levels(track))
            pauses = units.silences(speaking, quality.FRAME_SECONDS, units.PAUSE_SECONDS)
            windows = units.windows(pauses, len(track) / quality.RATE, WINDOW_SECONDS)
            result = asr.transcribe_windows(track, windows, language, on_progress=progress)
            result = dataclasses.replace(result, language_probability=probability)
            if not result.segments:
                raise rejected(
                    "transcript.no_speech", "no speech was recognised in the source audio"
                )
            recognised = result.to_dict()
            foreign = regions.foreign_segments(result.segments, track, quality.RATE, asr, language)
            if foreign:
                context.log.info(
                    f"segments {sorted(foreign)} are not {language}: heard again below"
                )
                recognised["segments"] = [
                    s for s in recognised["segments"] if s["id"] not in foreign
                ]
            built = units.build_units(recognised["segments"], silent=pauses, language=language)
            main = units.snap_to_speech(built, speaking, quality.FRAME_SECONDS)

            def can_dub(spoken: str) -> bool:
                return all(translation.covers(spoken, target) for target in request.languages)

            again = regions.listen_again(
                main, speaking, quality.FRAME_SECONDS, track, quality.RATE, asr, can_dub
            )
        for passage in again.not_speech:
            context.log.info(f"{passage.start}-{passage.end} s: no words (not speech), left as is")
        for heard in again.heard:
            span, spoken = f"{heard.region.start}-{heard.region.end} s", heard.language
            if heard.reason is None:
                context.log.info(f"{span}: {spoken} speech (p={heard.probability:.2f}), dubbed")
            else:
                context.log.warning(
                    f"{span}: {spoken} speech (p={heard.probability:.2f}) not dubbed "
                    f"({heard.reason}), ducked"
                )
        found = units.in_order(main, again.units)
        flagged = again.flagged
        document = {
            **recognised,
            "asr_segments": len(result.segments),
            "segments": [unit.to_segment() for unit in found],
            "untranscribed": flagged,
            # Sound as loud and unsteady as speech in which Whisper heard no words (music,
            # effects): left at its level, and not counted as speech by the leak measure.
            "not_speech": [
                {"start": passage.start, "end": passage.end} for passage in again.not_speech
            ],
        }
        store.write_json(keys.transcript(job), document)
        jobstore.set_detected_language(job, result.language)
        return materialized(
            store,
            keys.transcript(job),
            language=result.language,
            language_probability=result.language_probability,
            segments=len(found),
            asr_segments=len(result.segments),
            languages=", ".join(sorted({unit.language for unit in found})),
            untranscribed_regions=len(flagged),
            untranscribed_seconds=round(sum(region["speech_seconds"] for region in flagged), 2),
            words=sum(len(segment.words) for segment in result.segments),
            asr_seconds=round(time.perf_counter() - started, 3),
            model=result.model,
        )
