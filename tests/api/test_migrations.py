"""Migrations: the API, the daemon and run workers migrate as they start, often at once."""

import subprocess
import sys

from sqlalchemy import create_engine, inspect

from dubbing_api.core.config import ApiSettings

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
