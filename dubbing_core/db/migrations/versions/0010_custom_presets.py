"""custom presets: users' own presets, and which one (and which version) each job language uses
(docs/editing.md, "Custom presets")

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "presets",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column(
            "user_id", sa.String(32), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("user_id", "name"),
    )
    op.create_index("ix_presets_user_id", "presets", ["user_id"])
    with op.batch_alter_table("job_languages") as batch:
        batch.add_column(sa.Column("preset_id", sa.String(32), nullable=True))
        batch.add_column(sa.Column("preset_version", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            "fk_job_languages_preset_id", "presets", ["preset_id"], ["id"], ondelete="SET NULL"
        )
        batch.create_index("ix_job_languages_preset_id", ["preset_id"])


def downgrade() -> None:
    with op.batch_alter_table("job_languages") as batch:
        batch.drop_index("ix_job_languages_preset_id")
        batch.drop_constraint("fk_job_languages_preset_id", type_="foreignkey")
        batch.drop_column("preset_version")
        batch.drop_column("preset_id")
    op.drop_index("ix_presets_user_id", "presets")
    op.drop_table("presets")
