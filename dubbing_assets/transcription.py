"""Job-level transcript: faster-whisper over the 16 kHz speech track."""

import time

import dagster as dg

from dubbing_assets.configured import RESOURCES
from dubbing_assets.ingest import INGEST_GROUP, source_audio
from dubbing_assets.partitions import job_partitions
from dubbing_assets.stage import TRANSIENT_RETRY, materialized, tracked
from dubbing_assets.stage_errors import rejected
from dubbing_core import keys
from dubbing_core.requests import load_request
from resources.asr import ASR
from resources.jobstore import JobStore
from resources.storage import MediaStore


@dg.asset(
    partitions_def=job_partitions,
    group_name=INGEST_GROUP,
    deps=[source_audio],
    code_version=RESOURCES["asr"].version(),
    retry_policy=TRANSIENT_RETRY,
    description="segments_src.json: timed segments with words, language and confidence.",
)
def transcript(
    context: dg.AssetExecutionContext, store: MediaStore, asr: ASR, jobstore: JobStore
) -> dg.MaterializeResult:
    with tracked(context, jobstore, store) as report_progress:
        job = context.partition_key
        request = load_request(store, job)
        language = None if request.source_language == "auto" else request.source_language
        started = time.perf_counter()
        reported = [0.0]

        def progress(fraction: float) -> None:
            if fraction - reported[0] >= 0.1 or fraction >= 1.0:
                reported[0] = fraction
                report_progress(fraction)
                context.log.info(f"transcribing: {fraction:.0%}")

        with store.local_copy(keys.speech_audio(job)) as speech:
            result = asr.transcribe(speech, language=language, on_progress=progress)
        if not result.segments:
            raise rejected("transcript.no_speech", "no speech was recognised in the source audio")
        store.write_json(keys.transcript(job), result.to_dict())
        jobstore.set_detected_language(job, result.language)
        return materialized(
            store,
            keys.transcript(job),
            language=result.language,
            language_probability=result.language_probability,
            segments=len(result.segments),
            words=sum(len(segment.words) for segment in result.segments),
            asr_seconds=round(time.perf_counter() - started, 3),
            model=result.model,
        )
