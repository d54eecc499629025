"""Live: the web app in Debian's Chromium, against the real API and pipeline of the `stack`
fixture. A person's path through it: sign in, upload a video, dub it into two languages, follow
the stages, then watch with the second language's audio and subtitles, choosing the languages, the
file and the tracks with the keyboard. Then an upload with a failing part, resumed after a reload,
and one cancelled under way. Every page on the way is checked with axe-core at a desktop and a
phone size, light and dark (`tests/e2e/accessibility.py`). Screenshots of every page go to
test-artifacts/."""

import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, Request, Route

from dubbing_core import keys
from dubbing_core.settings import DubflowSettings
from resources.storage import MediaStore
from testing.media import MEDIA, ROOT, make_video
from tests.e2e.accessibility import DESKTOP, PHONE, AccessibilityAudit, focus_ring, focused
from tests.e2e.browser import ARTIFACTS, chromium, page_errors

WEB_BUILD = ROOT / "web" / "dist" / "index.html"
JOB_TIMEOUT_S = 600
PART_BYTES = 8 << 20  # the API's default part size

# Every (scope, stage, status) row of the job page's stage tables.
STAGE_ROWS = """() => Array
  .from(document.querySelectorAll('table[aria-label^="Stages of"] tr[data-stage]'))
  .map(row => [row.closest('table').getAttribute('aria-label'), row.dataset.stage,
               row.dataset.status])"""


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not WEB_BUILD.exists():
        pytest.fail(f"{WEB_BUILD} is missing: build the web app first (`make web`)")
    with chromium() as launched:
        yield launched


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=DESKTOP)
    opened = context.new_page()
    # The app, video.js and HLS playback must all work under the API's Content-Security-Policy.
    errors = page_errors(opened)
    yield opened
    context.close()
    assert not errors, f"uncaught errors or blocked content in the page: {errors}"


@pytest.fixture
def audit(request: pytest.FixtureRequest) -> Iterator[AccessibilityAudit]:
    """axe-core on the pages a test checks; serious or critical findings fail it at the end (all
    are written to test-artifacts/axe-{test}.json)."""
    checks = AccessibilityAudit(request.node.name)
    yield checks
    checks.write_report()
    assert not checks.blocking, "accessibility:\n" + "\n".join(map(str, checks.blocking))


def _shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"web-{name}.png"), full_page=True)


def _sign_in(page: Page, api_url: str, key: str, audit: AccessibilityAudit | None = None) -> None:
    page.goto(f"{api_url}/")  # redirects to /app/, then to the sign-in page
    if audit:
        page.get_by_label("API key").wait_for()
        audit.check(page, "sign-in")
    page.get_by_label("API key").fill(key)
    _shot(page, "1-sign-in")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name="New dub").wait_for()


def _choose(page: Page, field: str, option: str) -> None:
    """Choose with the keyboard alone: focus the field, open its list, step down to the option
    (a searchable field filters by what is typed first), Enter."""
    combobox = page.get_by_role("combobox", name=field)
    combobox.focus()
    # Arrive by Tab, as a keyboard user does (after a mouse click, focus set by script is not
    # shown as keyboard focus).
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    assert focus_ring(page) != "none", f"no visible focus on {field}"
    if combobox.get_attribute("readonly") is None:
        page.keyboard.type(option)
    page.keyboard.press("ArrowDown")
    # The option highlighted in this field's own list (another field's may still be fading out).
    page.wait_for_function(
        "(field) => field.getAttribute('aria-controls')", arg=combobox.element_handle()
    )
    listbox = combobox.get_attribute("aria-controls")
    highlighted = page.locator(f"[id='{listbox}'] [data-combobox-selected]")
    for _ in range(60):
        if highlighted.count() and highlighted.inner_text().startswith(option):
            break
        page.keyboard.press("ArrowDown")
    else:
        raise AssertionError(f"no option {option!r} in {field}")
    page.keyboard.press("Enter")
    # The field shows the choice once the app has applied it (the player switches its track
    # first): wait for it rather than read it at once.
    page.wait_for_function(
        "([field, option]) => field.value.startsWith(option)",
        arg=[combobox.element_handle(), option],
        timeout=15_000,
    )


def _follow_stages(page: Page, audit: AccessibilityAudit) -> list[list[list[str]]]:
    """Every distinct state of the stage tables until the job is done (the page is never
    reloaded: what changes comes from its live updates); the page is audited while it runs."""
    seen: list[list[list[str]]] = []
    deadline = time.monotonic() + JOB_TIMEOUT_S
    header = page.locator("[data-job-status]")
    while header.get_attribute("data-job-status") not in ("succeeded", "failed", "cancelled"):
        assert time.monotonic() < deadline, f"the job did not finish: {seen[-1:]}"
        rows = page.evaluate(STAGE_ROWS)
        if not seen or rows != seen[-1]:
            seen.append(rows)
            if len(seen) == 2:
                _shot(page, "3-job-running")
                audit.check(page, "job-running")
        time.sleep(0.3)
    seen.append(page.evaluate(STAGE_ROWS))
    return seen


def _wait_for_focus_on_main(page: Page) -> None:
    """After moving to another page, focus lands on its content (once React has rendered it)."""
    page.wait_for_function("() => document.activeElement.tagName === 'MAIN'", timeout=5_000)


def _pick_file_with_keyboard(page: Page, video: Path) -> None:
    """Tab from the page's content to the file picker, then Enter opens the file dialog."""
    # Playwright asks the browser to intercept file dialogs only once a listener exists, and
    # without waiting for it: subscribed inside `expect_file_chooser` the subscription can arrive
    # after the key press (the dialog then opens natively, unseen). Subscribe before tabbing.
    page.on("filechooser", lambda _chooser: None)
    page.locator("main").focus()
    picker = page.get_by_label("Video file")
    for _ in range(10):
        page.keyboard.press("Tab")
        if picker.evaluate("(element) => element === document.activeElement"):
            break
    else:
        raise AssertionError(f"Tab never reached the file picker: {focused(page)}")
    assert focus_ring(page) != "none", "no visible focus on the file picker"
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Enter")
    chooser.value.set_files(video)


def test_upload_dub_into_two_languages_follow_and_watch(stack, page, audit, tmp_path):
    key = stack.api_key("web@example.com")
    video = make_video(tmp_path / "talk.mp4", MEDIA / "multilingual.mp3", seconds=12)
    # The app follows the live event stream (and polls only while it is down).
    streams: list[int] = []
    page.on("response", lambda r: streams.append(r.status) if "/v1/events" in r.url else None)
    _sign_in(page, stack.api_url, key, audit)
    audit.check(page, "upload-empty")

    _pick_file_with_keyboard(page, video)
    page.get_by_text("Uploaded", exact=True).wait_for(timeout=60_000)
    _choose(page, "Spoken language of the video", "English")
    _choose(page, "Target language 1", "Spanish")
    page.get_by_role("button", name="Add a target language").click()
    _choose(page, "Target language 2", "Catalan")
    _shot(page, "2-upload")
    audit.check(page, "upload-ready")
    page.get_by_role("button", name="Start dubbing").click()
    page.wait_for_url(re.compile(r".*/app/jobs/[0-9A-Za-z]+$"))
    job_id = page.url.rsplit("/", 1)[1]
    _wait_for_focus_on_main(page)

    history = _follow_stages(page, audit)
    final = history[-1]
    assert page.locator("[data-job-status]").get_attribute("data-job-status") == "succeeded"
    assert {scope for scope, _, _ in final} == {
        "Stages of the whole video",
        "Stages of es",
        "Stages of ca",
    }
    assert len(final) == 4 + 2 * 5 and all(status == "succeeded" for _, _, status in final)
    succeeded_counts = [sum(s == "succeeded" for _, _, s in rows) for rows in history]
    assert succeeded_counts == sorted(succeeded_counts), "a stage went back from succeeded"
    assert len(set(succeeded_counts)) >= 4, f"too few updates seen: {succeeded_counts}"
    assert any(status == "running" for rows in history for _, _, status in rows)
    # Those updates came through one open stream, which never dropped (no polling meanwhile).
    assert streams == [200], streams
    _shot(page, "4-job-done")
    audit.check(page, "job-stages")

    # The retry dialog, by keyboard: focus goes into it, and back to its button when it closes.
    retry = page.get_by_role("button", name="Retry from stage…")
    retry.focus()
    page.keyboard.press("Enter")
    dialog = page.get_by_role("dialog", name="Retry from a stage")
    dialog.wait_for()
    page.wait_for_function("() => document.activeElement.closest('[role=dialog]') !== null")
    audit.check(page, "job-retry-dialog")
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden")
    page.wait_for_function(
        "() => document.activeElement.textContent === 'Retry from stage…'", timeout=5_000
    )

    page.get_by_role("tab", name="Logs").click()
    page.get_by_role("table", name="Log lines").wait_for()
    _shot(page, "5-job-logs")
    audit.check(page, "job-logs")
    page.get_by_role("tab", name="Metrics").click()
    page.get_by_text("Wall clock").wait_for()
    _shot(page, "6-job-metrics")
    audit.check(page, "job-metrics")
    _check_quality_tab(page, stack, job_id)
    audit.check(page, "job-quality")
    # Dagster's run links are for admins: a tenant's job page has no tab for them.
    assert page.get_by_role("tab").all_inner_texts() == [
        "Stages",
        "Logs",
        "Quality",
        "Editor",
        "Metrics",
    ]

    # On a phone the navigation is a menu behind a button; by keyboard it opens, Enter follows a
    # link, and focus lands on the new page's content.
    page.set_viewport_size(PHONE)
    page.get_by_role("button", name="Menu").focus()
    page.keyboard.press("Enter")
    page.get_by_role("menuitem", name="Jobs").wait_for()
    for _ in range(5):
        if page.evaluate("() => document.activeElement.textContent") == "Jobs":
            break
        page.keyboard.press("ArrowDown")
    assert focus_ring(page) != "none", f"no visible focus on {focused(page)}"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r".*/app/jobs$"))
    row = page.locator(f'tr[data-job="{job_id}"]')
    row.wait_for()
    _wait_for_focus_on_main(page)
    page.set_viewport_size(DESKTOP)
    assert "succeeded" in row.inner_text().lower()
    _shot(page, "7-jobs")
    audit.check(page, "jobs")

    catalan_audio: list[str] = []
    page.on(
        "request",
        lambda request: (
            catalan_audio.append(request.url)
            if f"/jobs/{job_id}/hls/audio/ca/" in request.url
            else None
        ),
    )
    row.click()
    page.get_by_role("link", name="Watch", exact=True).click()
    page.wait_for_url(re.compile(r".*/watch$"))
    player = page.get_by_test_id("player")
    page.locator(".vjs-big-play-button").click()
    page.wait_for_function("() => document.querySelector('video').currentTime > 1", timeout=30_000)
    assert player.get_attribute("data-audio-language") == "es"  # the master's default
    assert not catalan_audio

    _choose(page, "Audio", "Català")
    _choose(page, "Subtitles", "Català")
    switched_at = page.evaluate("() => document.querySelector('video').currentTime")
    page.wait_for_function(
        f"() => document.querySelector('video').currentTime > {switched_at + 2}", timeout=30_000
    )
    assert player.get_attribute("data-audio-language") == "ca"
    assert any(url.split("?")[0].endswith((".ts", ".aac", ".m4s")) for url in catalan_audio), (
        f"no Catalan audio segment was fetched: {catalan_audio}"
    )
    cue = page.locator(".vjs-text-track-display .vjs-text-track-cue")
    cue.first.wait_for(timeout=30_000)
    assert cue.first.inner_text().strip()
    _shot(page, "8-watch")
    audit.check(page, "watch")

    downloads = page.get_by_role("table", name="Downloads")
    mp4 = downloads.get_by_role("link", name="MP4").nth(1).get_attribute("href")
    assert mp4 and httpx.get(mp4).headers["content-type"] == "video/mp4"

    # The account page: the job's upload and its dubbed outputs count in the storage quota.
    page.get_by_role("link", name="Account").click()
    storage = page.get_by_role("row", name=re.compile("^Storage"))
    storage.wait_for()
    assert "0 B" not in storage.inner_text()
    _shot(page, "9-account")
    audit.check(page, "account")

    _fix_a_sentence_and_redub(page, audit, job_id)


def _fix_a_sentence_and_redub(page: Page, audit: AccessibilityAudit, job_id: str) -> None:
    """The editor: correct one Spanish sentence, re-dub, and the job says it is spoken again
    (docs/editing.md; tests/e2e/test_editing.py checks the audio bytes and Whisper)."""
    page.goto(page.url.split("/app/", 1)[0] + f"/app/jobs/{job_id}")
    page.get_by_role("tab", name="Editor").click()
    table = page.get_by_role("table", name="Sentences of Spanish")
    table.wait_for()
    _shot(page, "10-job-editor")
    audit.check(page, "job-editor")
    first = table.locator("tbody tr").first
    first.get_by_role("button", name=re.compile("^Edit Spanish sentence")).click()
    box = first.get_by_role("textbox")
    box.fill("Hoy comemos naranjas en la playa.")
    audit.check(page, "job-editor-editing")
    first.get_by_role("button", name="Save").click()
    first.get_by_text("spoken again on re-dub").wait_for()
    summary = page.get_by_test_id("redub-summary")
    assert "speaks 1 sentence again" in summary.inner_text()
    page.get_by_role("button", name="Re-dub changes").click()
    page.get_by_text("Re-dub requested").wait_for()
    page.wait_for_function(
        "() => document.querySelector('[data-job-status]')?.dataset.jobStatus === 'succeeded'"
        " && !document.body.textContent.includes('spoken again on re-dub')",
        timeout=600_000,
    )
    assert "Hoy comemos naranjas en la playa." in first.inner_text()


def _check_quality_tab(page: Page, stack, job_id: str) -> None:
    """Each language's quality report: its summary, both plots and the unit table, drawn from
    the report the pipeline stored for the finished job."""
    store = MediaStore(root=DubflowSettings(data_dir=stack.data_dir).resolved_storage_url)
    page.get_by_role("tab", name="Quality").click()
    for lang, name in (("es", "Spanish"), ("ca", "Catalan")):
        section = page.locator(f'[data-quality-language="{lang}"]')
        section.get_by_role("heading", name=name).wait_for()
        report = store.read_json(keys.quality_report(job_id, lang))
        timeline = section.get_by_role("img", name=re.compile(f"^Timeline of {name}"))
        assert timeline.locator('rect[data-lane="dub"]').count() == len(report["units"])
        histogram = section.get_by_role("img", name=re.compile(f"^Speed ratios of {name}"))
        counts = histogram.locator("[data-bin]").evaluate_all(
            "bins => bins.map(bin => Number(bin.dataset.count))"
        )
        assert sum(counts) == len(report["units"])
        units = section.get_by_role("table", name=f"Units of {lang}")
        assert units.locator("tbody tr").count() == len(report["units"])
    _shot(page, "6b-job-quality")


def _big_video(path: Path) -> Path:
    """A valid video of ~20 MB (three 8 MiB parts): lossless noise, so it does not compress."""
    subprocess.run(
        [
            "ffmpeg", "-v", "error", "-y",
            "-f", "lavfi", "-i", "nullsrc=size=1280x720:rate=25,geq=random(1)*255:128:128",
            "-i", str(MEDIA / "multilingual.mp3"),
            "-t", "0.6", "-map", "0:v", "-map", "1:a",
            "-c:v", "libx264", "-preset", "ultrafast", "-qp", "0", "-pix_fmt", "yuv420p",
            "-c:a", "aac", str(path),
        ],
        check=True,
    )  # fmt: skip
    return path


def test_a_failed_part_is_retried_and_a_reload_resumes_the_upload(stack, page, audit, tmp_path):
    key = stack.api_key("resume@example.com")
    video = _big_video(tmp_path / "big.mp4")
    assert 2 * PART_BYTES < video.stat().st_size <= 3 * PART_BYTES, video.stat().st_size
    _sign_in(page, stack.api_url, key)

    # The network drops every attempt to send part 2; parts 1 and 3 go through.
    page.route(re.compile(r".*/v1/uploads/[^/]+/parts/2\?.*"), lambda route: route.abort())
    page.locator('input[type="file"]').set_input_files(video)
    page.get_by_text("1 part(s) failed after several attempts").wait_for(timeout=60_000)
    page.get_by_role("button", name="Retry failed parts").wait_for()
    _shot(page, "9-upload-failed-part")
    audit.check(page, "upload-failed-part")
    page.unroute(re.compile(r".*/v1/uploads/[^/]+/parts/2\?.*"))

    page.reload()
    sent: list[str] = []

    def on_request(request: Request) -> None:
        if request.method == "PUT":
            sent.append(request.url)

    page.on("request", on_request)
    page.locator('input[type="file"]').set_input_files(video)
    page.get_by_text("Uploaded", exact=True).wait_for(timeout=60_000)
    page.get_by_text("Resumed: 2 of 3 parts were already on the server.").wait_for()
    _shot(page, "10-upload-resumed")
    audit.check(page, "upload-resumed")

    assert [re.sub(r".*/parts/(\d+)\?.*", r"\1", url) for url in sent] == ["2"]
    upload_id = re.sub(r".*/v1/uploads/([^/]+)/parts/.*", r"\1", sent[0])
    state = httpx.get(
        f"{stack.api_url}/v1/uploads/{upload_id}", headers={"Authorization": f"Bearer {key}"}
    ).json()
    assert state["status"] == "completed" and state["media"]["width"] == 1280


def test_an_upload_under_way_is_cancelled(stack, page, audit, tmp_path):
    key = stack.api_key("cancel@example.com")
    video = _big_video(tmp_path / "big.mp4")
    _sign_in(page, stack.api_url, key)

    # Part 2 never arrives (the request is held, unanswered): the upload stays under way.
    held: list[Route] = []
    page.route(re.compile(r".*/v1/uploads/[^/]+/parts/2\?.*"), lambda route: held.append(route))
    page.locator('input[type="file"]').set_input_files(video)
    page.get_by_text("2 of 3 parts sent").wait_for(timeout=60_000)
    assert held and page.get_by_role("button", name="Pause").is_visible()
    upload_id = re.sub(r".*/v1/uploads/([^/]+)/parts/.*", r"\1", held[0].request.url)
    _shot(page, "11-upload-under-way")
    audit.check(page, "upload-under-way")

    page.get_by_role("button", name="Cancel upload").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Pick a video first.").wait_for()
    # The button is gone: focus is on picking a file again.
    page.wait_for_function(
        "() => document.activeElement.getAttribute('aria-label') === 'Video file'"
    )
    assert page.get_by_text("big.mp4").count() == 0
    assert page.get_by_role("progressbar", name="Upload progress").count() == 0
    assert upload_id not in page.evaluate("() => localStorage.getItem('dubflow.uploads') ?? ''")
    _shot(page, "12-upload-cancelled")
    audit.check(page, "upload-cancelled")
    state = httpx.get(
        f"{stack.api_url}/v1/uploads/{upload_id}", headers={"Authorization": f"Bearer {key}"}
    ).json()
    assert state["status"] == "aborted" and state["receivedParts"] == []


def test_presets_are_created_edited_and_deleted(stack, page, audit):
    key = stack.api_key("presets@example.com")
    _sign_in(page, stack.api_url, key)
    page.get_by_role("link", name="Presets").first.click()
    table = page.get_by_role("table", name="Presets")
    table.wait_for()
    audit.check(page, "presets")

    page.get_by_role("link", name="New preset").click()
    page.get_by_role("textbox", name="Name").fill("calm narration")
    duck = page.get_by_role("textbox", name="Original lowered under the dub by (dB)")
    duck.fill("20")
    page.get_by_role("checkbox", name="Own loudness target (otherwise the installation's)").check()
    _choose(page, "Spanish voice", "espeak-es")
    audit.check(page, "preset-form")
    page.get_by_role("button", name="Create preset").click()
    row = table.get_by_role("row").filter(has_text="calm narration")
    row.wait_for()
    text = row.text_content() or ""  # the badge is upper-cased by its style alone
    assert "yours, v1" in text and "20 dB, -16 LUFS" in text
    presets = httpx.get(
        f"{stack.api_url}/v1/presets", headers={"Authorization": f"Bearer {key}"}
    ).json()
    (mine,) = [preset for preset in presets if preset["custom"]]
    assert (mine["duckDb"], mine["loudnessLufs"], mine["voices"]) == (20, -16, {"es": "espeak-es"})

    page.get_by_role("link", name="Edit calm narration").click()
    page.get_by_role("textbox", name="Lines per cue, at most").fill("1")
    page.get_by_role("button", name="Save changes").click()
    table.get_by_role("row").filter(has_text="yours, v2").wait_for()

    page.get_by_role("button", name="Delete calm narration").click()
    dialog = page.get_by_role("dialog", name="Delete calm narration?")
    dialog.wait_for()
    audit.check(page, "preset-delete")
    dialog.get_by_role("button", name="Delete preset").click()
    row.wait_for(state="detached")
    _shot(page, "13-presets")
