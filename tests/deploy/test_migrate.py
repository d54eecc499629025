"""`dubflow migrate`: what a deployment runs once before its services start."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path


def test_migrate_creates_both_schemas(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "DUBFLOW_DATA_DIR": str(tmp_path / "data"),
        "DAGSTER_HOME": str(tmp_path / "dagster"),
    }
    command = [sys.executable, "-c", "from dubflow_cli.main import app; app()", "migrate"]
    for _ in range(2):  # idempotent: a second deployment start migrates nothing
        subprocess.run(command, env=env, check=True, capture_output=True, timeout=120)

    with sqlite3.connect(tmp_path / "data" / "app.db") as app_db:
        tables = {row[0] for row in app_db.execute("SELECT name FROM sqlite_master")}
    assert {"alembic_version", "jobs"} <= tables
    with sqlite3.connect(tmp_path / "dagster" / "history" / "runs.db") as runs_db:
        (version,) = runs_db.execute("SELECT version_num FROM alembic_version").fetchone()
    assert version


def test_head_revision_from_file_names_is_alembics_single_head() -> None:
    # `migrate` skips Alembic when the database is at `head_revision()`: a migration whose
    # revision differs from its file name's prefix, or a second head, would go unapplied.
    from alembic.script import ScriptDirectory

    from dubbing_core.db import alembic_config, head_revision

    script = ScriptDirectory.from_config(alembic_config("sqlite://"))
    assert script.get_heads() == [head_revision()]
    for revision in script.walk_revisions():
        assert Path(revision.path).name.startswith(f"{revision.revision}_")
