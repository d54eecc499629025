"""A job's quality reports (`jobs/{job}/{lang}/quality.json`, written by the pipeline)."""

from pydantic import ValidationError

from dubbing_api.core.problems import Problem
from dubbing_api.schemas import JobQuality, LanguageQuality
from dubbing_api.storage import Storage
from dubbing_core import keys
from dubbing_core.db.models import Job


def _language(storage: Storage, job: Job, lang: str) -> LanguageQuality:
    key = keys.quality_report(job.id, lang)
    if not storage.store.exists(key):
        return LanguageQuality(language=lang, summary=None, units=[])
    try:
        return LanguageQuality.model_validate(storage.store.read_json(key))
    except (ValidationError, ValueError) as error:
        # Reports are written atomically, so a bad one is a pipeline bug, not a partial write.
        raise Problem(
            500, "quality.report_invalid", f"the {lang} quality report is malformed: {error}"
        ) from error


def report(storage: Storage, job: Job) -> JobQuality:
    """One entry per language of the job, in the job's order; a language not measured yet has
    no summary and no units."""
    return JobQuality(
        job_id=job.id,
        languages=[_language(storage, job, language.lang) for language in job.languages],
    )
