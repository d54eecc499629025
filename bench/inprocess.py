"""One job materialized in this process with the real assets, resources and engines
(`testing/harness.py`) on a Dagster instance on disk, tracked in a real application
database as the API would have recorded it, so every stage does all it does in production:
storage, progress and stage rows, Dagster's event log.

A stage's time is its Dagster step, from STEP_START to STEP_SUCCESS in the event log: the asset
body and the step machinery around it. What a run costs on top (launching the worker process,
the queue, the sensors) is the end-to-end family's orchestration overhead.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg

from bench.appdb import insert_jobs, user_key
from bench.core import ROOT
from resources.storage import MediaStore
from testing.harness import Pipeline, make_pipeline

MODELS_DIR = ROOT / "data" / "models"
_STEP_EVENTS = {dg.DagsterEventType.STEP_START, dg.DagsterEventType.STEP_SUCCESS}


@dataclass
class InProcessJob:
    pipeline: Pipeline
    job: str
    langs: list[str]

    @property
    def store(self) -> MediaStore:
        return self.pipeline.store

    @property
    def resources(self) -> dict[str, Any]:
        return self.pipeline.resources

    def path(self, key: str) -> Path:
        """The artifact's file (the store is a local directory here)."""
        return Path(self.store.path(key))

    def step(self, stage: str, lang: str | None = None) -> dg.ExecuteInProcessResult:
        """Materialize one stage (of `lang`, for per-language stages)."""
        selection = dg.AssetSelection.assets(stage)
        result = (
            self.pipeline.dub(self.job, lang, selection)
            if lang
            else self.pipeline.ingest(self.job, selection)
        )
        if not result.success:
            raise RuntimeError(f"{stage} {lang or ''} failed in the benchmark run")
        return result

    def step_seconds(self, stage: str, lang: str | None = None) -> float:
        """Materialize one stage; its step's seconds."""
        return self.steps_seconds(self.step(stage, lang))

    def step_events(self, stage: str, lang: str | None = None) -> int:
        """Materialize one stage; the events its step wrote to Dagster's event log."""
        result = self.step(stage, lang)
        return sum(
            record.step_key == stage for record in self.pipeline.instance.all_logs(result.run_id)
        )

    def steps_seconds(self, result: dg.ExecuteInProcessResult) -> float:
        """From the run's first step start to its last step success."""
        records = self.pipeline.instance.all_logs(result.run_id, of_type=_STEP_EVENTS)
        started = min(
            r.timestamp for r in records if r.dagster_event_type == dg.DagsterEventType.STEP_START
        )
        ended = max(
            r.timestamp for r in records if r.dagster_event_type == dg.DagsterEventType.STEP_SUCCESS
        )
        return ended - started


def prepare(workdir: Path, clip: Path, langs: list[str], source_language: str) -> InProcessJob:
    """Submit `clip`, record the job in the app DB, and run every stage once: the artifacts the
    stages read exist and the models are loaded before anything is timed."""
    workdir.mkdir(parents=True, exist_ok=True)
    # A Dagster instance on disk (SQLite), as the stack's: every event a step records is a
    # write there, a cost in-memory storage would hide (~45 ms a step on these machines).
    pipeline = make_pipeline(workdir, MODELS_DIR, persistent=True)
    job = pipeline.submit(clip, langs, source_language)
    database_url = pipeline.resources["jobstore"].database_url
    user_id, _ = user_key(database_url, "stages@bench.local")
    insert_jobs(database_url, user_id, [job], langs, finished=False)
    results = [pipeline.ingest(job)] + [pipeline.dub(job, lang) for lang in langs]
    if not all(result.success for result in results):
        raise RuntimeError("the benchmark job did not materialize: see the Dagster output above")
    return InProcessJob(pipeline, job, langs)
