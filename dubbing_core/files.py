"""Owner-only files: the database, uploads, artifacts and keys hold users' media and secrets.

Every dubflow process (the API, the CLI, the daemon and the run workers it starts) creates its
files with umask 077, so nothing it writes is readable by other accounts on the machine, and
the data directory itself is closed to them.
"""

import contextlib
import os
from pathlib import Path

OWNER_ONLY_UMASK = 0o077


def keep_files_private(data_dir: Path) -> None:
    os.umask(OWNER_ONLY_UMASK)
    data_dir.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(PermissionError):  # not ours to change: leave it to its owner
        data_dir.chmod(0o700)
