"""jobs(user_id, status): the quota checks count a user's queued and running jobs on every create

Without it the count walked every job of the user (ix_jobs_user_created) or every job with the
status (ix_jobs_status): tens of milliseconds per create for a user with thousands of jobs.

Revision ID: 0007
Revises: 0006
"""

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_jobs_user_status", "jobs", ["user_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_jobs_user_status", table_name="jobs")
