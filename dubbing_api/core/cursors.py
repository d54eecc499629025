"""Opaque pagination cursors: a JSON position, MAC'd for the user it was issued to, so a
cursor cannot be forged, edited or used by another user (`cursor.invalid`)."""

import base64
import binascii
import hashlib
import hmac
import json
from typing import Any

from dubbing_api.core.problems import Problem


def _mac(secret: bytes, user_id: str, payload: bytes) -> str:
    return hmac.new(secret, user_id.encode() + payload, hashlib.sha256).hexdigest()[:24]


def encode(secret: bytes, user_id: str, position: dict[str, Any]) -> str:
    payload = json.dumps(position, separators=(",", ":")).encode()
    token = base64.urlsafe_b64encode(payload).decode().rstrip("=")
    return f"{token}.{_mac(secret, user_id, payload)}"


def decode(secret: bytes, user_id: str, cursor: str) -> dict[str, Any]:
    invalid = Problem(400, "cursor.invalid", "the cursor is malformed or not yours")
    token, _, mac = cursor.partition(".")
    try:
        payload = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError) as error:
        raise invalid from error
    if not hmac.compare_digest(mac, _mac(secret, user_id, payload)):
        raise invalid
    try:
        position = json.loads(payload)
    except ValueError as error:
        raise invalid from error
    if not isinstance(position, dict):
        raise invalid
    return position
