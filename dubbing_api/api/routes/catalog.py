"""What can be asked for: languages (with voices and translatable sources), and voices (presets:
`presets.py`)."""

from typing import Annotated

from fastapi import APIRouter, Query

from dubbing_api.api.deps import SettingsDep, UserDep
from dubbing_api.core.openapi import problems
from dubbing_api.schemas import InstalledVoice, LanguageInfo
from dubbing_api.services import catalog

router = APIRouter(prefix="/v1", tags=["catalog"], responses=problems(401))


@router.get(
    "/languages",
    operation_id="listLanguages",
    summary="Target languages, their voices, and the sources the installed engines translate",
    description="Only what the installed engines and voices can do: validate choices against it.",
)
def list_languages(_user: UserDep, settings: SettingsDep) -> list[LanguageInfo]:
    return catalog.languages(settings)


@router.get(
    "/voices",
    operation_id="listVoices",
    summary="The installed voices, per language, with engine, quality and licence",
    description="Only voices this installation can speak with; `default` marks each "
    "language's voice when a preset names none.",
)
def list_voices(
    _user: UserDep,
    settings: SettingsDep,
    language: Annotated[str | None, Query(max_length=16)] = None,
) -> list[InstalledVoice]:
    return catalog.voices(settings, language)
