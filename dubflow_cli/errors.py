"""How the CLI reports a failure: one line with the stable error code and the message
(`dubflow: error [code] message`), where the job's logs are, and the traceback only when asked
for (`--verbose`)."""

import traceback
from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import typer
from rich.console import Console
from rich.markup import escape

from dubbing_core.errors import CodedError

# 1: the job ran and failed; 2: refused before any work (bad arguments), as for usage errors.
JOB_FAILED = 1
REFUSED = 2


class CliError(CodedError):
    """A failure as the command reports it: the code and message, the exit status, where the
    job's logs are and the traceback (for `--verbose`), when there are."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        exit_code: int = JOB_FAILED,
        logs: str | None = None,
        traceback: str | None = None,
    ) -> None:
        super().__init__(code, message)
        self.exit_code = exit_code
        self.logs = logs
        self.traceback = traceback


def step_failure(result: dg.ExecuteInProcessResult) -> CliError | None:
    """The first failed step of a run as a `CliError`: the stage's error code (from the
    permanent failure's metadata, or `stage.error` after the retries) and its message."""
    for event in result.all_events:
        if event.event_type_value != "STEP_FAILURE":
            continue
        data = event.step_failure_data
        code = "stage.error"
        if data.user_failure_data is not None and "error_code" in data.user_failure_data.metadata:
            code = str(data.user_failure_data.metadata["error_code"].value)
        error = data.error
        message = error.message.strip() if error else "the step failed"
        # A stage's failure reads "...Failure: [code] message": the line shows the code once.
        message = message.rsplit(f"[{code}] ", 1)[-1]
        detail = error.to_string() if error else None
        return CliError(code, f"{event.step_key}: {message}", traceback=detail)
    return None


def as_cli_error(error: Exception) -> CliError:
    """Engines and the kernel raise `CodedError`s; anything else is a bug, reported as
    `cli.error` with its type."""
    detail = "".join(traceback.format_exception(error))
    if isinstance(error, CodedError):
        return CliError(error.code, error.message, traceback=detail)
    return CliError("cli.error", f"{type(error).__name__}: {error}", traceback=detail)


def report(error: CliError, console: Console, *, verbose: bool) -> None:
    console.print(
        escape(f"dubflow: error [{error.code}] {error.message}"), soft_wrap=True, highlight=False
    )
    if error.logs:
        console.print(f"logs: {escape(error.logs)}", soft_wrap=True, highlight=False)
    if verbose and error.traceback:
        console.print(escape(error.traceback), soft_wrap=True, highlight=False)
    elif error.traceback:
        console.print("(--verbose shows the traceback)", style="dim", highlight=False)


@contextmanager
def reported(console: Console, *, verbose: bool) -> Iterator[None]:
    """Any error in the block ends the command with one line and a non-zero exit code."""
    try:
        yield
    except (typer.Exit, typer.Abort, KeyboardInterrupt):
        raise
    except CliError as error:
        report(error, console, verbose=verbose)
        raise typer.Exit(error.exit_code) from None
    except Exception as error:
        report(as_cli_error(error), console, verbose=verbose)
        raise typer.Exit(JOB_FAILED) from None
