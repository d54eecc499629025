"""The client side of `make smoke` (scripts/smoke.sh), against the compose stack it started:
dub the sample through the gateway and the API, check the HLS output with ffprobe, the job's
event stream through the gateway, that every run had a container of its own and that Dagster's
runs are in PostgreSQL, then re-dub the job, kill its run container in the middle of a stage and
resume it. Writes what it measured to a JSON report (the images' sizes, the stack's start, the
job's wall time); exits non-zero with one line saying what failed.

With `--load-jobs N` (`scripts/smoke.sh --load-jobs N`, for bench/compose.py) it dubs instead one
job alone, then N jobs created at once, and reports when each job was created and each of its
runs' containers started and finished, with the run concurrency limits the daemon enforces.

Kept cheap (it runs in CI after the tests): two languages, a 12 s clip, and the re-dub reuses
the job's ingest instead of dubbing a second upload from scratch. The gateway's rate limits
count in the stack's PostgreSQL (docker-compose.yml), which the smoke checks too."""

import argparse
import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import httpx
import psycopg
import typer
import yaml

from dubbing_api.client import ApiError, DubflowClient
from dubflow_cli.admin import create_key, create_user
from testing.media import MEDIA, make_video
from testing.servers import wait_for_url

JOB_TIMEOUT = 1500.0
# How long the API may answer 5xx (or not at all) in a row before the smoke gives up: on a
# loaded machine PostgreSQL once restarted a crashed backend mid-job (10 s of recovery), which
# the stack's services rode out and the job survived.
UNAVAILABLE_TIMEOUT = 120.0
TERMINAL = ("succeeded", "failed", "cancelled")
IMAGES = ("dubflow-api", "dubflow-pipeline", "dubflow-gateway", "dubflow-postgres", "dubflow-s3")
# Two languages, as a job usually asks for: one run per language, each in its own container.
LANGUAGES = ["es", "ca"]
# Over S3's 5 MiB minimum part size at 640x360 losslessly, so the upload takes two parts.
SAMPLE_SECONDS = 12
# The first stage of a language's dub run: a re-dub from here reuses the job's ingest.
REDUB_FROM = "translation"
# `--load-jobs`: each job into one language (an ingest run and a dub run), each by a user of its
# own, as the instance allows one run at a time per tenant (deploy/docker/dagster.yaml).
LOAD_LANGUAGES = ["es"]


def log(message: str) -> None:
    print(f"smoke: {message}", flush=True)


def fail(message: str) -> None:
    sys.exit(f"smoke: FAILED: {message}")


def job_state(client: DubflowClient, job_id: str) -> dict[str, Any]:
    """The job, asked again while the API is briefly unavailable (5xx or no connection)."""
    unavailable_since = None
    while True:
        try:
            return client.job(job_id)
        except (ApiError, httpx.TransportError) as error:
            if isinstance(error, ApiError) and error.status < 500:
                raise
            now = time.monotonic()
            unavailable_since = unavailable_since or now
            if now - unavailable_since > UNAVAILABLE_TIMEOUT:
                fail(f"the API has not answered about job {job_id} for 120 s: {error}")
            log(f"the API is unavailable ({error}); asking again")
            time.sleep(2)


def wait_for_job(client: DubflowClient, job_id: str, timeout: float) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        job = job_state(client, job_id)
        if job["status"] in TERMINAL:
            return job
        if time.monotonic() > deadline:
            fail(f"job {job_id} still {job['status']} after {timeout:.0f} s")
        time.sleep(1)


def ffprobe(url: str) -> dict[str, Any]:
    result = subprocess.run(
        ["ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", url],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if result.returncode != 0:
        fail(f"ffprobe {url}: {result.stderr.strip()}")
    return dict(json.loads(result.stdout))


def check_hls(client: DubflowClient, job_id: str, languages: list[str]) -> None:
    master_url = client.playback(job_id)["url"]
    master = httpx.get(master_url, timeout=30)
    master.raise_for_status()
    renditions = [
        urljoin(master_url, line.split('URI="', 1)[1].split('"', 1)[0])
        if 'URI="' in line
        else urljoin(master_url, line)
        for line in master.text.splitlines()
        if (line and not line.startswith("#")) or 'URI="' in line
    ]
    if len(renditions) < 1 + len(languages):
        fail(f"master playlist names {len(renditions)} renditions for {languages}")
    missing = [lang for lang in languages if f'LANGUAGE="{lang}"' not in master.text]
    if missing:
        fail(f"master playlist has no audio rendition for {missing}")
    for url in renditions:
        response = httpx.get(url, timeout=30)
        response.raise_for_status()
        probe = ffprobe(url)
        duration = float(probe["format"].get("duration", 0))
        if not probe["streams"] or duration <= 0:
            fail(f"rendition {url.split('?')[0]} has no playable stream")
    log(f"HLS master and {len(renditions)} renditions probed")


def containers_of(run_id: str, *filters: str) -> list[str]:
    command = ["docker", "ps", "-aq", "--filter", f"label=dagster/run_id={run_id}"]
    for extra in filters:
        command += ["--filter", extra]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return output.split()


def check_runs(job: dict[str, Any], dagster_db: str) -> None:
    run_ids = [run["runId"] for run in job["dagsterRuns"]]
    if not run_ids:
        fail("the job names no Dagster run")
    for run_id in run_ids:
        if len(containers_of(run_id)) != 1:
            fail(f"run {run_id} did not run in a container of its own")
    with psycopg.connect(dagster_db) as connection:
        rows = connection.execute(
            "SELECT run_id, status FROM runs WHERE run_id = ANY(%s)", (run_ids,)
        ).fetchall()
    if {row[0] for row in rows} != set(run_ids):
        fail("Dagster's PostgreSQL run storage lacks runs of the job")
    log(f"{len(run_ids)} runs, each in its own container, recorded in PostgreSQL")


def running_stage(job: dict[str, Any]) -> str | None:
    stages = list(job["stages"]) + [s for lang in job["languages"] for s in lang["stages"]]
    return next((s["stage"] for s in stages if s["status"] == "running"), None)


def image_sizes(tag: str) -> dict[str, int]:
    """Bytes of each image of the stack, as the Docker daemon reports them."""
    sizes = {}
    for image in IMAGES:
        output = subprocess.run(
            ["docker", "image", "inspect", "-f", "{{.Size}}", f"{image}:{tag}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        sizes[image] = int(output)
    return sizes


def check_gateway(gateway: str) -> None:
    """The gateway answers /v1/health from the API, with a request id of its own, and passes on
    the apps the API serves."""
    response = httpx.get(f"{gateway}/v1/health", timeout=30)
    if response.status_code != 200 or not response.headers.get("x-request-id"):
        fail(f"the gateway's /v1/health: {response.status_code} {response.headers}")
    log("the gateway proxies /v1/health")
    for app in ("/app/", "/mobile/"):  # the web app and the mobile app's web build
        page = httpx.get(f"{gateway}{app}", timeout=30)
        if page.status_code != 200 or "<html" not in page.text.lower():
            fail(f"{app} through the gateway: {page.status_code} {page.text[:200]!r}")
    log("the API serves the web app under /app/ and the mobile app under /mobile/")


def check_shared_rate_limits(app_db: str) -> None:
    """The gateway counted the smoke's requests in PostgreSQL (per address and per key), where
    every gateway of the stack would share them."""
    with psycopg.connect(app_db.replace("postgresql+psycopg://", "postgresql://")) as connection:
        keys = [row[0] for row in connection.execute("SELECT key FROM gateway_rate_limits")]
    kinds = {key.split(":", 1)[0] for key in keys}
    if not {"address", "credential"} <= kinds:
        fail(f"the gateway's rate limits are not counted in PostgreSQL: {sorted(kinds)}")
    log(f"the gateway counts its rate limits in PostgreSQL ({len(keys)} keys)")


def check_event_stream(client: DubflowClient, job_id: str) -> None:
    """A finished job's event stream, through the gateway: every event since the job was
    created, then the end (a stream that never ends fails here instead of hanging)."""
    events: list[dict[str, Any]] = []
    reader = threading.Thread(target=lambda: events.extend(client.events(job_id)), daemon=True)
    reader.start()
    reader.join(timeout=120)
    if reader.is_alive():
        fail("the job's event stream through the gateway did not end after the job")
    types = {event["event"] for event in events}
    last = events[-1]["data"] if events else {}
    if not {"job.status", "stage.status", "language.ready"} <= types or last.get("status") != (
        "succeeded"
    ):
        fail(f"the job's event stream through the gateway: {sorted(types)}, ending {last}")
    log(f"{len(events)} events streamed through the gateway, ending with the job's success")


def kill_and_resume(client: DubflowClient, job_id: str) -> dict[str, Any]:
    """Re-dub the job, kill its run container during a stage, then resume from that stage."""
    client.retry(job_id, resume_from=REDUB_FROM)
    deadline = time.monotonic() + JOB_TIMEOUT
    while True:
        job = job_state(client, job_id)
        stage = running_stage(job)
        running = [
            container
            for run in job["dagsterRuns"]
            for container in containers_of(run["runId"], "status=running")
        ]
        if stage and running:
            break
        if job["status"] in TERMINAL or time.monotonic() > deadline:
            fail(f"no running stage to interrupt (job {job['status']})")
        time.sleep(0.5)
    subprocess.run(["docker", "kill", *running], check=True, capture_output=True)
    log(f"killed the run container during {stage}")
    job = wait_for_job(client, job_id, timeout=600)
    if job["status"] != "failed" or not job["errorCode"]:
        fail(f"after the kill the job is {job['status']} ({job['errorCode']}), not failed cleanly")
    failed_with = job["errorCode"]
    log(f"job failed cleanly: {failed_with}")
    client.retry(job_id, resume_from=stage)
    job = wait_for_job(client, job_id, timeout=JOB_TIMEOUT)
    if job["status"] != "succeeded":
        fail(f"resumed job {job['status']}: {job['errorCode']} {job['errorMessage']}")
    log(f"job resumed from {stage} and succeeded")
    check_hls(client, job_id, LANGUAGES)
    return {"killed_during": stage, "failed_with": failed_with}


def client_for(app_db: str, base_url: str, email: str) -> DubflowClient:
    """A user and an API key. An admin: the API shows a job's Dagster runs to admins only, and
    the smoke checks them."""
    with contextlib.suppress(typer.BadParameter):  # the user exists from an earlier attempt
        create_user(app_db, email, "compose smoke", role="admin")
    return DubflowClient(base_url, create_key(app_db, email, "smoke"))


def make_sample(workdir: Path) -> Path:
    sample = workdir / "sample_en.mp4"
    make_video(
        sample, MEDIA / "multilingual.mp3", seconds=SAMPLE_SECONDS, size="640x360", lossless=True
    )
    return sample


def upload_sample(client: DubflowClient, sample: Path) -> str:
    parts: list[int] = []
    upload_id = client.upload(sample, on_part=lambda n, total: parts.append(total))
    if len(parts) < 2:
        fail(f"the upload went in {len(parts)} part(s), not several")
    log(f"uploaded {sample.stat().st_size} bytes in {len(parts)} parts")
    return upload_id


@dataclass
class Dubbed:
    job: dict[str, Any]
    created_at: float  # the clock's time (epoch seconds) just before the job was created
    wall_s: float  # from upload complete (the create) to succeeded


def dub(client: DubflowClient, upload_id: str, languages: list[str]) -> Dubbed:
    """Create a job on a completed upload and wait until it succeeded (timed as `make bench`
    times a job on the local stack: from upload complete to succeeded)."""
    created_at, started = time.time(), time.monotonic()
    job = client.create_job(upload_id, languages, "en")
    job = wait_for_job(client, job["id"], timeout=JOB_TIMEOUT)
    if job["status"] != "succeeded":
        fail(f"job {job['status']}: {job['errorCode']} {job['errorMessage']}")
    return Dubbed(job, created_at, round(time.monotonic() - started, 1))


def run_containers(job: dict[str, Any], dagster_db: str) -> list[dict[str, Any]]:
    """When each run's container started and finished, as Docker says (RFC 3339, UTC), and when
    Dagster's run record says the run ended (epoch seconds). The job succeeds as its last stage
    ends, a moment before its run's container exits: waited for."""
    run_ids = [run["runId"] for run in job["dagsterRuns"]]
    with psycopg.connect(dagster_db) as connection:
        ended: dict[str, float] = dict(
            connection.execute(
                "SELECT run_id, end_time FROM runs WHERE run_id = ANY(%s)", (run_ids,)
            ).fetchall()
        )
    found = []
    times = "{{.State.StartedAt}} {{.State.FinishedAt}}"
    for run_id in run_ids:
        for container in containers_of(run_id):
            subprocess.run(
                ["docker", "wait", container], capture_output=True, check=True, timeout=300
            )
            output = subprocess.run(
                ["docker", "inspect", "-f", times, container],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            started_at, finished_at = output.split()
            found.append(
                {
                    "run_id": run_id,
                    "started_at": started_at,
                    "finished_at": finished_at,
                    "run_ended_at": ended[run_id],
                }
            )
    return found


def instance_limits() -> dict[str, Any]:
    """The run concurrency the daemon enforces: the `concurrency` section of the instance file
    in its container (the file the pipeline image was built with)."""
    project = os.environ["COMPOSE_PROJECT_NAME"]
    labels = [f"com.docker.compose.project={project}", "com.docker.compose.service=daemon"]
    daemon = subprocess.run(
        ["docker", "ps", "-q", *(f"--filter=label={label}" for label in labels)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    if len(daemon) != 1:
        fail(f"found {len(daemon)} daemon containers of {project}, not one")
    instance = subprocess.run(
        ["docker", "exec", daemon[0], "sh", "-c", 'cat "$DAGSTER_HOME/dagster.yaml"'],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(yaml.safe_load(instance)["concurrency"])


def load(args: argparse.Namespace) -> dict[str, Any]:
    """One job alone, then `--load-jobs` jobs created at once, each by a user of its own, on
    the same stack: what bench/compose.py makes its throughput and queue figures of. Straight
    to the API: the runs are measured, not the gateway, whose limit per address N clients
    polling from one address would reach."""
    count = args.load_jobs
    emails = [f"load{n}@dubflow.local" for n in range(count)]
    clients = [client_for(args.app_db, args.api, email) for email in emails]
    sample = make_sample(args.workdir)
    uploads = [upload_sample(client, sample) for client in clients]
    alone_upload = upload_sample(clients[0], sample)

    def record(dubbed: Dubbed) -> dict[str, Any]:
        check_runs(dubbed.job, args.dagster_db)
        return {
            "created_at": dubbed.created_at,
            "wall_s": dubbed.wall_s,
            "runs": run_containers(dubbed.job, args.dagster_db),
        }

    alone = dub(clients[0], alone_upload, LOAD_LANGUAGES)
    log(f"one job alone into {','.join(LOAD_LANGUAGES)} playable in {alone.wall_s} s")
    started = time.monotonic()
    with ThreadPoolExecutor(count) as pool:
        together = list(pool.map(lambda c, u: dub(c, u, LOAD_LANGUAGES), clients, uploads))
    wall_s = round(time.monotonic() - started, 1)
    log(f"{count} jobs at once, all playable in {wall_s} s")
    return {
        "languages": LOAD_LANGUAGES,
        "media_s": SAMPLE_SECONDS,
        "limits": instance_limits(),
        "alone": record(alone),
        "together": {"wall_s": wall_s, "jobs": [record(dubbed) for dubbed in together]},
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--api", required=True)
    parser.add_argument("--gateway", required=True)
    parser.add_argument("--dagster", required=True)
    parser.add_argument("--app-db", required=True)
    parser.add_argument("--dagster-db", required=True)
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--report", type=Path, required=True)
    parser.add_argument("--image-tag", default="local")
    parser.add_argument(
        "--load-jobs",
        type=int,
        default=0,
        help="instead of the smoke's checks: one job alone, then this many at once (the bench)",
    )
    args = parser.parse_args()
    report: dict[str, Any] = {"images_bytes": image_sizes(args.image_tag)}

    started = time.monotonic()
    wait_for_url(f"{args.api}/v1/health", 300)
    wait_for_url(f"{args.gateway}/v1/health", 300)
    wait_for_url(f"{args.dagster}/server_info", 300)
    report["stack_ready_s"] = round(time.monotonic() - started, 1)
    if args.load_jobs:
        report["load"] = load(args)
        args.report.write_text(json.dumps(report, indent=2) + "\n")
        return
    check_gateway(args.gateway)
    client = client_for(args.app_db, args.gateway, "smoke@dubflow.local")
    upload_id = upload_sample(client, make_sample(args.workdir))
    dubbed = dub(client, upload_id, LANGUAGES)
    job = dubbed.job
    report["job"] = {
        "languages": LANGUAGES,
        "media_s": SAMPLE_SECONDS,
        "wall_s": dubbed.wall_s,
        "runs": len(job["dagsterRuns"]),
    }
    log(f"job into {','.join(LANGUAGES)} playable in {report['job']['wall_s']} s")
    check_hls(client, job["id"], LANGUAGES)
    check_event_stream(client, job["id"])
    check_runs(job, args.dagster_db)
    check_shared_rate_limits(args.app_db)
    started = time.monotonic()
    report["resume"] = kill_and_resume(client, job["id"])
    report["resume"]["wall_s"] = round(time.monotonic() - started, 1)
    args.report.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
