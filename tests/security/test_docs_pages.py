"""Finding: Swagger UI loaded its assets from a CDN (blank offline), and the Python-bundled Swagger
UI (version 4) cannot render OpenAPI 3.1. Now /docs and /redoc load Swagger UI 5 and ReDoc from
the API's own origin, under the web app's Content-Security-Policy: in Debian's Chromium every
operation renders, nothing is blocked and nothing is requested from elsewhere."""

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import Browser, Page

from testing.media import ROOT
from tests.e2e.browser import chromium
from tests.security.conftest import LiveApi, running_api

WEB_DIR = ROOT / "web" / "dist"
TIMEOUT_MS = 120_000


@pytest.fixture(scope="module")
def docs_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApi]:
    if not (WEB_DIR / "api-docs" / "swagger-ui-bundle.js").is_file():
        pytest.fail(f"{WEB_DIR}/api-docs is missing: build the web app first (`make web`)")
    with running_api(tmp_path_factory.mktemp("docs"), web_dir=str(WEB_DIR)) as api:
        yield api


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with chromium() as launched:
        yield launched


def _operations(api: LiveApi) -> list[tuple[str, str, str]]:
    """(method, path, summary) of every operation of the served contract."""
    paths = httpx.get(f"{api.url}/openapi.json").json()["paths"]
    return [
        (method.upper(), path, operation["summary"])
        for path, item in paths.items()
        for method, operation in item.items()
    ]


def _open(browser: Browser, api: LiveApi, path: str) -> Iterator[Page]:
    """The page at `path`; afterwards, nothing blocked, no error, every request to the API."""
    context = browser.new_context()
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}") if message.type == "error" else None
        ),
    )
    page.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((api.url + "/", "data:", "blob:"))
            else problems.append(f"request elsewhere: {request.url}")
        ),
    )
    response = page.goto(f"{api.url}{path}")
    assert response is not None and response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "unsafe-inline" not in response.headers["content-security-policy"].split("style-src")[0]
    yield page
    context.close()
    assert not problems, problems


def test_swagger_ui_renders_every_operation(docs_api: LiveApi, browser: Browser):
    operations = _operations(docs_api)
    for page in _open(browser, docs_api, "/docs"):
        blocks = page.locator(".opblock")
        blocks.nth(len(operations) - 1).wait_for(timeout=TIMEOUT_MS)
        assert blocks.count() == len(operations)
        rendered = {
            (
                block.locator(".opblock-summary-method").inner_text(),
                block.locator(".opblock-summary-path").get_attribute("data-path"),
            )
            for block in blocks.all()
        }
        assert rendered == {(method, path) for method, path, _ in operations}
        assert page.get_by_text("Unable to render this definition").count() == 0


def test_redoc_renders_every_operation(docs_api: LiveApi, browser: Browser):
    summaries = {summary for _, _, summary in _operations(docs_api)}
    for page in _open(browser, docs_api, "/redoc"):
        headings = page.locator("h2")
        # One heading per tag, then one per operation.
        headings.nth(len(summaries) - 1).wait_for(state="attached", timeout=TIMEOUT_MS)
        assert summaries <= set(headings.all_inner_texts())


def test_the_pages_say_when_their_files_are_not_built(tmp_path):
    with running_api(tmp_path, web_dir=str(tmp_path / "no-build")) as api:
        for path in ("/docs", "/redoc"):
            page = httpx.get(f"{api.url}{path}")
            assert page.status_code == 503 and "make web" in page.text
