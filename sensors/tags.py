"""Run tags that carry a dubflow job through Dagster: set by the sensors, read back by them."""

JOB = "dubflow/job"
LANGS = "dubflow/langs"
LANG = "dubflow/lang"
RESUME_FROM = "dubflow/resume_from"


def run_tags(job: str, langs: list[str], resume_from: str = "") -> dict[str, str]:
    return {JOB: job, LANGS: ",".join(langs), RESUME_FROM: resume_from}
