"""Live: the mobile app's web build (Expo's export with react-native-web, served by the API under
/mobile/) in Debian's Chromium at a phone's size, against the real API and pipeline of the
`stack` fixture. Sign in, upload a video in parts, follow the job to done, watch it and switch the
audio and subtitle tracks, then cancel an upload under way. Screenshots go to
test-artifacts/mobile-*.png. What only a device can check is in docs/mobile.md."""

import re
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, Route

from testing.media import MEDIA, ROOT, make_video
from tests.e2e.accessibility import PHONE
from tests.e2e.browser import ARTIFACTS, chromium, page_errors

MOBILE_BUILD = ROOT / "mobile" / "dist" / "index.html"
JOB_TIMEOUT_S = 600
PART_BYTES = 8 << 20  # the API's default part size
PART_PUT = re.compile(r".*/v1/uploads/[^/]+/parts/\d+\?.*")


@pytest.fixture(scope="module")
def phone_browser() -> Iterator[Browser]:
    if not MOBILE_BUILD.exists():
        pytest.fail(
            f"{MOBILE_BUILD} is missing: export the mobile app first (`make mobile-bundles`)"
        )
    with chromium() as launched:
        yield launched


@pytest.fixture
def phone(phone_browser: Browser) -> Iterator[Page]:
    """A page at a phone's size with touch; uncaught errors in it, or content its
    Content-Security-Policy blocked, fail the test."""
    context = phone_browser.new_context(viewport=PHONE, has_touch=True, is_mobile=True)
    opened = context.new_page()
    errors = page_errors(opened)
    yield opened
    context.close()
    assert not errors, f"uncaught errors or blocked content in the page: {errors}"


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"mobile-{name}.png"))


def _video_in_parts(path: Path) -> Path:
    """The sample's speech under a lossless picture: ~11 MB, so it goes up in two parts."""
    video = make_video(path, MEDIA / "multilingual.mp3", seconds=12, size="960x540", lossless=True)
    assert PART_BYTES < video.stat().st_size <= 2 * PART_BYTES, video.stat().st_size
    return video


def _sign_in(page: Page, api_url: str, key: str) -> None:
    page.goto(f"{api_url}/mobile/")
    server = page.get_by_label("Server address")
    server.wait_for()
    # The web build offers the origin it was served from: the API.
    assert server.input_value() == api_url
    page.get_by_label("API key or token").fill(key)
    _shot(page, "1-sign-in")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="New dub").wait_for()


def _pick(page: Page, video: Path) -> None:
    """expo-document-picker opens the browser's file dialog."""
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Pick a video").click()
    chooser.value.set_files(video)


def _job_status(page: Page) -> str | None:
    header = page.get_by_test_id("job-header")
    if not header.count():
        return None
    return header.get_by_label(re.compile("^Status: ")).inner_text()


def _states(page: Page) -> list[str]:
    """The job's, its stages' and its languages' states on the screen shown (the stack keeps
    the jobs list below it, hidden)."""
    return page.get_by_label(re.compile("^Status: ")).filter(visible=True).all_inner_texts()


def _follow(page: Page) -> list[list[str]]:
    """Every distinct list of stage states until the job is done (the screen is never reloaded:
    what changes arrives through its live updates or polling)."""
    seen: list[list[str]] = []
    deadline = time.monotonic() + JOB_TIMEOUT_S
    while _job_status(page) not in ("succeeded", "failed", "cancelled"):
        assert time.monotonic() < deadline, f"the job did not finish: {seen[-1:]}"
        states = _states(page)
        if not seen or states != seen[-1]:
            seen.append(states)
            if len(seen) == 3:
                _shot(page, "4-job-running")
        time.sleep(0.5)
    seen.append(_states(page))
    return seen


def test_upload_in_parts_follow_and_watch_on_a_phone(stack, phone, tmp_path):
    key = stack.api_key("mobile@example.com")
    video = _video_in_parts(tmp_path / "talk.mp4")
    _sign_in(phone, stack.api_url, key)
    _shot(phone, "2-jobs-empty")

    parts: list[str] = []
    phone.on("request", lambda r: parts.append(r.url) if PART_PUT.match(r.url) else None)
    phone.get_by_role("button", name="New dub").click()
    _pick(phone, video)
    phone.get_by_label(re.compile(r"^Upload completed, 100")).wait_for(timeout=120_000)
    assert len({re.sub(r".*/parts/(\d+)\?.*", r"\1", url) for url in parts}) == 2, parts

    phone.get_by_role("button", name="en", exact=True).click()
    phone.get_by_role("button", name=re.compile(r"^Spanish")).click()
    phone.get_by_role("button", name=re.compile(r"^Catalan")).click()
    _shot(phone, "3-new-dub")
    phone.get_by_role("button", name="Start dubbing").click()
    phone.wait_for_url(re.compile(r".*/mobile/jobs/[0-9A-Za-z]+$"))
    job_id = phone.url.rsplit("/", 1)[1]

    history = _follow(phone)
    assert _job_status(phone) == "succeeded", history[-1]
    # The job, its 4 whole-video stages, and per language its status and 5 stages.
    assert history[-1] == ["succeeded"] * (1 + 4 + 2 * 6), history[-1]
    assert any("running" in states for states in history), history
    done = [states.count("succeeded") for states in history]
    assert done == sorted(done) and len(set(done)) >= 4, done
    phone.get_by_text("Quality", exact=True).wait_for()
    assert phone.get_by_label("Quality of es").inner_text().startswith("es: ")
    _shot(phone, "5-job-done")

    phone.go_back()
    row = phone.get_by_label(re.compile(f"^Job {job_id}, succeeded"))
    row.wait_for()
    _shot(phone, "6-jobs")
    row.click()

    catalan: list[str] = []
    phone.on(
        "request",
        lambda r: catalan.append(r.url) if f"/jobs/{job_id}/hls/audio/ca/" in r.url else None,
    )
    phone.get_by_role("button", name="Watch").click()
    phone.wait_for_url(re.compile(r".*/watch$"))
    _watch_and_switch_tracks(phone, catalan)

    downloads = phone.get_by_role("button", name=re.compile(r"^Download (es|ca) (MP4|SRT)$"))
    assert downloads.count() == 4


def _watch_and_switch_tracks(page: Page, catalan: list[str]) -> None:
    """The web build's player (video.js, as in the web app) lists the master playlist's audio
    renditions and subtitles as buttons; choosing Catalan fetches and plays Catalan audio and
    shows Catalan cues."""
    spanish = page.get_by_role("button", name="Audio: Español")
    spanish.wait_for(timeout=60_000)
    assert spanish.get_attribute("aria-selected") == "true"  # the master's default
    assert (
        page.get_by_role("button", name="Subtitles: off").get_attribute("aria-selected") == "true"
    )
    page.locator(".vjs-big-play-button").click()
    page.wait_for_function("() => document.querySelector('video').currentTime > 1", timeout=60_000)
    assert not catalan
    _shot(page, "7-watch")

    page.get_by_role("button", name="Audio: Català").click()
    page.get_by_role("button", name="Subtitles: Català").click()
    switched_at = page.evaluate("() => document.querySelector('video').currentTime")
    page.wait_for_function(
        f"() => document.querySelector('video').currentTime > {switched_at + 2}", timeout=60_000
    )
    assert any(url.split("?")[0].endswith((".ts", ".aac", ".m4s")) for url in catalan), (
        f"no Catalan audio segment was fetched: {catalan}"
    )
    assert page.get_by_role("button", name="Audio: Català").get_attribute("aria-selected") == "true"
    assert spanish.get_attribute("aria-selected") != "true"
    cue = page.locator(".vjs-text-track-display .vjs-text-track-cue")
    cue.first.wait_for(timeout=30_000)
    assert cue.first.inner_text().strip()
    _shot(page, "8-watch-catalan")


def test_an_upload_under_way_is_cancelled_on_a_phone(stack, phone, tmp_path):
    key = stack.api_key("mobile-cancel@example.com")
    video = _video_in_parts(tmp_path / "talk.mp4")
    _sign_in(phone, stack.api_url, key)

    # Part 2 never arrives (the request is held, unanswered): the upload stays under way.
    held: list[Route] = []
    phone.route(re.compile(r".*/v1/uploads/[^/]+/parts/2\?.*"), lambda route: held.append(route))
    phone.get_by_role("button", name="New dub").click()
    _pick(phone, video)
    phone.get_by_text("(1/2 parts)").wait_for(timeout=60_000)
    assert held and phone.get_by_role("button", name="Pause upload").is_visible()
    upload_id = re.sub(r".*/v1/uploads/([^/]+)/parts/.*", r"\1", held[0].request.url)
    _shot(phone, "9-upload-under-way")

    phone.get_by_role("button", name="Cancel upload").click()
    phone.get_by_role("progressbar", name="Upload progress").wait_for(state="detached")
    state = httpx.get(
        f"{stack.api_url}/v1/uploads/{upload_id}", headers={"Authorization": f"Bearer {key}"}
    ).json()
    assert state["status"] == "aborted" and state["receivedParts"] == []
    _shot(phone, "10-upload-cancelled")
