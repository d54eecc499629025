"""job_events: every change of a job's status, a stage's status or progress, a language ready

Written by database triggers, so every writer (the API, the pipeline, the CLI) produces events
without knowing of them; on PostgreSQL each event is also announced with NOTIFY (docs/api.md,
"Live progress").

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

# The channel the API's change feed listens on (JOB_EVENTS_CHANNEL in dubbing_core/db/models.py).
CHANNEL = "dubflow_job_events"

_SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f000', 'now')"
_SQLITE_TRIGGERS = [
    f"""
    CREATE TRIGGER job_events_job_insert AFTER INSERT ON jobs BEGIN
      INSERT INTO job_events (job_id, kind, status, created_at)
      VALUES (NEW.id, 'job.status', NEW.status, {_SQLITE_NOW});
    END""",
    f"""
    CREATE TRIGGER job_events_job_update AFTER UPDATE OF status ON jobs
    WHEN NEW.status IS NOT OLD.status BEGIN
      INSERT INTO job_events (job_id, kind, status, error_code, created_at)
      VALUES (NEW.id, 'job.status', NEW.status, NEW.error_code, {_SQLITE_NOW});
    END""",
    f"""
    CREATE TRIGGER job_events_stage_update AFTER UPDATE ON stage_runs BEGIN
      INSERT INTO job_events (job_id, kind, stage, lang, status, error_code, created_at)
      SELECT NEW.job_id, 'stage.status', NEW.stage, NEW.lang, NEW.status, NEW.error_code,
             {_SQLITE_NOW}
      WHERE NEW.status IS NOT OLD.status;
      INSERT INTO job_events (job_id, kind, stage, lang, progress, created_at)
      SELECT NEW.job_id, 'stage.progress', NEW.stage, NEW.lang, NEW.progress, {_SQLITE_NOW}
      WHERE NEW.progress IS NOT OLD.progress;
    END""",
    f"""
    CREATE TRIGGER job_events_language_ready AFTER UPDATE OF status ON job_languages
    WHEN NEW.status = 'succeeded' AND OLD.status IS NOT 'succeeded' BEGIN
      INSERT INTO job_events (job_id, kind, lang, status, created_at)
      VALUES (NEW.job_id, 'language.ready', NEW.lang, NEW.status, {_SQLITE_NOW});
    END""",
]

_POSTGRES_FUNCTIONS = [
    f"""
    CREATE FUNCTION job_events_notify() RETURNS trigger AS $$
    BEGIN
      PERFORM pg_notify('{CHANNEL}', NEW.id::text);
      RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """
    CREATE FUNCTION job_events_from_job() RETURNS trigger AS $$
    BEGIN
      IF TG_OP = 'INSERT' OR NEW.status IS DISTINCT FROM OLD.status THEN
        INSERT INTO job_events (job_id, kind, status, error_code, created_at)
        VALUES (NEW.id, 'job.status', NEW.status, NEW.error_code, clock_timestamp());
      END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """
    CREATE FUNCTION job_events_from_stage() RETURNS trigger AS $$
    BEGIN
      IF NEW.status IS DISTINCT FROM OLD.status THEN
        INSERT INTO job_events (job_id, kind, stage, lang, status, error_code, created_at)
        VALUES (NEW.job_id, 'stage.status', NEW.stage, NEW.lang, NEW.status, NEW.error_code,
                clock_timestamp());
      END IF;
      IF NEW.progress IS DISTINCT FROM OLD.progress THEN
        INSERT INTO job_events (job_id, kind, stage, lang, progress, created_at)
        VALUES (NEW.job_id, 'stage.progress', NEW.stage, NEW.lang, NEW.progress,
                clock_timestamp());
      END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql""",
    """
    CREATE FUNCTION job_events_from_language() RETURNS trigger AS $$
    BEGIN
      IF NEW.status = 'succeeded' AND OLD.status IS DISTINCT FROM 'succeeded' THEN
        INSERT INTO job_events (job_id, kind, lang, status, created_at)
        VALUES (NEW.job_id, 'language.ready', NEW.lang, NEW.status, clock_timestamp());
      END IF;
      RETURN NULL;
    END $$ LANGUAGE plpgsql""",
]
_POSTGRES_TRIGGERS = [
    "CREATE TRIGGER job_events_notify AFTER INSERT ON job_events"
    " FOR EACH ROW EXECUTE FUNCTION job_events_notify()",
    "CREATE TRIGGER job_events_job AFTER INSERT OR UPDATE OF status ON jobs"
    " FOR EACH ROW EXECUTE FUNCTION job_events_from_job()",
    "CREATE TRIGGER job_events_stage AFTER UPDATE ON stage_runs"
    " FOR EACH ROW EXECUTE FUNCTION job_events_from_stage()",
    "CREATE TRIGGER job_events_language AFTER UPDATE OF status ON job_languages"
    " FOR EACH ROW EXECUTE FUNCTION job_events_from_language()",
]
_TRIGGERS = {
    "jobs": ["job_events_job_insert", "job_events_job_update", "job_events_job"],
    "stage_runs": ["job_events_stage_update", "job_events_stage"],
    "job_languages": ["job_events_language_ready", "job_events_language"],
    "job_events": ["job_events_notify"],
}
_POSTGRES_FUNCTION_NAMES = [
    "job_events_notify",
    "job_events_from_job",
    "job_events_from_stage",
    "job_events_from_language",
]


def upgrade() -> None:
    op.create_table(
        "job_events",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column(
            "job_id", sa.String(32), sa.ForeignKey("jobs.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("stage", sa.String(32), nullable=True),
        sa.Column("lang", sa.String(8), nullable=True),
        sa.Column("status", sa.String(16), nullable=True),
        sa.Column("progress", sa.Float(), nullable=True),
        sa.Column("error_code", sa.String(64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_job_events_job_id", "job_events", ["job_id", "id"])
    if op.get_context().dialect.name == "postgresql":
        statements = _POSTGRES_FUNCTIONS + _POSTGRES_TRIGGERS
    else:
        statements = _SQLITE_TRIGGERS
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    postgres = op.get_context().dialect.name == "postgresql"
    for table, triggers in _TRIGGERS.items():
        for trigger in triggers:
            op.execute(
                f"DROP TRIGGER IF EXISTS {trigger} ON {table}"
                if postgres
                else f"DROP TRIGGER IF EXISTS {trigger}"
            )
    if postgres:
        for function in _POSTGRES_FUNCTION_NAMES:
            op.execute(f"DROP FUNCTION IF EXISTS {function}()")
    op.drop_index("ix_job_events_job_id", table_name="job_events")
    op.drop_table("job_events")
