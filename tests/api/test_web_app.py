"""The built web app under /app/ (and the mobile app's web build under /mobile/): pages fall back
to index.html, hashed assets are cached for good, nothing outside the build is served, and a
missing build says how to make it."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from dubbing_api.core.config import ApiSettings
from dubbing_api.main import create_app


@pytest.fixture
def web_dir(tmp_path: Path) -> Path:
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    (dist / "index.html").write_text("<!doctype html><div id=root></div>")
    (dist / "assets" / "index-abc123.js").write_text("console.log('app')")
    (dist / "favicon.svg").write_text("<svg/>")
    (tmp_path / "secret.txt").write_text("not for the web")
    return dist


def _client(settings: ApiSettings, web_dir: Path) -> TestClient:
    return TestClient(create_app(settings.model_copy(update={"web_dir": web_dir})))


def test_pages_of_the_app_get_index_html(settings, web_dir):
    client = _client(settings, web_dir)
    for path in ("/app/", "/app/jobs", "/app/jobs/01JD8R6Z6N5V0Q7WQ3Y5T2K9XH/watch"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.text.startswith("<!doctype html>")
        assert response.headers["cache-control"] == "no-cache"


def test_files_are_served_and_hashed_assets_cached_for_good(settings, web_dir):
    client = _client(settings, web_dir)
    asset = client.get("/app/assets/index-abc123.js")
    assert asset.text == "console.log('app')"
    assert asset.headers["content-type"].startswith("text/javascript")
    assert "immutable" in asset.headers["cache-control"]
    assert client.get("/app/favicon.svg").headers["cache-control"] == "no-cache"


def test_a_missing_file_is_a_404_problem_not_the_app(settings, web_dir):
    response = _client(settings, web_dir).get("/app/assets/gone-123.js")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_nothing_outside_the_build_is_served(settings, web_dir):
    client = _client(settings, web_dir)
    for path in ("/app/../secret.txt", "/app/%2e%2e/secret.txt", "/app/..%2fsecret.txt"):
        response = client.get(path)
        assert "not for the web" not in response.text, path


def test_the_root_and_app_redirect_to_the_app_on_the_public_url(settings, web_dir):
    client = _client(settings, web_dir)
    root = client.get("/", follow_redirects=False)
    assert root.status_code == 307
    assert root.headers["location"] == f"{settings.public_url}/app/"
    assert client.get("/app", follow_redirects=False).headers["location"] == "/app/"


def test_without_a_build_the_app_says_how_to_build_it(settings, tmp_path):
    response = _client(settings, tmp_path / "nowhere").get("/app/jobs")
    assert response.status_code == 503
    assert response.json()["code"] == "web.not_built"
    assert "npm run build" in response.json()["detail"]


def test_the_app_is_not_part_of_the_api_contract(settings, web_dir):
    paths = _client(settings, web_dir).get("/openapi.json").json()["paths"]
    assert not [path for path in paths if not path.startswith(("/v1/", "/metrics"))]


def test_the_mobile_apps_web_build_is_served_under_mobile(settings, tmp_path):
    build = tmp_path / "mobile-dist"
    (build / "_expo" / "static" / "js" / "web").mkdir(parents=True)
    (build / "index.html").write_text("<!doctype html><div id=root></div>")
    (build / "_expo" / "static" / "js" / "web" / "entry-abc123.js").write_text("app()")
    client = TestClient(create_app(settings.model_copy(update={"mobile_web_dir": build})))

    page = client.get("/mobile/jobs/01JD8R6Z6N5V0Q7WQ3Y5T2K9XH/watch")
    assert page.text.startswith("<!doctype html>")
    assert page.headers["cache-control"] == "no-cache"
    # The apps' policy (own origin, inline styles), not the API's (nothing at all).
    assert "script-src 'self'" in page.headers["content-security-policy"]
    bundle = client.get("/mobile/_expo/static/js/web/entry-abc123.js")
    assert bundle.text == "app()" and "immutable" in bundle.headers["cache-control"]
    assert client.get("/mobile", follow_redirects=False).headers["location"] == "/mobile/"
    gone = client.get("/mobile/_expo/static/js/web/gone.js")
    assert gone.status_code == 404 and gone.json()["code"] == "not_found"


def test_without_a_mobile_build_the_app_says_how_to_build_it(settings, tmp_path):
    missing = settings.model_copy(update={"mobile_web_dir": tmp_path / "nowhere"})
    response = TestClient(create_app(missing)).get("/mobile/")
    assert response.status_code == 503
    assert "make mobile-bundles" in response.json()["detail"]
