"""What a stage leaves behind: its row in the application database and its structured log lines
in the run's log archive in storage (a failure's also in Dagster's event log)."""

import dagster as dg

from dubbing_assets.partitions import split_job_lang
from dubbing_assets.stage_errors import error_code
from dubbing_core import keys
from dubbing_core.logs import get_logger
from dubbing_core.statuses import StageStatus
from resources.jobstore import JobStore
from resources.storage import MediaStore

# Per (job, run), in this process: the archive as last written, and the lines a failed write
# could not store (the next attempt's write, as a retry runs in the same process, takes them
# along, so an outage loses no history). The stages of a run run one at a time in one process,
# so each rewrites its run's archive whole without reading it back first.
_written: dict[tuple[str, str], bytes] = {}
_unarchived: dict[tuple[str, str], list[str]] = {}


def archive_lines(store: MediaStore, job: str, run_id: str, lines: list[str]) -> None:
    """Append a stage's log lines to its run's archive."""
    run = (job, run_id)
    pending = _unarchived.pop(run, []) + lines
    if not pending:
        return
    key = keys.run_log(job, run_id)
    try:
        if run not in _written:
            # The run's first archive write in this process: what an earlier process of the same
            # run wrote stays first.
            _written[run] = store.read_bytes(key) if store.exists(key) else b""
        archive = _written[run] + "".join(f"{line}\n" for line in pending).encode()
        store.write_bytes(key, archive)
    except Exception:
        _unarchived[run] = pending
        raise
    _written[run] = archive


def _partition(context: dg.AssetExecutionContext) -> tuple[str, str]:
    key = context.partition_key
    if "|" in key:
        return split_job_lang(key)
    return key, ""


class StageRecorder:
    """One attempt of one stage: started, progress, then failed or succeeded, then archived."""

    def __init__(
        self, context: dg.AssetExecutionContext, jobstore: JobStore, store: MediaStore
    ) -> None:
        self.job, self.lang = _partition(context)
        self.stage = context.asset_key.to_user_string()
        self.run_id, self.attempt = context.run.run_id, context.retry_number + 1
        self._context, self._jobstore, self._store = context, jobstore, store
        self._lines: list[str] = []
        fields = {
            "jobId": self.job,
            "asset": self.stage,
            "partition": context.partition_key,
            "stage": self.stage,
            "language": self.lang or None,
            "runId": self.run_id,
            "attempt": self.attempt,
        }
        # A stage's start and success are Dagster's own STEP_START and STEP_SUCCESS (with the
        # duration): their lines go to the archive only, as every Dagster event is a write to
        # the event log on the stage's path. A failure's line, with its error code, goes to both.
        self._log = get_logger(sinks=[self._lines.append], **fields)
        self._alert = get_logger(sinks=[context.log.error, self._lines.append], **fields)

    def started(self) -> None:
        self._jobstore.stage_started(self.job, self.lang, self.stage, self.run_id, self.attempt)
        self._log.info("stage.started")

    def progress(self, fraction: float) -> None:
        self._jobstore.stage_progress(self.job, self.lang, self.stage, fraction)

    def failed(self, error: BaseException, status: StageStatus, duration: float) -> None:
        code = error_code(error)
        self._jobstore.stage_finished(
            self.job,
            self.lang,
            self.stage,
            status=status,
            duration_s=duration,
            error_code=code,
            error_message=str(error)[:2000],
        )
        self._alert.error(
            "stage.failed",
            durationMs=round(duration * 1000),
            errorCode=code,
            error=str(error)[:2000] or type(error).__name__,
            willRetry=status == "retrying",
        )

    def succeeded(self, duration: float) -> None:
        self._jobstore.stage_finished(
            self.job, self.lang, self.stage, status="succeeded", duration_s=duration
        )
        self._log.info("stage.finished", durationMs=round(duration * 1000))

    def archive(self) -> None:
        try:
            archive_lines(self._store, self.job, self.run_id, self._lines)
        except Exception as error:  # the archive is a copy: never let it fail the stage
            self._context.log.warning(f"could not archive the stage's log lines: {error}")

    def measure_storage(self) -> None:
        """Record what the job now takes in storage, for the user's stored-bytes quota (its
        source is the upload's bytes, counted with the upload)."""
        try:
            stored = self._store.bytes_under(
                keys.job_prefix(self.job), excluding=keys.upload(self.job)
            )
            self._jobstore.set_stored_bytes(self.job, stored)
        except Exception as error:  # a measure for the quota: never let it fail the stage
            self._context.log.warning(f"could not measure the job's storage: {error}")
