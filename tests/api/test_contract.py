"""The public contract: docs/openapi.yaml is what the app serves (a change to it is a reviewed
diff, `make openapi`), and every operation follows the house rules."""

import re

import pytest
import yaml

from dubbing_api.core.openapi import to_yaml
from dubbing_api.main import contract
from testing.media import ROOT

COMMITTED = yaml.safe_load((ROOT / "docs" / "openapi.yaml").read_text())
# Through YAML, as committed, so both sides have the same types.
GENERATED = yaml.safe_load(to_yaml(contract()))
REVIEW = "the API contract changed: run `make openapi` and review the diff of docs/openapi.yaml"
PUBLIC = {"getHealth", "getMedia", "putUploadPart"}
# Not a tenant's API key: the metrics scraper's own token.
SCRAPER = {"getMetrics"}


def _operations(spec: dict) -> list[tuple[str, str, dict]]:
    return [
        (method.upper(), path, operation)
        for path, item in spec["paths"].items()
        for method, operation in item.items()
    ]


def test_the_paths_match_the_committed_contract():
    committed = {(m, p): op for m, p, op in _operations(COMMITTED)}
    generated = {(m, p): op for m, p, op in _operations(GENERATED)}
    assert sorted(generated) == sorted(committed), REVIEW
    for key, operation in generated.items():
        assert operation == committed[key], f"{key}: {REVIEW}"


@pytest.mark.parametrize("name", sorted(GENERATED["components"]["schemas"]))
def test_each_json_schema_matches_its_snapshot(name):
    assert GENERATED["components"]["schemas"][name] == COMMITTED["components"]["schemas"].get(
        name
    ), f"schema {name}: {REVIEW}"


def test_the_whole_document_matches():
    assert GENERATED == COMMITTED, REVIEW


def test_operations_are_named_tagged_described_and_secured():
    ids = []
    for method, path, operation in _operations(GENERATED):
        where = f"{method} {path}"
        ids.append(operation["operationId"])
        assert re.fullmatch(r"[a-z][A-Za-z]+", operation["operationId"]), where
        assert operation.get("tags") and operation.get("summary"), where
        assert operation.get("description"), where
        secured = "security" in operation
        assert secured == (operation["operationId"] not in PUBLIC), where
        if operation["operationId"] in SCRAPER:
            assert operation["security"] == [{"metricsToken": []}], where
        elif secured:
            assert operation["security"] == [{"apiKey": []}], where
            assert "401" in operation["responses"], where
    assert len(ids) == len(set(ids))
    scheme = GENERATED["components"]["securitySchemes"]["apiKey"]
    assert scheme == {**scheme, "type": "http", "scheme": "bearer"}


def test_every_error_is_a_problem_document():
    problem = {"$ref": "#/components/schemas/Problem"}
    for method, path, operation in _operations(GENERATED):
        for status, response in operation["responses"].items():
            if status.startswith(("4", "5")):
                content = response["content"]
                assert content == {"application/problem+json": {"schema": problem}}, (
                    f"{method} {path} {status}"
                )
    assert "code" in GENERATED["components"]["schemas"]["Problem"]["required"]


def test_request_bodies_carry_examples():
    schemas = GENERATED["components"]["schemas"]
    for name in ("JobCreate", "UploadComplete", "RetryRequest", "AddLanguages", "UploadCreate"):
        schema = schemas[name]
        has_example = "examples" in schema or any(
            "examples" in field for field in schema["properties"].values()
        )
        assert has_example, name


def test_the_served_document_is_the_contract(client):
    served = client.get("/openapi.json").json()
    served["servers"] = GENERATED["servers"]  # the test app's public URL differs, by design
    assert served == GENERATED


def test_problem_responses_on_the_wire_follow_the_schema(client):
    response = client.get("/v1/jobs")
    assert response.status_code == 401
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    required = GENERATED["components"]["schemas"]["Problem"]["required"]
    assert set(required) <= set(body) and body["code"] == "auth.missing_key"
