"""Sensors against a real SQLite app database and an ephemeral Dagster instance."""

import dagster as dg
import pytest

from dubbing_assets.automation.chaining import chain_dub_runs
from dubbing_assets.automation.status import job_cancellations, job_failures, language_completions
from dubbing_assets.automation.submissions import submissions
from dubbing_assets.definitions import defs
from dubbing_core.db import migrate
from dubbing_core.db.models import Job, JobLanguage, OutboxEvent, StageRun, Upload, User, utcnow
from dubbing_core.db.session import session_scope
from resources.jobstore import JobStore


@pytest.fixture
def db(tmp_path):
    url = f"sqlite:///{tmp_path / 'app.db'}"
    migrate(url)
    return url


def add_job(url, job_id, langs=("es", "ca"), status="queued"):
    with session_scope(url) as session:
        if session.get(User, "u1") is None:
            session.add(User(id="u1", email="a@example.com"))
            session.flush()
            session.add(
                Upload(
                    id="up1",
                    user_id="u1",
                    filename="a.mp4",
                    content_type="video/mp4",
                    size_bytes=1,
                    part_size=1,
                    part_count=1,
                    storage_key="k",
                    expires_at=utcnow(),
                )
            )
            session.flush()
        session.add(Job(id=job_id, user_id="u1", upload_id="up1", status=status))
        session.flush()
        for position, lang in enumerate(langs):
            session.add(JobLanguage(job_id=job_id, lang=lang, preset="default", position=position))


def add_event(url, job_id, kind, payload, event_id=None):
    with session_scope(url) as session:
        session.add(OutboxEvent(id=event_id, job_id=job_id, kind=kind, payload=payload))


def evaluate(db, cursor=None):
    context = dg.build_sensor_context(
        instance=dg.DagsterInstance.ephemeral(),
        cursor=cursor,
        resources={"jobstore": JobStore(database_url=db)},
        definitions=defs,
    )
    return submissions(context)


def test_submission_adds_the_partition_and_requests_ingest(db):
    add_job(db, "job-aaaaaa")
    add_event(db, "job-aaaaaa", "job.submitted", {"languages": ["es", "ca"]})
    result = evaluate(db)
    assert result.dynamic_partitions_requests[0].partition_keys == ["job-aaaaaa"]
    (request,) = result.run_requests
    assert request.job_name == "ingest_assets_job" and request.partition_key == "job-aaaaaa"
    assert request.tags["dubflow/job"] == "job-aaaaaa" and request.tags["dubflow/langs"] == "es,ca"
    assert request.asset_selection is None
    assert result.cursor == "1"
    again = evaluate(db, cursor=result.cursor)
    assert again.run_requests == [] and again.cursor == "1"


def test_an_event_that_commits_after_a_higher_id_still_starts_its_job(db):
    # On PostgreSQL two creates can commit in the opposite order of their outbox ids: the
    # sensor must not step over the lower id while its transaction is still open.
    add_job(db, "job-lower1")
    add_job(db, "job-higher")
    add_event(db, "job-higher", "job.submitted", {"languages": ["es"]}, event_id=2)
    first = evaluate(db)
    assert [r.partition_key for r in first.run_requests] == ["job-higher"]
    add_event(db, "job-lower1", "job.submitted", {"languages": ["es"]}, event_id=1)
    second = evaluate(db, cursor=first.cursor)
    assert [r.partition_key for r in second.run_requests] == ["job-lower1"]
    assert second.cursor == "2"
    assert evaluate(db, cursor=second.cursor).run_requests == []


def test_cancelled_jobs_are_skipped(db):
    add_job(db, "job-bbbbbb", status="cancelled")
    add_event(db, "job-bbbbbb", "job.submitted", {"languages": ["es"]})
    result = evaluate(db)
    assert result.run_requests == [] and result.cursor == "1"


def test_retry_from_a_language_stage_requests_dub_runs_with_the_subset(db):
    add_job(db, "job-cccccc")
    add_event(
        db, "job-cccccc", "job.retry", {"resume_from": "dubbed_speech", "languages": ["es", "ca"]}
    )
    requests = evaluate(db).run_requests
    assert [r.job_name for r in requests] == ["dub_assets_job", "dub_assets_job"]
    assert [r.partition_key for r in requests] == ["job-cccccc|es", "job-cccccc|ca"]
    for request in requests:
        assert {k.to_user_string() for k in request.asset_selection} == {
            "dubbed_speech",
            "dubbed_mix",
            "audio_rendition",
        }


def test_retry_from_transcript_requests_ingest_of_transcript_only(db):
    add_job(db, "job-dddddd")
    add_event(db, "job-dddddd", "job.retry", {"resume_from": "transcript", "languages": ["es"]})
    (request,) = evaluate(db).run_requests
    assert request.job_name == "ingest_assets_job"
    assert [k.to_user_string() for k in request.asset_selection] == ["transcript"]
    assert request.tags["dubflow/resume_from"] == "transcript"


def test_a_redub_requests_from_translation_on_only_the_languages_with_changes(db):
    add_job(db, "job-rrrrrr")
    add_event(db, "job-rrrrrr", "units.edited", {"languages": ["es"], "units": [1]})
    add_event(
        db,
        "job-rrrrrr",
        "job.redub",
        {"resume_from": "translation", "languages": ["es"], "units": [1]},
    )
    result = evaluate(db)
    (request,) = result.run_requests  # an edit alone runs nothing
    assert request.partition_key == "job-rrrrrr|es"
    assert request.tags["dubflow/resume_from"] == "translation"
    assert request.asset_selection is None  # every language stage, from translation on
    assert result.cursor == "2"


def _run(instance, job_name, partition, tags):
    job_def = defs.resolve_job_def(job_name)
    return instance.create_run_for_job(
        job_def, tags={**tags, "dagster/partition": partition}, status=dg.DagsterRunStatus.SUCCESS
    )


def _event(run, event_type):
    return dg.DagsterEvent(event_type_value=event_type.value, job_name=run.job_name, message="test")


def _outcome_of(sensor, instance, run, event_type, store):
    """What a run-status sensor does when `run` reaches `event_type`."""
    context = dg.build_run_status_sensor_context(
        sensor_name=sensor.name,
        dagster_event=_event(run, event_type),
        dagster_instance=instance,
        dagster_run=run,
        resources={"jobstore": store},
    )
    return sensor(context)


def test_chaining_requests_one_dub_run_per_language(db):
    add_job(db, "job-eeeeee")
    instance = dg.DagsterInstance.ephemeral()
    run = _run(
        instance,
        "ingest_assets_job",
        "job-eeeeee",
        {"dubflow/job": "job-eeeeee", "dubflow/langs": "es,ca", "dubflow/resume_from": ""},
    )
    store = JobStore(database_url=db)
    requests = _outcome_of(chain_dub_runs, instance, run, dg.DagsterEventType.RUN_SUCCESS, store)
    assert [r.partition_key for r in requests] == ["job-eeeeee|es", "job-eeeeee|ca"]
    assert all(r.asset_selection is None and r.tags["dubflow/lang"] for r in requests)

    with session_scope(db) as session:
        session.get(Job, "job-eeeeee").status = "cancelled"
    skipped = _outcome_of(chain_dub_runs, instance, run, dg.DagsterEventType.RUN_SUCCESS, store)
    assert isinstance(skipped, dg.SkipReason)


def test_status_sensors_update_the_job(db):
    add_job(db, "job-ffffff", langs=("es", "ca"), status="running")
    instance = dg.DagsterInstance.ephemeral()
    store = JobStore(database_url=db)
    for lang in ("es", "ca"):
        run = _run(
            instance,
            "dub_assets_job",
            f"job-ffffff|{lang}",
            {"dubflow/job": "job-ffffff", "dubflow/lang": lang},
        )
        _outcome_of(language_completions, instance, run, dg.DagsterEventType.RUN_SUCCESS, store)
        with session_scope(db) as session:
            job = session.get(Job, "job-ffffff")
            assert job.status == ("running" if lang == "es" else "succeeded")

    add_job(db, "job-gggggg", langs=("es",), status="running")
    with session_scope(db) as session:
        session.add(
            StageRun(job_id="job-gggggg", lang="es", stage="dubbed_speech", status="running")
        )
    run = _run(
        instance,
        "dub_assets_job",
        "job-gggggg|es",
        {"dubflow/job": "job-gggggg", "dubflow/lang": "es"},
    )
    _outcome_of(job_cancellations, instance, run, dg.DagsterEventType.RUN_CANCELED, store)
    with session_scope(db) as session:
        assert session.get(Job, "job-gggggg").status == "cancelled"
        assert session.query(StageRun).filter_by(job_id="job-gggggg").one().status == "cancelled"


def test_runs_and_their_chained_runs_carry_the_event_they_serve(db):
    add_job(db, "job-hhhhhh", langs=("es",))
    add_event(db, "job-hhhhhh", "job.submitted", {"languages": ["es"]})
    (ingest,) = evaluate(db).run_requests
    assert ingest.tags["dubflow/event"] == "1"
    instance = dg.DagsterInstance.ephemeral()
    run = _run(instance, "ingest_assets_job", "job-hhhhhh", ingest.tags)
    store = JobStore(database_url=db)
    (dub,) = _outcome_of(chain_dub_runs, instance, run, dg.DagsterEventType.RUN_SUCCESS, store)
    assert dub.tags["dubflow/event"] == "1"


def test_the_outcome_of_a_run_from_before_a_retry_leaves_the_job_alone(db):
    """Cancel, then retry at once: the cancelled run's end, seen by the sensor a tick later,
    must not cancel (or fail, or finish) the retried job."""
    add_job(db, "job-iiiiii", langs=("es",), status="queued")
    add_event(db, "job-iiiiii", "job.submitted", {"languages": ["es"]})
    add_event(db, "job-iiiiii", "job.retry", {"resume_from": "dubbed_speech", "languages": ["es"]})
    instance = dg.DagsterInstance.ephemeral()
    store = JobStore(database_url=db)
    stale = {"dubflow/job": "job-iiiiii", "dubflow/lang": "es", "dubflow/event": "1"}
    run = _run(instance, "dub_assets_job", "job-iiiiii|es", stale)
    _outcome_of(job_cancellations, instance, run, dg.DagsterEventType.RUN_CANCELED, store)
    _outcome_of(language_completions, instance, run, dg.DagsterEventType.RUN_SUCCESS, store)
    with session_scope(db) as session:
        assert session.get(Job, "job-iiiiii").status == "queued"

    current = _run(instance, "dub_assets_job", "job-iiiiii|es", {**stale, "dubflow/event": "2"})
    _outcome_of(job_cancellations, instance, current, dg.DagsterEventType.RUN_CANCELED, store)
    with session_scope(db) as session:
        assert session.get(Job, "job-iiiiii").status == "cancelled"


def test_failure_sensor_records_the_stage_error_code(db, tmp_path, models_dir):
    """A real failed run: a non-media source fails source_video with source.not_media."""
    from testing.harness import make_pipeline

    pipeline = make_pipeline(tmp_path, models_dir)
    notes = tmp_path / "notes.mp4"
    notes.write_text("not a video")
    job_id = pipeline.submit(notes, ["es"])
    add_job(db, job_id, langs=("es",), status="running")
    result = pipeline.ingest(job_id)
    assert not result.success
    run = pipeline.instance.get_run_by_id(result.run_id)
    run = run.with_tags({**run.tags, "dubflow/job": job_id})
    (record,) = pipeline.instance.all_logs(result.run_id, of_type=dg.DagsterEventType.RUN_FAILURE)
    failure = record.dagster_event
    context = dg.build_run_status_sensor_context(
        sensor_name="job_failures",
        dagster_event=failure,
        dagster_instance=pipeline.instance,
        dagster_run=run,
        resources={"jobstore": JobStore(database_url=db)},
    ).for_run_failure()
    job_failures(context)
    with session_scope(db) as session:
        job = session.get(Job, job_id)
        assert job.status == "failed" and job.error_code == "source.not_media"
