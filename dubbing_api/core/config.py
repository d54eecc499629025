"""API settings, from `DUBFLOW_*` environment variables (shared names with the pipeline)."""

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field

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
    # How often the API discards expired upload sessions (their parts, S3 multipart uploads)
    # and deletes stale rate-limit counters from the database store and old progress events.
    sweep_seconds: float = 300.0
    # Quotas, per user (docs/security/quotas.md); `dubflow users set-quota` overrides them.
    max_upload_bytes: int = 4 * 1024 * MiB
    quota_stored_bytes: int = 50 * 1024 * MiB
    quota_concurrent_jobs: int = 10
    quota_queued_jobs: int = 5
    quota_media_minutes_per_day: float = 600.0
    part_size_bytes: int = 8 * MiB
    # Every request body but an upload part is JSON of a few KiB at most (docs/security/).
    max_body_bytes: int = 64 * 1024

    # The built web app, served under /app/ (`npm run build -w web` writes it).
    web_dir: Path = Path("web/dist")
    # The mobile app's web build, served under /mobile/ (`make mobile-bundles` exports it).
    mobile_web_dir: Path = Path("mobile/dist")

    # Rate limits (`limits` notation): failed authentications per address and per key prefix,
    # writes per user and per address; counters in "memory" or the shared "database".
    rate_limit_auth_failures: str = "20/minute"
    rate_limit_writes: str = "120/minute"
    rate_limit_storage: Literal["memory", "database"] = "memory"

    # Bearer JWTs alongside API keys (docs/security/authentication.md): the issuer and audience
    # to expect, the JWKS (a file or an https URL) or an HS256 secret (development only), the
    # clock skew allowed, the claim naming the user, and whether a first token creates its user.
    jwt_issuer: str = ""
    jwt_audience: str = ""
    jwt_jwks: str = ""
    jwt_hs256_secret: str = ""
    jwt_leeway_seconds: int = 30
    jwt_email_claim: str = "email"
    jwt_create_users: bool = False

    # `/metrics` answers only to this bearer token (the scraper's); empty turns it off.
    metrics_token: str = ""

    # Live progress (docs/api.md): open event streams allowed per user and per API process
    # (beyond them: 429 `events.too_many_streams`), and how often a process looks for new events
    # on SQLite (PostgreSQL announces them with NOTIFY).
    events_max_streams_per_user: int = Field(default=8, ge=1)
    events_max_streams: int = Field(default=1000, ge=1)
    events_poll_seconds: float = Field(default=0.5, gt=0)
    # Progress events of a job that finished longer ago than this are deleted (its status events
    # stay as long as the job); checked with the expired uploads.
    events_progress_retention_hours: float = Field(default=24.0, gt=0)

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
