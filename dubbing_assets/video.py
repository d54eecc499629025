"""Job-level HLS video rendition, shared by every language (stream copy when possible)."""

from dataclasses import asdict

import dagster as dg

from dubbing_assets.configured import RESOURCES
from dubbing_assets.ingest import INGEST_GROUP, source_video
from dubbing_assets.partitions import job_partitions
from dubbing_assets.stage import TRANSIENT_RETRY, materialized, scratch, tracked
from dubbing_core import keys
from resources.jobstore import JobStore
from resources.media import Media
from resources.storage import MediaStore


@dg.asset(
    partitions_def=job_partitions,
    group_name=INGEST_GROUP,
    deps=[source_video],
    code_version=f"{RESOURCES['media'].version()}:start-1",
    retry_policy=TRANSIENT_RETRY,
    description="HLS video-only rendition (stream copy for H.264 sources, re-encode otherwise).",
)
def video_rendition(
    context: dg.AssetExecutionContext, store: MediaStore, media: Media, jobstore: JobStore
) -> dg.MaterializeResult:
    with tracked(context, jobstore, store):
        job = context.partition_key
        prefix = keys.hls_video_prefix(job)
        with store.local_copy(keys.upload(job)) as upload, scratch() as work:
            package = media.package_video(upload, work / "video")
            # A re-run replaces the rendition whole: no stale segments of an earlier run linger.
            store.delete_prefix(prefix)
            segments = store.put_tree(work / "video", prefix, last=keys.PLAYLIST)
        info = {**asdict(package), "playlist": f"{prefix}/{keys.PLAYLIST}"}
        store.write_json(keys.hls_video_info(job), info)
        return materialized(
            store,
            f"{prefix}/{keys.PLAYLIST}",
            stream_copied=package.stream_copied,
            codecs=package.codecs_video,
            resolution=f"{package.width}x{package.height}",
            files=len(segments),
        )
