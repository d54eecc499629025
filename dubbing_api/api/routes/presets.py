"""Presets: the built-in ones, and each user's own (create, read, replace, delete)."""

from fastapi import APIRouter, Response, status

from dubbing_api.api.deps import IfMatch, SessionDep, SettingsDep, UserDep
from dubbing_api.core.openapi import problems
from dubbing_api.schemas import PresetInfo, PresetWrite
from dubbing_api.services import presets

router = APIRouter(prefix="/v1/presets", tags=["presets"])


@router.get(
    "",
    operation_id="listPresets",
    summary="Dubbing presets: the built-in ones, then yours",
    description="Presets set a language's voice, timing fit (speed caps), ducking, loudness and "
    "subtitle lines. Name one in a job's target.",
    responses=problems(401),
)
def list_presets(user: UserDep, session: SessionDep) -> list[PresetInfo]:
    return presets.list_all(session, user)


@router.post(
    "",
    operation_id="createPreset",
    status_code=status.HTTP_201_CREATED,
    summary="Create a custom preset",
    description="Validated against the installed engines and voices (`GET /v1/voices`). Its "
    "version starts at 1.",
    responses=problems(401, 409, 422),
)
def create_preset(
    body: PresetWrite,
    response: Response,
    user: UserDep,
    session: SessionDep,
    settings: SettingsDep,
) -> PresetInfo:
    preset = presets.create(session, settings, user, body)
    response.headers["ETag"] = presets.etag(preset)
    response.headers["Location"] = f"/v1/presets/{preset.id}"
    return presets.info(preset)


@router.get(
    "/{preset_id}",
    operation_id="getPreset",
    summary="One of your custom presets",
    description="The `ETag` header names its version; send it as `If-Match` to change it.",
    responses=problems(401, 404),
)
def get_preset(
    preset_id: str, response: Response, user: UserDep, session: SessionDep
) -> PresetInfo:
    preset = presets.owned(session, user, preset_id)
    response.headers["ETag"] = presets.etag(preset)
    return presets.info(preset)


@router.put(
    "/{preset_id}",
    operation_id="updatePreset",
    summary="Replace one of your custom presets",
    description="Any change bumps the version; finished jobs dubbed with an older version are "
    "re-dubbed by the re-dub schedule, from the first stage the change touches. With "
    "`If-Match`, 412 when the preset changed since it was read.",
    responses=problems(401, 404, 409, 412, 422),
)
def update_preset(
    preset_id: str,
    body: PresetWrite,
    response: Response,
    user: UserDep,
    session: SessionDep,
    settings: SettingsDep,
    if_match: IfMatch = None,
) -> PresetInfo:
    preset = presets.owned(session, user, preset_id)
    preset = presets.update(session, settings, user, preset, body, if_match)
    response.headers["ETag"] = presets.etag(preset)
    return presets.info(preset)


@router.delete(
    "/{preset_id}",
    operation_id="deletePreset",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete one of your custom presets",
    description="409 `preset.in_use` while an unfinished job uses it; finished jobs keep the "
    "settings they were dubbed with.",
    responses=problems(401, 404, 409, 412),
)
def delete_preset(
    preset_id: str, user: UserDep, session: SessionDep, if_match: IfMatch = None
) -> Response:
    presets.delete(session, presets.owned(session, user, preset_id), if_match)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
