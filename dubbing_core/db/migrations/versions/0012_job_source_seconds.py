"""jobs.source_seconds: the source's duration, copied from the upload when the job is created, so
the daily media-minutes quota sums one indexed column instead of joining every job of the day to
its upload and reading the duration out of the upload's JSON (twice per create)

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("jobs") as batch:
        batch.add_column(
            sa.Column("source_seconds", sa.Float(), nullable=False, server_default="0")
        )
    duration = (
        "CAST(json_extract(uploads.media, '$.duration_seconds') AS REAL)"
        if op.get_bind().dialect.name == "sqlite"
        else "CAST(uploads.media ->> 'duration_seconds' AS DOUBLE PRECISION)"
    )
    op.execute(
        f"UPDATE jobs SET source_seconds = COALESCE((SELECT {duration} FROM uploads "
        "WHERE uploads.id = jobs.upload_id), 0)"
    )
    op.create_index("ix_jobs_user_minutes", "jobs", ["user_id", "created_at", "source_seconds"])


def downgrade() -> None:
    op.drop_index("ix_jobs_user_minutes", table_name="jobs")
    with op.batch_alter_table("jobs") as batch:
        batch.drop_column("source_seconds")
