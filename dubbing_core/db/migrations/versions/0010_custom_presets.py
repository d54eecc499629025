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

# SQLite adds the foreign key below by rebuilding job_languages (a copy renamed into place), which
# drops the table's trigger from 0006_job_events: it is made again, as 0006 made it, after the
# rebuild. PostgreSQL alters the table in place and keeps its trigger.
_SQLITE_LANGUAGE_READY = """
    CREATE TRIGGER job_events_language_ready AFTER UPDATE OF status ON job_languages
    WHEN NEW.status = 'succeeded' AND OLD.status IS NOT 'succeeded' BEGIN
      INSERT INTO job_events (job_id, kind, lang, status, created_at)
      VALUES (NEW.job_id, 'language.ready', NEW.lang, NEW.status,
              strftime('%Y-%m-%d %H:%M:%f000', 'now'));
    END"""


def _restore_sqlite_trigger() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS job_events_language_ready")
        op.execute(_SQLITE_LANGUAGE_READY)


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
    _restore_sqlite_trigger()


def downgrade() -> None:
    with op.batch_alter_table("job_languages") as batch:
        batch.drop_index("ix_job_languages_preset_id")
        batch.drop_constraint("fk_job_languages_preset_id", type_="foreignkey")
        batch.drop_column("preset_version")
        batch.drop_column("preset_id")
    _restore_sqlite_trigger()
    op.drop_index("ix_presets_user_id", "presets")
    op.drop_table("presets")
