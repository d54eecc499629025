"""Run tags that carry a dubflow job through Dagster: set by the sensors, read back by them."""

from collections.abc import Mapping

JOB = "dubflow/job"
LANGS = "dubflow/langs"
LANG = "dubflow/lang"
RESUME_FROM = "dubflow/resume_from"
# The outbox event (submission, retry, languages added) a run serves, inherited by the runs
# chained after it: a run's outcome says nothing about a job retried since.
EVENT = "dubflow/event"


def run_tags(
    job: str, langs: list[str], resume_from: str = "", event: int | None = None
) -> dict[str, str]:
    found = {JOB: job, LANGS: ",".join(langs), RESUME_FROM: resume_from}
    return found if event is None else {**found, EVENT: str(event)}


def event_of(tags: Mapping[str, str]) -> int | None:
    """The outbox event a run serves; None for runs started elsewhere (UI, schedule)."""
    value = tags.get(EVENT, "")
    return int(value) if value.isdigit() else None
