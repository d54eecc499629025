"""Rate limits per client address and per user, with the `limits` library (fixed windows).

Two limits (docs/security/quotas.md): failed authentications per client address and per key
prefix (a key guesser is slowed to a crawl), and writes (POST, PUT, PATCH, DELETE) per user and
per address. Counters live in memory by default (one API process), or in the application
database (`DUBFLOW_RATE_LIMIT_STORAGE=database`), which every API replica shares.
"""

import time

from fastapi import Request
from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, Storage
from limits.strategies import FixedWindowRateLimiter
from sqlalchemy import case, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError

from dubbing_api.core.config import ApiSettings
from dubbing_api.core.problems import Problem
from dubbing_core.db.models import RateLimitCounter
from dubbing_core.db.session import session_scope

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class DatabaseStorage(Storage):
    """`limits` storage on the application database (SQLite or PostgreSQL): one upserted row
    per counter, so a window is counted once across every API replica."""

    STORAGE_SCHEME = ["dubflow+database"]  # noqa: RUF012  (the base class declares it a list)

    def __init__(self, database_url: str) -> None:
        super().__init__()
        self.database_url = database_url
        self._insert = postgresql.insert if database_url.startswith("postgresql") else sqlite.insert

    @property
    def base_exceptions(self) -> type[Exception]:
        return SQLAlchemyError

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        now = time.time()
        row = self._insert(RateLimitCounter).values(key=key, count=amount, expires_at=now + expiry)
        expired = RateLimitCounter.expires_at <= now
        upsert = row.on_conflict_do_update(
            index_elements=[RateLimitCounter.key],
            set_={
                "count": case((expired, amount), else_=RateLimitCounter.count + amount),
                "expires_at": case((expired, now + expiry), else_=RateLimitCounter.expires_at),
            },
        ).returning(RateLimitCounter.count)
        with session_scope(self.database_url) as session:
            return int(session.execute(upsert).scalar_one())

    def _row(self, key: str) -> RateLimitCounter | None:
        with session_scope(self.database_url) as session:
            row = session.get(RateLimitCounter, key)
            return row if row is not None and row.expires_at > time.time() else None

    def get(self, key: str) -> int:
        row = self._row(key)
        return row.count if row else 0

    def get_expiry(self, key: str) -> float:
        row = self._row(key)
        return row.expires_at if row else time.time()

    def check(self) -> bool:
        try:
            with session_scope(self.database_url) as session:
                session.execute(select(1))
            return True
        except SQLAlchemyError:
            return False

    def reset(self) -> int | None:
        with session_scope(self.database_url) as session:
            return session.execute(delete(RateLimitCounter)).rowcount  # type: ignore[attr-defined]

    def clear(self, key: str) -> None:
        with session_scope(self.database_url) as session:
            session.execute(delete(RateLimitCounter).where(RateLimitCounter.key == key))

    def purge_expired(self) -> int:
        """Delete the counters whose window has ended (a new hit starts a new row): without
        this, every address and key prefix ever seen would keep a row. The number deleted."""
        with session_scope(self.database_url) as session:
            stale = delete(RateLimitCounter).where(RateLimitCounter.expires_at <= time.time())
            return int(session.execute(stale).rowcount)  # type: ignore[attr-defined]


class RateLimits:
    def __init__(self, settings: ApiSettings) -> None:
        storage: Storage = (
            DatabaseStorage(settings.resolved_database_url)
            if settings.rate_limit_storage == "database"
            else MemoryStorage()
        )
        self.storage = storage
        self.limiter = FixedWindowRateLimiter(storage)
        self.auth_failures = parse(settings.rate_limit_auth_failures)
        self.writes = parse(settings.rate_limit_writes)

    def purge_expired(self) -> int:
        """Stale counters deleted from the database store (memory counters expire by
        themselves)."""
        return self.storage.purge_expired() if isinstance(self.storage, DatabaseStorage) else 0

    def refuse_if_blocked(self, address: str, key_prefix: str | None) -> None:
        """Before checking a credential: refuse an address (or key) that failed too often."""
        scopes = [("auth-address", address)]
        if key_prefix:
            scopes.append(("auth-key", key_prefix))
        for scope in scopes:
            if not self.limiter.test(self.auth_failures, *scope):
                raise self._refusal("rate_limit.auth_failures", self.auth_failures, scope)

    def auth_failed(self, address: str, key_prefix: str | None) -> None:
        self.limiter.hit(self.auth_failures, "auth-address", address)
        if key_prefix:
            self.limiter.hit(self.auth_failures, "auth-key", key_prefix)

    def write(self, user_id: str, address: str) -> dict[str, str]:
        """Count a write; the `RateLimit-*` headers of the user's window, or a 429."""
        for scope in (("write-user", user_id), ("write-address", address)):
            if not self.limiter.hit(self.writes, *scope):
                raise self._refusal("rate_limit.writes", self.writes, scope)
        return self._headers(self.writes, ("write-user", user_id))

    def windows(self, user_id: str, address: str) -> dict[str, tuple[RateLimitItem, int, int]]:
        """Each limit that applies to a caller: (limit, remaining, seconds until it resets)."""
        windows = {}
        for name, item, scope in (
            ("writes", self.writes, ("write-user", user_id)),
            ("auth_failures", self.auth_failures, ("auth-address", address)),
        ):
            stats = self.limiter.get_window_stats(item, *scope)
            reset = max(int(stats.reset_time - time.time()) + 1, 1)
            windows[name] = (item, stats.remaining, reset)
        return windows

    def _headers(self, item: RateLimitItem, scope: tuple[str, str]) -> dict[str, str]:
        stats = self.limiter.get_window_stats(item, *scope)
        return {
            "RateLimit-Limit": str(item.amount),
            "RateLimit-Remaining": str(stats.remaining),
            "RateLimit-Reset": str(max(int(stats.reset_time - time.time()) + 1, 1)),
        }

    def _refusal(self, code: str, item: RateLimitItem, scope: tuple[str, str]) -> Problem:
        headers = self._headers(item, scope)
        problem = Problem(
            429,
            code,
            f"too many requests: at most {item.amount} per {item.get_expiry()} s",
            limit=item.amount,
            retryAfter=int(headers["RateLimit-Reset"]),
        )
        problem.headers.update({**headers, "Retry-After": headers["RateLimit-Reset"]})
        return problem


def client_address(request: Request) -> str:
    """The peer's address (behind a proxy: run uvicorn with `--proxy-headers` and
    `--forwarded-allow-ips` so that this is the client's, not the proxy's)."""
    return request.client.host if request.client else "unknown"
