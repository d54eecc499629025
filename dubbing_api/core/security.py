"""API keys (stored hashed) and HMAC-signed, expiring URLs."""

import hashlib
import hmac
import secrets
import time
from urllib.parse import urlencode

KEY_PREFIX = "dfk_"
_PREFIX_CHARS = 12


def new_api_key() -> tuple[str, str, str]:
    """A new key: (the key shown once to its owner, its lookup prefix, its hash)."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    return key, key[:_PREFIX_CHARS], hash_key(key)


def key_prefix(key: str) -> str:
    return key[:_PREFIX_CHARS]


def hash_key(key: str) -> str:
    # Keys are 256-bit random strings: a plain SHA-256 is enough (no dictionary to guess from).
    return hashlib.sha256(key.encode()).hexdigest()


def keys_match(key: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_key(key), stored_hash)


def _signature(secret: bytes, path: str, expires: int) -> str:
    return hmac.new(secret, f"{path}\n{expires}".encode(), hashlib.sha256).hexdigest()


def sign_path_until(secret: bytes, path: str, expires: int) -> str:
    """`path` with `?expires=…&signature=…` that only this server can produce."""
    query = urlencode({"expires": expires, "signature": _signature(secret, path, expires)})
    return f"{path}?{query}"


def sign_path(secret: bytes, path: str, ttl_seconds: int, now: float | None = None) -> str:
    return sign_path_until(secret, path, int((now or time.time()) + ttl_seconds))


def signature_valid(
    secret: bytes, path: str, expires: int, signature: str, now: float | None = None
) -> bool:
    if expires < (now or time.time()):
        return False
    return hmac.compare_digest(_signature(secret, path, expires), signature)
