"""A real object-store outage: the S3 server (`rclone serve s3`) goes away while a job ingests and
comes back a little later. The stages fail with `storage.unavailable`, Dagster retries them with
back-off, and the job completes once the store is back, with what was stored before intact."""

import threading
import time

from dubbing_core import keys
from testing.harness import make_pipeline
from testing.media import MEDIA, make_video
from testing.servers import S3_ACCESS_KEY, S3_SECRET_KEY, s3_server

# Longer than botocore's own retries of one request (6-10 s here), shorter than the stage's
# retry budget (3 retries, 2 s doubling, each attempt waiting on botocore again).
OUTAGE_SECONDS = 12.0


def test_an_s3_outage_is_retried_until_the_store_is_back(tmp_path, models_dir):
    video = make_video(tmp_path / "clip.mp4", MEDIA / "multilingual.mp3", seconds=4.0)
    with s3_server(tmp_path / "s3") as s3:
        pipeline = make_pipeline(
            tmp_path,
            models_dir,
            storage_url=s3.root("outage"),
            s3_endpoint_url=s3.endpoint_url,
            s3_access_key=S3_ACCESS_KEY,
            s3_secret_key=S3_SECRET_KEY,
        )
        job = pipeline.submit(video, ["es"], source_language="en")
        upload_hash = pipeline.store.sha256(keys.upload(job))

        s3.stop()
        back = threading.Timer(OUTAGE_SECONDS, s3.start)
        started = time.monotonic()
        back.start()
        try:
            ingest = pipeline.ingest(job)
        finally:
            back.join()
        print(f"{OUTAGE_SECONDS:.0f} s outage -> ingest done in {time.monotonic() - started:.1f} s")

        assert ingest.success
        retries = [e for e in ingest.all_events if e.event_type_value == "STEP_UP_FOR_RETRY"]
        assert retries, "the outage should have cost at least one retry"
        # Dagster wraps the stage's error in RetryRequestedFromPolicy: its cause is ours.
        causes = {e.event_specific_data.error.cause.cls_name for e in retries}  # type: ignore[union-attr]
        assert causes == {"StorageUnavailable"}
        assert pipeline.store.sha256(keys.upload(job)) == upload_hash
        assert pipeline.store.read_json(keys.transcript(job))["segments"]
