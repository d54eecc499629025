"""JWT bearer tokens alongside API keys: tokens minted here with real keys (RSA, and an HS256
development secret), each kind of bad token refused with its stable code."""

import json
import time
from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi.testclient import TestClient

from dubbing_api.core.config import ApiSettings
from dubbing_api.main import create_app
from dubflow_cli.admin import create_user

ISSUER = "https://idp.example.com/"
AUDIENCE = "dubflow-api"
DEV_SECRET = "a-development-secret-of-at-least-32-bytes!"


def _private_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _settings(data_dir: Path, **jwt: str | bool) -> ApiSettings:
    """Tokens from ISSUER for AUDIENCE, the development secret accepted too."""
    return ApiSettings(
        data_dir=data_dir,
        public_url="http://testserver",
        signing_secret="s",
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
        jwt_hs256_secret=DEV_SECRET,
        **jwt,  # type: ignore[arg-type]
    )


@pytest.fixture(scope="module")
def signer() -> rsa.RSAPrivateKey:
    return _private_key()


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory, signer) -> Iterator[TestClient]:
    data_dir = tmp_path_factory.mktemp("jwt")
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(signer.public_key()))
    jwks = data_dir / "jwks.json"
    jwks.write_text(json.dumps({"keys": [{**jwk, "kid": "key-1", "use": "sig", "alg": "RS256"}]}))
    settings = _settings(data_dir, jwt_jwks=str(jwks), jwt_create_users=False)
    app = create_app(settings)  # migrates the database
    create_user(settings.resolved_database_url, "ana@example.com")
    with TestClient(app) as test_client:
        yield test_client


def _claims(**changes) -> dict:
    now = int(time.time())
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "ana-1",
        "email": "ana@example.com",
        "iat": now,
        "exp": now + 300,
    }
    return {**claims, **changes}


def _rs256(key, claims: dict, kid: str = "key-1") -> str:
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


def _get(client: TestClient, token: str):
    return client.get("/v1/me", headers={"Authorization": f"Bearer {token}"})


def test_a_valid_token_is_its_user(client, signer):
    me = _get(client, _rs256(signer, _claims()))
    assert me.status_code == 200, me.text
    assert me.json()["email"] == "ana@example.com"


def test_the_development_secret_signs_too(client):
    token = jwt.encode(_claims(), DEV_SECRET, algorithm="HS256")
    assert _get(client, token).status_code == 200


@pytest.mark.parametrize(
    ("case", "code"),
    [
        ("expired", "auth.token_expired"),
        ("wrong audience", "auth.invalid_token"),
        ("wrong issuer", "auth.invalid_token"),
        ("bad signature", "auth.invalid_token"),
        ("alg none", "auth.invalid_token"),
        ("unknown kid", "auth.invalid_token"),
        ("no expiry", "auth.invalid_token"),
        ("unknown user", "auth.unknown_user"),
    ],
)
def test_bad_tokens_are_refused(client, signer, case, code):
    tokens = {
        # Expired beyond the allowed clock skew (30 s).
        "expired": lambda: _rs256(signer, _claims(exp=int(time.time()) - 120)),
        "wrong audience": lambda: _rs256(signer, _claims(aud="someone-else")),
        "wrong issuer": lambda: _rs256(signer, _claims(iss="https://evil.example.com/")),
        # Signed by another key under the trusted key's id.
        "bad signature": lambda: _rs256(_private_key(), _claims()),
        "alg none": lambda: jwt.encode(_claims(), None, algorithm="none", headers={"kid": "key-1"}),
        "unknown kid": lambda: _rs256(_private_key(), _claims(), kid="key-2"),
        "no expiry": lambda: _rs256(signer, {k: v for k, v in _claims().items() if k != "exp"}),
        "unknown user": lambda: _rs256(signer, _claims(email="nobody@example.com")),
    }
    response = _get(client, tokens[case]())
    assert response.status_code == 401, response.text
    assert response.json()["code"] == code


def test_a_token_within_the_clock_skew_is_accepted(client, signer):
    assert _get(client, _rs256(signer, _claims(exp=int(time.time()) - 5))).status_code == 200


def test_a_first_token_can_create_its_user(tmp_path: Path, signer):
    with TestClient(create_app(_settings(tmp_path, jwt_create_users=True))) as client:
        token = jwt.encode(_claims(email="new@example.com", name="New"), DEV_SECRET, "HS256")
        me = _get(client, token)
        assert me.status_code == 200 and me.json()["email"] == "new@example.com"
        assert _get(client, token).json()["id"] == me.json()["id"]  # created once
