"""A job's units for editing: read them, correct their text, re-dub what changed (docs/editing.md).

The units are the pipeline's artifacts (the transcript, each language's translation and timing
report); the edits are stored next to them (`dubbing_core.edits`) and read by the pipeline's
translation stage. Whether a unit is stale is derived, never stored: a translation is stale when
the source text it was made from is not the source unit's current text, its speech when the
timing report says the speech was made from another text.

Every edit names the version it was made against (`If-Match`, the `ETag` of what was read);
the job's row is locked while an edit is checked and stored, so two editors cannot overwrite each
other's work silently: the second gets 412 and reads again.
"""

import hashlib
import json
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from dubbing_api.core.config import ApiSettings
from dubbing_api.core.problems import Problem
from dubbing_api.schemas import (
    RedubLanguage,
    RedubPlan,
    SourceUnit,
    SourceUnits,
    TranslatedUnit,
    TranslatedUnits,
    UnitTextEdit,
)
from dubbing_api.services import jobs
from dubbing_api.storage import Storage
from dubbing_core import keys
from dubbing_core.db.models import Job, OutboxEvent, User, utcnow
from dubbing_core.edits import MAX_UNIT_TEXT, UnitEdit, edited_texts, load_edits, save_edits
from dubbing_core.requests import load_request
from dubbing_core.statuses import ACTIVE

# A re-dub starts at the translation stage: unchanged units keep their translation and their
# speech (both cached per unit), so only what changed costs engine time.
REDUB_FROM = "translation"


def etag(units: BaseModel) -> str:
    body = json.dumps(units.model_dump(mode="json"), sort_keys=True).encode()
    return f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def _read(storage: Storage, key: str) -> Any:
    if not storage.store.exists(key):
        raise Problem(409, "units.not_ready", "the pipeline has not made these units yet")
    return storage.store.read_json(key)


def _language(job: Job, lang: str) -> str:
    if lang not in {language.lang for language in job.languages}:
        raise Problem(404, "language.not_found", f"the job has no language {lang!r}")
    return lang


def source_units(storage: Storage, job: Job) -> SourceUnits:
    transcript = _read(storage, keys.transcript(job.id))
    segments = transcript["segments"]
    texts = edited_texts(segments, load_edits(storage.store, keys.source_edits(job.id)))
    return SourceUnits(
        job_id=job.id,
        language=transcript["language"],
        units=[
            SourceUnit(
                id=segment["id"],
                start=segment["start"],
                end=segment["end"],
                text=text,
                original_text=segment["text"],
                edited=text != segment["text"],
            )
            for segment, text in zip(segments, texts, strict=True)
        ],
    )


def _spoken_texts(storage: Storage, job: Job, lang: str) -> dict[int, str]:
    """The text each unit's dubbed speech was made from, by unit position."""
    key = keys.timing_report(job.id, lang)
    if not storage.store.exists(key):
        return {}
    segments = storage.store.read_json(key)["segments"]
    return {int(s["index"]): str(s["text"]) for s in segments if "text" in s}


def translated_units(storage: Storage, job: Job, lang: str) -> TranslatedUnits:
    document = _read(storage, keys.translation(job.id, _language(job, lang)))
    segments = document["segments"]
    current_source = {unit.id: unit.text for unit in source_units(storage, job).units}
    # A translation made before edits existed has no `machine_text`: its text is the engine's.
    machine = [str(segment.get("machine_text", segment["text"])) for segment in segments]
    engine_texts = [
        {"id": s["id"], "text": text} for s, text in zip(segments, machine, strict=True)
    ]
    texts = edited_texts(
        engine_texts, load_edits(storage.store, keys.translation_edits(job.id, lang))
    )
    spoken = _spoken_texts(storage, job, lang)
    return TranslatedUnits(
        job_id=job.id,
        language=lang,
        engine=str(document["engine"]),
        glossary=load_request(storage.store, job.id).glossary,
        units=[
            TranslatedUnit(
                id=segment["id"],
                start=segment["start"],
                end=segment["end"],
                source_text=current_source.get(segment["id"], segment["source_text"]),
                text=text,
                machine_text=machine_text,
                edited=text != machine_text,
                glossary_terms=segment.get("glossary", []),
                translation_stale=current_source.get(segment["id"]) != segment["source_text"],
                speech_stale=spoken.get(position) != text,
            )
            for position, (segment, text, machine_text) in enumerate(
                zip(segments, texts, machine, strict=True)
            )
        ],
    )


# -- editing ---------------------------------------------------------------------------------------


def _locked(session: Session, job: Job) -> Job:
    """The job's row, locked until the transaction ends: edits of one job are serialized, so
    the version an edit was checked against is the one it replaces."""
    session.refresh(job, with_for_update=True)
    if job.status in ACTIVE:
        raise Problem(409, "job.running", f"the job is {job.status}; edit it once it finished")
    jobs.require_data(job)
    return job


def _check_version(if_match: str | None, current: str) -> None:
    if not if_match:
        raise Problem(428, "units.version_required", "send If-Match with the ETag you read")
    if if_match.strip() != current:
        error = Problem(
            412, "units.version_mismatch", "the units changed since you read them; read again"
        )
        error.headers["ETag"] = current
        raise error


def _checked_edits(edits: list[UnitTextEdit], known: set[int]) -> dict[int, str]:
    texts: dict[int, str] = {}
    for edit in edits:
        text = " ".join(edit.text.split())
        if edit.id not in known:
            raise Problem(422, "unit.not_found", f"the job has no unit {edit.id}")
        if edit.id in texts:
            raise Problem(422, "unit.duplicate", f"unit {edit.id} is edited twice")
        if not text:
            raise Problem(422, "unit.empty_text", f"unit {edit.id}: the text is empty")
        if len(text) > MAX_UNIT_TEXT:
            raise Problem(
                422,
                "unit.text_too_long",
                f"unit {edit.id}: {len(text)} characters, at most {MAX_UNIT_TEXT}",
            )
        texts[edit.id] = text
    return texts


def _history(session: Session, job: Job, kind: str, payload: dict[str, Any]) -> None:
    # Recorded in the outbox, which is the job's history; the pipeline has nothing to run for
    # an edit (the submissions sensor requests no run for it).
    session.add(OutboxEvent(job_id=job.id, kind=kind, payload=payload))


def _store_edits(
    session: Session,
    storage: Storage,
    user: User,
    job: Job,
    key: str,
    lang: str | None,
    texts: dict[int, str],
    replaced: dict[int, str],
) -> None:
    """Store the new texts as edits of what they replace (a text set back to it is no edit any
    more) and record them in the job's history."""
    at = utcnow()
    stored = load_edits(storage.store, key).without(texts)
    stored = stored.merged(
        UnitEdit(id=i, text=t, replaces=replaced[i], edited_at=at, edited_by=user.id)
        for i, t in texts.items()
        if t != replaced[i]
    )
    save_edits(storage.store, key, stored)
    languages = [lang] if lang else []
    _history(session, job, "units.edited", {"languages": languages, "units": sorted(texts)})
    session.commit()


def edit_source(
    session: Session,
    storage: Storage,
    user: User,
    job: Job,
    edits: list[UnitTextEdit],
    if_match: str | None,
) -> SourceUnits:
    """Store the edits of source units; a translation edit of an edited unit is dropped (it
    translated the old sentence), and the unit's translations become stale."""
    _locked(session, job)
    current = source_units(storage, job)
    _check_version(if_match, etag(current))
    heard = {unit.id: unit.original_text for unit in current.units}
    texts = _checked_edits(edits, set(heard))
    for language in job.languages:
        lang_key = keys.translation_edits(job.id, language.lang)
        lang_edits = load_edits(storage.store, lang_key)
        if any(edit.id in texts for edit in lang_edits.units):
            save_edits(storage.store, lang_key, lang_edits.without(texts))
    _store_edits(session, storage, user, job, keys.source_edits(job.id), None, texts, heard)
    return source_units(storage, job)


def edit_translation(
    session: Session,
    storage: Storage,
    user: User,
    job: Job,
    lang: str,
    edits: list[UnitTextEdit],
    if_match: str | None,
) -> TranslatedUnits:
    """Store the edits of a language's translated units; refused for a unit whose source changed
    since it was translated (the edit would be of a translation about to be replaced)."""
    _locked(session, job)
    current = translated_units(storage, job, lang)
    _check_version(if_match, etag(current))
    units = {unit.id: unit for unit in current.units}
    texts = _checked_edits(edits, set(units))
    stale = sorted(i for i in texts if units[i].translation_stale)
    if stale:
        raise Problem(
            409,
            "unit.translation_stale",
            f"units {stale}: their source changed; re-dub to translate them again first",
        )
    machine = {i: unit.machine_text for i, unit in units.items()}
    key = keys.translation_edits(job.id, lang)
    _store_edits(session, storage, user, job, key, lang, texts, machine)
    return translated_units(storage, job, lang)


# -- re-dubbing ------------------------------------------------------------------------------------


def redub_plan(storage: Storage, job: Job, langs: list[str]) -> list[RedubLanguage]:
    """Per language, what a re-dub redoes; languages with nothing stale are left out."""
    plan = []
    for lang in langs:
        units = translated_units(storage, job, lang).units
        plan.append(
            RedubLanguage(
                language=lang,
                retranslate=[unit.id for unit in units if unit.translation_stale],
                resynthesize=[
                    unit.id for unit in units if unit.translation_stale or unit.speech_stale
                ],
            )
        )
    return [entry for entry in plan if entry.resynthesize]


def redub(
    session: Session,
    settings: ApiSettings,
    storage: Storage,
    user: User,
    job: Job,
    languages: list[str] | None,
) -> RedubPlan:
    _locked(session, job)
    langs = [_language(job, lang) for lang in languages] if languages else None
    plan = redub_plan(storage, job, langs or [language.lang for language in job.languages])
    if not plan:
        raise Problem(409, "job.nothing_to_redub", "no unit changed since the last dub")
    chosen = [entry.language for entry in plan]
    payload = {
        "resume_from": REDUB_FROM,
        "languages": chosen,
        "units": sorted({i for entry in plan for i in entry.resynthesize}),
    }
    jobs.requeue(session, settings, user, job, chosen, "job.redub", payload)
    session.commit()
    return RedubPlan(job_id=job.id, languages=plan)
