"""stage attempts: every attempt of every stage, for retry history and metrics

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stage_attempts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("job_id", sa.String(length=32), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.String(length=64), nullable=False),
        sa.Column("worker", sa.String(length=128), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("wait_s", sa.Float(), nullable=True),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("error_message", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["job_id"], ["jobs.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("stage_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stage_attempts_job_id"), ["job_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_stage_attempts_stage"), ["stage"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("stage_attempts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stage_attempts_stage"))
        batch_op.drop_index(batch_op.f("ix_stage_attempts_job_id"))
    op.drop_table("stage_attempts")
