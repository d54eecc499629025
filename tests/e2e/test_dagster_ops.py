"""Operators' view, live: the Dagster webserver loads every definition (checked over GraphQL),
a backfill over job x language partitions launched through `launchPartitionBackfill` re-runs
exactly those partitions, and the UI renders in headless Chromium (screenshots kept)."""

import time
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from dubbing_api.dagster_client import DagsterClient
from dubbing_core.stages import JOB_STAGES, STAGES
from testing.media import MEDIA, make_video
from tests.e2e.browser import ARTIFACTS, chromium

ASSETS = set(STAGES)

DEFINITIONS = """
{
  repositoriesOrError {
    ... on RepositoryConnection {
      nodes {
        jobs { name }
        sensors { name }
        schedules { name cronSchedule }
        assetNodes {
          assetKey { path }
          partitionDefinition {
            type
            dimensionTypes { name type dynamicPartitionsDefinitionName }
          }
        }
      }
    }
  }
}
"""

BACKFILL = """
mutation Backfill($names: [String!], $assets: [AssetKeyInput!]) {
  launchPartitionBackfill(backfillParams: {partitionNames: $names, assetSelection: $assets}) {
    __typename
    ... on LaunchBackfillSuccess { backfillId }
    ... on PythonError { message }
  }
}
"""

BACKFILL_STATUS = """
query Status($id: String!) {
  partitionBackfillOrError(backfillId: $id) {
    ... on PartitionBackfill { status }
  }
}
"""


def _dagster(stack) -> DagsterClient:
    return DagsterClient(f"{stack.dagster_url}/graphql", timeout=30)


def test_the_webserver_loads_every_definition(stack):
    repository = _dagster(stack).query(DEFINITIONS)["repositoriesOrError"]["nodes"][0]
    assert {"ingest_assets_job", "dub_assets_job"} <= {job["name"] for job in repository["jobs"]}
    assert {sensor["name"] for sensor in repository["sensors"]} == {
        "submissions",
        "chain_dub_runs",
        "job_failures",
        "job_cancellations",
        "language_completions",
    }
    assert [s["name"] for s in repository["schedules"]] == ["batch_redub"]
    nodes = {node["assetKey"]["path"][0]: node for node in repository["assetNodes"]}
    assert set(nodes) == ASSETS
    for name in ("source_video", "source_audio", "transcript", "video_rendition"):
        partitions = nodes[name]["partitionDefinition"]
        assert partitions["type"] == "DYNAMIC"
        assert (
            partitions["dimensionTypes"][0]["dynamicPartitionsDefinitionName"] == "job_partitions"
        )
    for name in ASSETS - set(JOB_STAGES):
        partitions = nodes[name]["partitionDefinition"]
        assert partitions["type"] == "MULTIPARTITIONED"
        assert {(d["name"], d["type"]) for d in partitions["dimensionTypes"]} == {
            ("job", "DYNAMIC"),
            ("lang", "STATIC"),
        }


def test_a_backfill_over_job_language_partitions_reruns_exactly_those(stack, client, tmp_path):
    video = make_video(tmp_path / "clip.mp4", MEDIA / "multilingual.mp3", seconds=6)
    job = client.wait(client.create_job(client.upload(video), ["es", "ca"], "en")["id"])
    assert job["status"] == "succeeded", job

    launched = _dagster(stack).query(
        BACKFILL,
        {
            "names": [f"{job['id']}|es", f"{job['id']}|ca"],
            "assets": [{"path": ["dubbed_mix"]}, {"path": ["audio_rendition"]}],
        },
    )["launchPartitionBackfill"]
    assert launched["__typename"] == "LaunchBackfillSuccess", launched
    started = time.monotonic()
    status = "REQUESTED"
    while status in ("REQUESTED", "CANCELING", "FAILING"):
        assert time.monotonic() - started < 300, "the backfill did not finish"
        time.sleep(1)
        status = _dagster(stack).query(BACKFILL_STATUS, {"id": launched["backfillId"]})[
            "partitionBackfillOrError"
        ]["status"]
    print(f"backfill of 2 partitions x 2 assets: {status} in {time.monotonic() - started:.1f} s")
    assert status in ("COMPLETED", "COMPLETED_SUCCESS")

    after = client.job(job["id"])
    for language in after["languages"]:
        attempts = {stage["stage"]: len(stage["history"]) for stage in language["stages"]}
        assert attempts == {
            "translation": 1,
            "dubbed_speech": 1,
            "dubbed_mix": 2,
            "audio_rendition": 2,
            "subtitles": 1,
        }, language["language"]
    assert all(len(stage["history"]) == 1 for stage in after["stages"])


def _dismiss_first_visit_dialog(page) -> None:
    skip = page.get_by_role("button", name="Skip")  # Dagster's "join the community" dialog
    try:
        skip.wait_for(timeout=5_000)
    except PlaywrightTimeout:
        return
    skip.click()
    skip.wait_for(state="hidden")


def _screenshot(page, url: str, ready_text: str, path: Path, click: str | None = None) -> None:
    page.goto(url)
    page.get_by_text(ready_text).first.wait_for(timeout=60_000)
    _dismiss_first_visit_dialog(page)
    if click:
        page.get_by_text(click).first.click()
    page.wait_for_timeout(3_000)  # let the live queries settle
    page.screenshot(path=str(path))


def test_the_ui_renders_in_headless_chromium(stack):
    ARTIFACTS.mkdir(exist_ok=True)
    shots = {
        "dagster-assets.png": ("/assets", "audio_rendition", None),
        "dagster-lineage.png": ("/assets", "audio_rendition", "View lineage"),
        "dagster-runs.png": ("/runs", "dub_assets_job", None),
        "dagster-automation.png": ("/automation", "batch_redub", None),
    }
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        for name, (path, ready, click) in shots.items():
            _screenshot(page, stack.dagster_url + path, ready, ARTIFACTS / name, click)
    for name in shots:
        assert (ARTIFACTS / name).stat().st_size > 20_000, name
