"""Job-level ingest: validate and probe the source, then extract its audio."""

import dagster as dg

from dubbing_assets.configured import RESOURCES
from dubbing_assets.partitions import job_partitions
from dubbing_assets.stage import TRANSIENT_RETRY, materialized, scratch, tracked
from dubbing_assets.stage_errors import rejected
from dubbing_core import keys
from dubbing_core.requests import load_request
from resources.ffmpeg.errors import MediaError
from resources.jobstore import JobStore
from resources.media import Media
from resources.storage import MediaStore

INGEST_GROUP = "ingest"


@dg.asset(
    partitions_def=job_partitions,
    group_name=INGEST_GROUP,
    code_version=RESOURCES["media"].version(),
    retry_policy=TRANSIENT_RETRY,
    description="The uploaded video, validated (media, audio and video streams, not truncated, "
    "not too long) and probed: duration, codecs, streams.",
)
def source_video(
    context: dg.AssetExecutionContext, store: MediaStore, media: Media, jobstore: JobStore
) -> dg.MaterializeResult:
    with tracked(context, jobstore, store):
        job = context.partition_key
        request = load_request(store, job)
        with store.local_copy(keys.upload(job)) as upload:
            try:
                info = media.validate_source(upload)
            except MediaError as error:
                raise rejected(
                    error.code, error.message, source_name=request.source_name
                ) from error
        store.write_json(keys.source_probe(job), info.to_dict())
        return materialized(
            store,
            keys.upload(job),
            source_name=request.source_name,
            duration_s=info.duration,
            video_codec=info.video.codec if info.video else None,
            audio_codec=info.audio.codec if info.audio else None,
            probe_key=keys.source_probe(job),
        )


@dg.asset(
    partitions_def=job_partitions,
    group_name=INGEST_GROUP,
    deps=[source_video],
    code_version=RESOURCES["media"].version(),
    retry_policy=TRANSIENT_RETRY,
    description="The source's audio: 16 kHz mono for ASR and 48 kHz stereo for the mix.",
)
def source_audio(
    context: dg.AssetExecutionContext, store: MediaStore, media: Media, jobstore: JobStore
) -> dg.MaterializeResult:
    with tracked(context, jobstore, store):
        job = context.partition_key
        with store.local_copy(keys.upload(job)) as upload, scratch() as work:
            speech, full = work / "speech16k.wav", work / "audio48k.wav"
            media.extract_audio(upload, speech, full)
            store.put_file(full, keys.full_audio(job))
            store.put_file(speech, keys.speech_audio(job))
        return materialized(
            store,
            keys.speech_audio(job),
            full_audio_key=keys.full_audio(job),
            full_audio_bytes=store.size(keys.full_audio(job)),
        )
