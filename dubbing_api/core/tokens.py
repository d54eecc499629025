"""OIDC-style bearer tokens (JWT), accepted alongside API keys (docs/security/authentication.md).

A token is verified against the configured issuer and audience, with its expiry (and not-before)
checked within a small clock skew, and signed by a key of the configured JWKS (a file or a URL,
asymmetric algorithms only) or, for development, an HS256 secret. `alg: none`, a key not in the
JWKS and an algorithm other than the configured ones are refused.
"""

import json
from functools import cached_property
from pathlib import Path
from typing import Any

import jwt

from dubbing_api.core.config import ApiSettings
from dubbing_api.core.problems import Problem

ASYMMETRIC = ["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"]


class TokenVerifier:
    def __init__(self, settings: ApiSettings) -> None:
        self.settings = settings

    @property
    def enabled(self) -> bool:
        s = self.settings
        return bool(s.jwt_issuer and s.jwt_audience and (s.jwt_jwks or s.jwt_hs256_secret))

    @cached_property
    def _jwks_client(self) -> jwt.PyJWKClient | None:
        source = self.settings.jwt_jwks
        if source.startswith(("https://", "http://")):
            return jwt.PyJWKClient(source, cache_keys=True, lifespan=300)
        return None

    @cached_property
    def _jwks_file(self) -> jwt.PyJWKSet | None:
        source = self.settings.jwt_jwks
        if source and not source.startswith(("https://", "http://")):
            return jwt.PyJWKSet.from_dict(json.loads(Path(source).read_text()))
        return None

    def _signing_key(self, token: str) -> tuple[Any, list[str]]:
        header = jwt.get_unverified_header(token)
        if self.settings.jwt_hs256_secret and header.get("alg") == "HS256":
            return self.settings.jwt_hs256_secret, ["HS256"]
        kid = header.get("kid")
        if self._jwks_client is not None:
            return self._jwks_client.get_signing_key_from_jwt(token).key, ASYMMETRIC
        if self._jwks_file is not None and kid:
            for key in self._jwks_file.keys:
                if key.key_id == kid:
                    return key.key, ASYMMETRIC
        raise jwt.InvalidKeyError("no key of the JWKS signed this token")

    def claims(self, token: str) -> dict[str, Any]:
        """The verified claims, or a 401 problem (`auth.token_expired`, `auth.invalid_token`)."""
        try:
            key, algorithms = self._signing_key(token)
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                audience=self.settings.jwt_audience,
                issuer=self.settings.jwt_issuer,
                leeway=self.settings.jwt_leeway_seconds,
                options={"require": ["exp", "iss", "aud", "sub"]},
            )
        except jwt.ExpiredSignatureError as error:
            raise Problem(401, "auth.token_expired", "the token has expired") from error
        except (jwt.PyJWTError, ValueError) as error:
            raise Problem(401, "auth.invalid_token", "the token is not valid") from error
        return claims
