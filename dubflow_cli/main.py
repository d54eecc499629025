"""`dubflow`: dub a video from the command line, open the Dagster UI, manage models.

`dubflow dub` runs the same asset jobs the sensors launch, against the persistent local Dagster
instance (`$DAGSTER_HOME`, default `data/dagster`), so its runs show in the UI afterwards.
"""

import os
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import dagster as dg
import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    SpinnerColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from dubbing_core import keys, tags
from dubbing_core.db import migrate as migrate_database
from dubbing_core.errors import CodedError
from dubbing_core.files import keep_files_private
from dubbing_core.requests import JobRequest, new_job_id, store_job
from dubbing_core.settings import DubflowSettings
from dubflow_cli.admin import keys_app, users_app
from dubflow_cli.errors import REFUSED, CliError, as_cli_error, reported, step_failure
from resources.models import ModelRegistry
from resources.storage import MediaStore

app = typer.Typer(help="dubflow: video dubbing as a Dagster asset pipeline.", no_args_is_help=True)
models_app = typer.Typer(help="Models: what is installed, where, verified.")
download_app = typer.Typer(
    help="Install piper voices, NLLB-200 and Whisper models from a hub (or a local mirror)."
)
app.add_typer(models_app, name="models")
models_app.add_typer(download_app, name="download")
app.add_typer(users_app, name="users")
app.add_typer(keys_app, name="keys")
console = Console()
errors = Console(stderr=True)


@app.callback()
def _private_files() -> None:
    # Before any command writes: the daemon's run workers inherit this process's umask.
    keep_files_private(DubflowSettings().data_dir)


def _dagster_home(settings: DubflowSettings) -> Path:
    home = Path(os.environ.get("DAGSTER_HOME") or settings.data_dir / "dagster").resolve()
    home.mkdir(parents=True, exist_ok=True)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def _checked_request(
    settings: DubflowSettings, video: Path, to: str, source_language: str, preset: str
) -> JobRequest:
    """The job request, after the same checks the API makes at `POST /v1/jobs`: languages,
    presets and, when the source language is given, that every target is reachable from it."""
    from dubbing_api.core.problems import Problem
    from dubbing_api.schemas import TargetSpec
    from dubbing_api.services.catalog import validate_targets

    specs = [TargetSpec(language=lang.strip(), preset=preset) for lang in to.split(",") if lang]
    try:
        targets = validate_targets(settings, source_language, specs)
    except Problem as problem:
        raise CliError(problem.code, problem.detail, exit_code=REFUSED) from None
    return JobRequest(
        job_id=new_job_id(),
        source_name=video.name,
        source_language=source_language,
        targets=targets,
    )


@app.command()
def dub(
    video: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="source video")],
    to: Annotated[str, typer.Option(help="target languages, comma-separated (e.g. es,ca)")],
    source_language: Annotated[
        str, typer.Option("--from", help="source language or auto")
    ] = "auto",
    preset: Annotated[str, typer.Option(help="preset for every target language")] = "default",
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="on failure, show the traceback")
    ] = False,
) -> None:
    """Dub VIDEO into the languages of --to, showing each stage's progress.

    A failure prints one line (its error code and message) and where the job's logs are, and
    exits with 1; arguments refused before any work exit with 2."""
    settings = DubflowSettings()
    with reported(errors, verbose=verbose):
        request = _checked_request(settings, video, to, source_language, preset)
        _dagster_home(settings)
        # Imported here: loading the code location configures engines, which neither `--help`
        # nor refused input should do. Dagster's beta-API warnings are for the code's authors,
        # not for its users.
        warnings.filterwarnings("ignore", category=dg.BetaWarning)
        from dubbing_assets.definitions import defs
        from dubbing_assets.partitions import JOB_PARTITIONS, job_lang_key

        store = MediaStore.from_settings(settings)
        store_job(store, video, request)
        instance = dg.DagsterInstance.get()
        instance.add_dynamic_partitions(JOB_PARTITIONS, [request.job_id])
        job = request.job_id
        console.print(f"job [bold]{job}[/]: {video.name} -> {', '.join(request.languages)}")

        job_tags = {tags.JOB: job, tags.LANGS: ",".join(request.languages)}
        plan: list[tuple[str, str | dg.MultiPartitionKey]] = [("ingest_assets_job", job)]
        plan += [("dub_assets_job", job_lang_key(job, lang)) for lang in request.languages]
        started = time.perf_counter()
        failure = _run_with_progress(defs, instance, plan, job_tags)
        elapsed = time.perf_counter() - started
        if failure is not None:
            run_id, error = failure
            error.logs = store.path(keys.run_log(job, run_id)) if run_id else None
            raise error
        _print_outputs(store, request, elapsed)


def _run_with_progress(
    defs: dg.Definitions,
    instance: dg.DagsterInstance,
    plan: list[tuple[str, str | dg.MultiPartitionKey]],
    job_tags: dict[str, str],
) -> tuple[str | None, CliError] | None:
    """Run each (job, partition) in turn in a worker thread; show every step's state. The
    first failure stops the plan: its run id (None if no run started) and what went wrong."""
    outcome: list[tuple[str | None, CliError]] = []

    def work() -> None:
        try:
            for job_name, partition in plan:
                result = defs.resolve_job_def(job_name).execute_in_process(
                    instance=instance,
                    partition_key=str(partition),
                    tags=job_tags,
                    raise_on_error=False,
                    run_config=_QUIET_CONSOLE,
                )
                if not result.success:
                    error = step_failure(result) or CliError(
                        "run.failed", f"{job_name} {partition} failed"
                    )
                    outcome.append((result.run_id, error))
                    return
        except Exception as error:  # reported by the main thread, like a failed step
            outcome.append((None, as_cli_error(error)))

    worker = threading.Thread(target=work, daemon=True)
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description:<34}"),
        BarColumn(),
        TextColumn("{task.fields[state]:<9}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console) as progress:
        tasks: dict[tuple[str, str], TaskID] = {}
        worker.start()
        while worker.is_alive() or not tasks:
            _refresh(instance, job_tags[tags.JOB], progress, tasks)
            worker.join(timeout=0.5)
            if not worker.is_alive():
                break
        _refresh(instance, job_tags[tags.JOB], progress, tasks)
    return outcome[0] if outcome else None


# The progress bars say what runs; the full event log stays in the instance (and the UI).
# Dagster's console logger would print each failure's traceback: `--verbose` prints it once,
# with the error line.
_QUIET_CONSOLE = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
_STEP_EVENTS = {
    dg.DagsterEventType.STEP_START,
    dg.DagsterEventType.STEP_SUCCESS,
    dg.DagsterEventType.STEP_FAILURE,
}


def _refresh(
    instance: dg.DagsterInstance, job: str, progress: Progress, tasks: dict[tuple[str, str], TaskID]
) -> None:
    records = instance.get_run_records(dg.RunsFilter(tags={tags.JOB: job}))
    for record in sorted(records, key=lambda r: r.create_timestamp):
        run = record.dagster_run
        label = run.tags.get("dagster/partition", "")
        for entry in instance.all_logs(run.run_id, of_type=_STEP_EVENTS):
            event = entry.dagster_event
            if event is None or event.step_key is None:
                continue
            key = (label, event.step_key)
            if key not in tasks:
                lang = label.split("|")[-1] if "|" in label else ""
                name = f"{event.step_key} ({lang})" if lang else event.step_key
                tasks[key] = progress.add_task(name, total=1, state="running")
            if event.event_type == dg.DagsterEventType.STEP_SUCCESS:
                progress.update(tasks[key], completed=1, state="done")
            elif event.event_type == dg.DagsterEventType.STEP_FAILURE:
                progress.update(tasks[key], state="[red]failed[/]")


def _print_outputs(store: MediaStore, request: JobRequest, elapsed: float) -> None:
    job = request.job_id
    table = Table(title=f"dubflow job {job} ({elapsed:.1f} s)")
    table.add_column("output")
    table.add_column("where", overflow="fold")
    table.add_row("HLS master", store.path(keys.hls_master(job)))
    for lang in request.languages:
        table.add_row(f"MP4 ({lang})", store.path(keys.mp4(job, lang)))
        table.add_row(f"subtitles ({lang})", store.path(keys.subtitles_srt(job, lang)))
        table.add_row(f"timing report ({lang})", store.path(keys.timing_report(job, lang)))
        table.add_row(f"quality report ({lang})", store.path(keys.quality_report(job, lang)))
    console.print(table)
    console.print("Open the runs in the Dagster UI: [bold]dubflow ui[/] (http://127.0.0.1:3000)")


@app.command()
def migrate() -> None:
    """Bring the application database and the Dagster instance's storage ($DAGSTER_HOME) to
    the latest schema: a deployment runs this once, before its services start."""
    settings = DubflowSettings()
    migrate_database(settings.resolved_database_url)
    _dagster_home(settings)
    with dg.DagsterInstance.get() as instance:
        instance.upgrade()
    console.print("dubflow: application database and Dagster storage migrated")


@app.command()
def ui(port: int = 3000) -> None:
    """Start the Dagster UI (webserver and daemon) on this project's instance."""
    _dagster_home(DubflowSettings())
    command = [sys.executable, "-m", "dagster", "dev", "-m", "dubbing_assets.definitions"]
    raise typer.Exit(subprocess.call([*command, "-h", "127.0.0.1", "-p", str(port)]))


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def daemon(ctx: typer.Context) -> None:
    """Dagster's daemon (`dagster-daemon run`, with its options), evaluating the sensors every
    DUBFLOW_SENSOR_LOOP_SECONDS (default 1) rather than every 5 s."""
    from dagster._daemon import sensor as sensor_daemon
    from dagster._daemon.cli import main as dagster_daemon

    # Dagster's sensor loop sleeps to a module constant (not configurable in 1.13): every job
    # waits for two sensor ticks, 2.5 s each on average at 5 s. Sensors still honour their own
    # `minimum_interval_seconds`; tests/e2e/test_stack.py fails if the constant stops working.
    sensor_daemon.MIN_INTERVAL_LOOP_TIME = DubflowSettings().sensor_loop_seconds
    sys.argv = ["dagster-daemon", "run", *ctx.args]
    dagster_daemon()


@models_app.command("list")
def models_list() -> None:
    """Every model dubflow knows, whether it is installed and verified."""
    table = Table()
    for column in ("model", "kind", "engine", "licence", "installed", "sha256", "path / detail"):
        table.add_column(column)
    for status in ModelRegistry(DubflowSettings().models_dir).status():
        spec = status.spec
        table.add_row(
            spec.id,
            spec.kind,
            spec.engine,
            spec.license,
            "yes" if status.installed else "no",
            "verified" if status.verified else "-",
            str(status.path) if status.path else status.detail,
        )
    console.print(table)


HubUrl = Annotated[
    str | None,
    typer.Option(
        "--hub-url",
        help="hub to fetch from: an http(s) URL or a local directory laid out like the Hugging"
        " Face hub (default: DUBFLOW_HUB_URL, else https://huggingface.co)",
    ),
]


def _downloaded(model: str, fetch: Callable[[ModelRegistry, str], Path]) -> None:
    """Run one download; a failure is one line with its code, exit status 2."""
    settings = DubflowSettings()
    with reported(errors, verbose=False):
        try:
            path = fetch(ModelRegistry(settings.models_dir), settings.hub_url)
        except CodedError as error:
            raise CliError(error.code, error.message, exit_code=REFUSED) from None
    console.print(f"{model}: installed in {path}", soft_wrap=True, highlight=False)


@download_app.command("piper")
def download_piper(
    voice: Annotated[str, typer.Argument(help="piper voice, e.g. es_ES-davefx-medium")],
    hub_url: HubUrl = None,
) -> None:
    """Install a piper voice from rhasspy/piper-voices into the models directory."""
    _downloaded(voice, lambda registry, default: registry.download_piper(voice, hub_url or default))


@download_app.command("whisper")
def download_whisper(
    model: Annotated[str, typer.Argument(help="registry id, e.g. whisper-small")],
    hub_url: HubUrl = None,
) -> None:
    """Install a Whisper model of the registry (see `dubflow models list`) into the models
    directory; DUBFLOW_ASR_MODEL chooses it."""
    _downloaded(
        model, lambda registry, default: registry.download_whisper(model, hub_url or default)
    )


@download_app.command("nllb")
def download_nllb(
    model: Annotated[str, typer.Option(help="NLLB-200 repository on the hub")] = (
        "facebook/nllb-200-distilled-600M"
    ),
    hub_url: HubUrl = None,
) -> None:
    """Install an NLLB-200 checkpoint into the models directory (the default one is used by
    translation without further settings; others: point DUBFLOW_NLLB_MODEL_PATH at it)."""
    _downloaded(model, lambda registry, default: registry.download_nllb(model, hub_url or default))


@models_app.command("prepare")
def models_prepare() -> None:
    """Resolve every packaged model once (join split weights, verify checksums)."""
    registry = ModelRegistry(DubflowSettings().models_dir)
    for status in registry.status():
        if status.spec.packages and not status.installed:
            console.print(f"[red]{status.spec.id}[/]: {status.detail}")
            raise typer.Exit(1)
        if status.installed:
            console.print(f"{status.spec.id}: ready ({status.path})")
