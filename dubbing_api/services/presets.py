"""Custom presets: each user's own, validated against the installed engines and voices, versioned.

Every change bumps the version; jobs record the id, version and settings they are dubbed with
(`dubbing_core.presets.CustomPresetUse`), and the re-dub schedule re-dubs the languages of
finished jobs whose preset has moved on (docs/editing.md, "Custom presets").
"""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dubbing_api.core.config import ApiSettings
from dubbing_api.core.problems import Problem
from dubbing_api.schemas import PresetInfo, PresetWrite
from dubbing_api.services import catalog
from dubbing_core.db.models import CustomPreset, Job, JobLanguage, User, utcnow
from dubbing_core.presets import (
    PRESETS,
    CustomPresetUse,
    InvalidPreset,
    PresetSettings,
    check_voices,
)
from dubbing_core.statuses import FINISHED
from dubbing_core.voices import InvalidVoice, installed_voice

# Enough for every language with a few variants; bounds what a job creation loads.
MAX_PRESETS_PER_USER = 100


def etag(preset: CustomPreset) -> str:
    return f'"{preset.version}"'


def info(preset: CustomPreset) -> PresetInfo:
    return PresetInfo(
        name=preset.name,
        description=preset.description,
        custom=True,
        id=preset.id,
        version=preset.version,
        created_at=preset.created_at,
        updated_at=preset.updated_at,
        **PresetSettings.model_validate(preset.settings).model_dump(),
    )


def list_all(session: Session, user: User) -> list[PresetInfo]:
    """The built-in presets, then the user's own by name."""
    return catalog.presets() + [info(preset) for preset in _owned(session, user)]


def _owned(session: Session, user: User) -> list[CustomPreset]:
    query = select(CustomPreset).where(CustomPreset.user_id == user.id).order_by(CustomPreset.name)
    return list(session.scalars(query))


def uses(session: Session, user: User) -> dict[str, CustomPresetUse]:
    """What a job created now records of each of the user's presets, by name."""
    return {
        preset.name: CustomPresetUse(
            id=preset.id,
            version=preset.version,
            settings=PresetSettings.model_validate(preset.settings),
        )
        for preset in _owned(session, user)
    }


def owned(session: Session, user: User, preset_id: str) -> CustomPreset:
    preset = session.get(CustomPreset, preset_id)
    # Another user's preset is "not found": its existence is not disclosed.
    if preset is None or preset.user_id != user.id:
        raise Problem(404, "preset.not_found", "no such preset")
    return preset


def _validated(settings: ApiSettings, body: PresetWrite) -> PresetSettings:
    if body.name in PRESETS:
        raise Problem(409, "preset.name_reserved", f"{body.name!r} is a built-in preset's name")
    try:
        check_voices(body.voices)
        here = catalog.installed(settings)
        for voice_id in body.voices.values():
            installed_voice(voice_id, here, "preset")
    except (InvalidPreset, InvalidVoice) as error:
        raise Problem(422, error.code, error.message) from error
    return PresetSettings.model_validate(body.model_dump(exclude={"name", "description"}))


def _stored(session: Session, preset: CustomPreset) -> CustomPreset:
    name = preset.name
    try:
        session.commit()
    except IntegrityError as error:
        # Two requests naming the same new name at once: the unique constraint decides.
        session.rollback()
        raise Problem(409, "preset.name_taken", f"you already have a preset {name!r}") from error
    session.refresh(preset)
    return preset


def _check_name_free(session: Session, user: User, name: str, preset_id: str | None) -> None:
    taken = session.scalar(
        select(CustomPreset.id).where(CustomPreset.user_id == user.id, CustomPreset.name == name)
    )
    if taken is not None and taken != preset_id:
        raise Problem(409, "preset.name_taken", f"you already have a preset {name!r}")


def create(session: Session, settings: ApiSettings, user: User, body: PresetWrite) -> CustomPreset:
    values = _validated(settings, body)
    _check_name_free(session, user, body.name, None)
    count = len(_owned(session, user))
    if count >= MAX_PRESETS_PER_USER:
        raise Problem(
            409, "preset.limit_reached", f"you have {count} presets, the most one may have"
        )
    preset = CustomPreset(
        user_id=user.id,
        name=body.name,
        description=body.description,
        version=1,
        settings=values.model_dump(mode="json"),
    )
    session.add(preset)
    return _stored(session, preset)


def _check_version(preset: CustomPreset, if_match: str | None) -> None:
    if if_match is not None and if_match not in ("*", etag(preset)):
        problem = Problem(
            412,
            "preset.version_mismatch",
            f"the preset changed since it was read: it is at version {preset.version}",
        )
        problem.headers["ETag"] = etag(preset)
        raise problem


def update(
    session: Session,
    settings: ApiSettings,
    user: User,
    preset: CustomPreset,
    body: PresetWrite,
    if_match: str | None,
) -> CustomPreset:
    """Replace the preset; its version goes up when anything changed (an identical body is not
    a change, so it re-dubs nothing)."""
    values = _validated(settings, body)
    # Locked while compared and bumped: two updates of one version cannot both succeed.
    session.refresh(preset, with_for_update=True)
    _check_version(preset, if_match)
    _check_name_free(session, user, body.name, preset.id)
    stored = values.model_dump(mode="json")
    if (preset.name, preset.description, preset.settings) == (body.name, body.description, stored):
        session.rollback()
        return preset
    preset.name, preset.description, preset.settings = body.name, body.description, stored
    preset.version += 1
    preset.updated_at = utcnow()
    return _stored(session, preset)


def delete(session: Session, preset: CustomPreset, if_match: str | None) -> None:
    """Refused while an unfinished job uses the preset; finished jobs keep the settings their
    request records, and are no longer re-dubbed when presets change."""
    session.refresh(preset, with_for_update=True)
    _check_version(preset, if_match)
    users = session.scalars(
        select(JobLanguage.job_id)
        .join(Job, Job.id == JobLanguage.job_id)
        .where(JobLanguage.preset_id == preset.id, Job.status.not_in(FINISHED))
        .limit(5)
    ).all()
    if users:
        raise Problem(
            409,
            "preset.in_use",
            f"unfinished jobs use this preset ({', '.join(users)}); delete it once they end",
        )
    session.delete(preset)
    session.commit()
