"""The demo's client side: upload the sample through the running stack, create a job, show
its stages until done, then print the playback URL and where to look in Dagster."""

import argparse
import contextlib
import sys
import time
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.live import Live
from rich.table import Table

from dubbing_api.client import DubflowClient
from dubbing_api.core.config import ApiSettings
from dubbing_core.db import migrate
from dubflow_cli.admin import create_key, create_user
from testing.servers import wait_for_url

console = Console()


def wait_for(url: str, timeout: float) -> None:
    try:
        wait_for_url(url, timeout)
    except TimeoutError as error:
        sys.exit(str(error))


def demo_key(email: str = "demo@dubflow.local") -> str:
    url = ApiSettings().resolved_database_url
    migrate(url)
    with contextlib.suppress(typer.BadParameter):  # the user exists from an earlier run
        # The operator of this machine: sees the Dagster runs the demo prints.
        create_user(url, email, "dubflow demo", role="admin")
    return create_key(url, email, "demo")


def stage_table(job: dict[str, Any]) -> Table:
    table = Table(title=f"job {job['id']}: {job['status']} ({job['progress']:.0%})")
    for column in ("language", "stage", "status", "progress", "attempt", "seconds"):
        table.add_column(column)
    rows = [("", stage) for stage in job["stages"]]
    rows += [(lang["language"], stage) for lang in job["languages"] for stage in lang["stages"]]
    for lang, stage in rows:
        seconds = stage["durationSeconds"]
        table.add_row(
            lang or "(job)",
            stage["stage"],
            stage["status"],
            f"{stage['progress']:.0%}",
            str(stage["attempt"]),
            f"{seconds:.1f}" if seconds is not None else "",
        )
    return table


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--api", default="http://127.0.0.1:8000")
    parser.add_argument("--dagster", default="http://127.0.0.1:3000")
    parser.add_argument("--video", type=Path, required=True)
    parser.add_argument("--to", default="es")
    parser.add_argument("--source", default="en")
    args = parser.parse_args()

    wait_for(f"{args.api}/v1/health", 120)
    wait_for(f"{args.dagster}/server_info", 180)
    client = DubflowClient(args.api, demo_key())
    console.print(f"uploading {args.video} in parts")
    upload_id = client.upload(
        args.video, on_part=lambda n, total: console.print(f"  part {n}/{total} sent")
    )
    uploaded = time.monotonic()
    job = client.create_job(upload_id, args.to.split(","), args.source)
    first_running: float | None = None
    with Live(stage_table(job), console=console, refresh_per_second=4) as live:

        def update(current: dict[str, Any]) -> None:
            nonlocal first_running
            live.update(stage_table(current))
            started = any(s["status"] != "pending" for s in current["stages"])
            if first_running is None and started:
                first_running = time.monotonic()

        job = client.wait(job["id"], timeout=900, on_update=update)
    done = time.monotonic()
    console.print()
    if job["status"] != "succeeded":
        sys.exit(f"job {job['id']} {job['status']}: {job['errorCode']} {job['errorMessage']}")
    playback = client.playback(job["id"])
    console.print(
        f"upload complete -> first stage running: {(first_running or done) - uploaded:.1f} s"
    )
    console.print(f"submit -> playable HLS: {done - uploaded:.1f} s")
    console.print(f"[bold]HLS master (signed, valid until {playback['expiresAt']}):[/]")
    print(playback["url"])
    for lang in job["languages"]:
        print(f"{lang['language']} MP4: {lang['outputs']['mp4Url']}")
    storage_url = ApiSettings().resolved_storage_url
    if not storage_url.startswith("s3://"):
        outputs = Path(storage_url) / "jobs" / job["id"]
        print(f"Outputs on disk: {outputs}")
        print(f"  play without the stack: ffplay {outputs / 'hls' / 'master.m3u8'}")
    for run in job["dagsterRuns"]:
        print(f"Dagster run: {run['url']}")
    print(f"Dagster UI: {args.dagster}")


if __name__ == "__main__":
    main()
