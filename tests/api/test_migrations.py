"""Migrations: the API, the daemon and run workers migrate as they start, often at once."""

import subprocess
import sys

from alembic import command
from sqlalchemy import create_engine, inspect, text

from dubbing_api.core.config import ApiSettings
from dubbing_core.db import alembic_config

MIGRATE = "import sys; from dubbing_core.db import migrate; migrate(sys.argv[1])"


def test_processes_migrating_a_fresh_database_at_once_all_succeed(settings: ApiSettings):
    url = settings.resolved_database_url
    migrators = [
        subprocess.Popen([sys.executable, "-c", MIGRATE, url], stderr=subprocess.PIPE)
        for _ in range(4)
    ]
    errors = [process.communicate()[1].decode() for process in migrators]
    assert [process.returncode for process in migrators] == [0] * 4, errors
    engine = create_engine(url)
    assert {"jobs", "stage_runs", "outbox_events"} <= set(inspect(engine).get_table_names())
    engine.dispose()


# The triggers 0006_job_events puts on the tables the live event stream watches, per database.
EVENT_TRIGGERS = {
    "sqlite": {
        "job_events_job_insert",
        "job_events_job_update",
        "job_events_stage_update",
        "job_events_language_ready",
    },
    "postgresql": {
        "job_events_notify",
        "job_events_job",
        "job_events_stage",
        "job_events_language",
    },
}


def test_the_event_triggers_survive_every_later_migration(settings: ApiSettings):
    """SQLite rebuilds a table for some changes (a foreign key added to job_languages did), which
    drops the table's triggers: the stream then misses that table's events."""
    url = settings.resolved_database_url
    subprocess.run([sys.executable, "-c", MIGRATE, url], check=True)
    engine = create_engine(url)
    query = (
        "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        if engine.dialect.name == "sqlite"
        else "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"
    )
    with engine.connect() as connection:
        names = set(connection.exec_driver_sql(query).scalars())
    engine.dispose()
    assert EVENT_TRIGGERS[engine.dialect.name] <= names


def test_jobs_made_before_0012_count_their_source_seconds(settings: ApiSettings):
    """The daily media-minutes quota sums jobs.source_seconds: jobs that existed before the column
    get their upload's duration."""
    url = settings.resolved_database_url
    command.upgrade(alembic_config(url), "0011")
    engine = create_engine(url)
    media_value = ":media" if engine.dialect.name == "sqlite" else "CAST(:media AS JSON)"
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, email, name, role, created_at) "
                "VALUES ('u1', 'u1@example.com', 'u1', 'user', CURRENT_TIMESTAMP)"
            )
        )
        for upload, media in (("up1", '{"duration_seconds": 42.5}'), ("up2", None)):
            connection.execute(
                text(
                    "INSERT INTO uploads (id, user_id, filename, content_type, size_bytes, "
                    "part_size, part_count, status, storage_key, media, created_at, expires_at) "
                    "VALUES (:id, 'u1', 'a.mp4', 'video/mp4', 1, 1, 1, 'completed', 'k', "
                    f"{media_value}, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {"id": upload, "media": media},
            )
            connection.execute(
                text(
                    "INSERT INTO jobs (id, user_id, upload_id, source_language, status, "
                    "created_at, updated_at) VALUES (:id, 'u1', :upload, 'en', 'queued', "
                    "CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
                ),
                {"id": f"job-{upload}", "upload": upload},
            )
    command.upgrade(alembic_config(url), "head")
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, source_seconds FROM jobs"))
        seconds = {job: value for job, value in rows}
    engine.dispose()
    assert seconds == {"job-up1": 42.5, "job-up2": 0.0}
