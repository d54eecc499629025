"""API settings, from `DUBFLOW_*` environment variables (shared names with the pipeline)."""

import secrets
from functools import lru_cache
from pathlib import Path

from dubbing_core.settings import DubflowSettings

MiB = 1 << 20


class ApiSettings(DubflowSettings):
    """The pipeline's settings (data dir, database, storage) plus the API's own."""

    # Where clients reach the API (signed URLs are absolute).
    public_url: str = "http://127.0.0.1:8000"
    # HMAC key for signed URLs; empty means a random key kept in `<data_dir>/signing.key`.
    signing_secret: str = ""
    upload_url_ttl_seconds: int = 3600
    playback_url_ttl_seconds: int = 900
    upload_expiry_hours: int = 24
    max_upload_bytes: int = 4 * 1024 * MiB
    part_size_bytes: int = 8 * MiB

    # The built web app, served under /app/ (`npm run build -w web` writes it).
    web_dir: Path = Path("web/dist")

    dagster_graphql_url: str = "http://127.0.0.1:3000/graphql"
    dagster_ui_url: str = "http://127.0.0.1:3000"

    @property
    def secret(self) -> bytes:
        return (
            self.signing_secret.encode() if self.signing_secret else _stored_secret(self.data_dir)
        )


@lru_cache(maxsize=4)
def _stored_secret(data_dir: Path) -> bytes:
    path = data_dir / "signing.key"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip().encode()
