"""How a stage's failure is classified: its stable code, whether retrying can help, and the
status the stage ends in (docs/architecture.md, "A stage's life")."""

from typing import Any

import dagster as dg

from dubbing_core.errors import CodedError
from dubbing_core.statuses import StageStatus

# Errors of configuration rather than of the moment: a model or voice that is missing or corrupt,
# a preset or language nobody supports; or of the input: a mix that cannot reach the loudness
# target (e.g. a silent source). The same attempt would fail again, however long later.
_PERMANENT_PREFIXES = ("model.",)
_PERMANENT_CODES = frozenset(
    {
        "voice.unknown",
        "preset.unknown",
        "language.unsupported",
        "translation.unsupported_pair",
        "mix.loudness_out_of_range",
        "source.language_uncertain",
    }
)

# Runs whose worker was interrupted in this process (a terminate from the UI or the API, Ctrl-C,
# SIGTERM): no further stage of theirs may start.
_interrupted_runs: set[str] = set()
_STOPPING = (dg.DagsterRunStatus.CANCELING, dg.DagsterRunStatus.CANCELED)


def rejected(code: str, message: str, **metadata: Any) -> dg.Failure:
    """A permanent failure with a stable error code: retrying cannot help."""
    return dg.Failure(
        description=f"[{code}] {message}",
        metadata={"error_code": code, **metadata},
        allow_retries=False,
    )


def error_code(error: BaseException) -> str:
    if isinstance(error, dg.Failure) and "error_code" in error.metadata:
        return str(error.metadata["error_code"].value)
    return error.code if isinstance(error, CodedError) else "stage.error"


def _is_permanent(code: str) -> bool:
    return code in _PERMANENT_CODES or code.startswith(_PERMANENT_PREFIXES)


def stopped(context: dg.AssetExecutionContext) -> dg.Failure | None:
    """Why this run must not go on, if it must not: cancelled by a user, or its worker
    interrupted otherwise."""
    run = context.instance.get_run_by_id(context.run.run_id)
    if run is not None and run.status in _STOPPING:
        return rejected("run.cancelled", "the run was cancelled")
    if context.run.run_id in _interrupted_runs:
        return rejected("run.interrupted", "the run's worker was interrupted")
    return None


def classify(
    context: dg.AssetExecutionContext, raised: BaseException
) -> tuple[BaseException, StageStatus]:
    """The error the stage fails with and the status it ends in.

    An interrupted stage fails for good: Dagster would retry it under the retry policy, and the
    in-process executor would then carry on with the run it was asked to terminate
    (dagster-io/dagster#15026). A coded error that retrying cannot fix becomes a permanent
    failure; anything else is raised as it is and retried while the policy allows."""
    error = raised
    if isinstance(raised, KeyboardInterrupt | dg.DagsterExecutionInterruptedError):
        _interrupted_runs.add(context.run.run_id)
        found = stopped(context)
        assert found is not None, "the run is one of the interrupted runs now"
        error = found
    elif not isinstance(raised, dg.Failure) and _is_permanent(error_code(raised)):
        message = raised.message if isinstance(raised, CodedError) else str(raised)
        error = rejected(error_code(raised), message)
    policy = context.op_def.retry_policy
    retries_left = policy is not None and context.retry_number < policy.max_retries
    permanent = isinstance(error, dg.Failure) and not error.allow_retries
    return error, "retrying" if retries_left and not permanent else "failed"
