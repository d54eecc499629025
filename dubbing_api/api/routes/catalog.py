"""What can be asked for: languages (with voices and translatable sources) and presets."""

from fastapi import APIRouter

from dubbing_api.api.deps import SettingsDep, UserDep
from dubbing_api.core.openapi import problems
from dubbing_api.schemas import LanguageInfo, PresetInfo
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
    "/presets",
    operation_id="listPresets",
    summary="Dubbing presets",
    description="Presets set the timing fit (stretch cap), ducking and loudness of a language.",
)
def list_presets(_user: UserDep) -> list[PresetInfo]:
    return catalog.presets()
