"""Run tags that carry a dubflow job through Dagster: set by the sensors, read back by them."""

from collections.abc import Mapping

JOB = "dubflow/job"
LANGS = "dubflow/langs"
LANG = "dubflow/lang"
RESUME_FROM = "dubflow/resume_from"
# The outbox event (submission, retry, languages added) a run serves, inherited by the runs
# chained after it: a run's outcome says nothing about a job retried since.
EVENT = "dubflow/event"
# Which asset job a run belongs to, set on every run of it (the jobs' `run_tags`): the instance
# limits transcription runs apart from dub runs by this tag (deploy/dagster.yaml), as Dagster
# itself tags runs with no job name a limit could match.
RUN_KIND = "dubflow/run_kind"
INGEST_RUN = "ingest"
DUB_RUN = "dub"


# Fair scheduling across tenants (docs/security/quotas.md): every run names the user it works
# for, so the Dagster instance can cap each tenant's concurrent runs (a tag concurrency limit per
# unique value, deploy/dagster.yaml); and a run's priority falls with the tenant's backlog, so a
# tenant's first job overtakes another tenant's tenth in the run queue.
TENANT = "dubflow/tenant"
PRIORITY = "dagster/priority"


def fairness_tags(tenant: str, backlog: int) -> dict[str, str]:
    """`backlog`: how many of the tenant's unfinished jobs are older than this one."""
    return {TENANT: tenant, PRIORITY: str(-backlog)}


def inherited_fairness(tags: Mapping[str, str]) -> dict[str, str]:
    """The fairness tags of a run, for the runs chained after it."""
    return {key: tags[key] for key in (TENANT, PRIORITY) if key in tags}


def run_tags(
    job: str, langs: list[str], resume_from: str = "", event: int | None = None
) -> dict[str, str]:
    found = {JOB: job, LANGS: ",".join(langs), RESUME_FROM: resume_from}
    return found if event is None else {**found, EVENT: str(event)}


def event_of(tags: Mapping[str, str]) -> int | None:
    """The outbox event a run serves; None for runs started elsewhere (UI, schedule)."""
    value = tags.get(EVENT, "")
    return int(value) if value.isdigit() else None
