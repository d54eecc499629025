"""users: quota overrides (max_concurrent_jobs again, now read), a role (admins see
internals), and disabling

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("role", sa.String(length=16), nullable=False, server_default="user")
        )
        batch_op.add_column(sa.Column("max_concurrent_jobs", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("max_queued_jobs", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("max_media_minutes_per_day", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("max_stored_bytes", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        for column in (
            "disabled_at",
            "max_stored_bytes",
            "max_media_minutes_per_day",
            "max_queued_jobs",
            "max_concurrent_jobs",
            "role",
        ):
            batch_op.drop_column(column)
