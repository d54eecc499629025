"""The languages dubflow can dub into, with each engine's code for them.

Shared by the pipeline (the static "lang" partitions) and the API (validation, `/v1/languages`).
"""

from dataclasses import dataclass

from dubbing_core.errors import CodedError


class UnsupportedLanguage(CodedError, KeyError):
    def __init__(self, language: str) -> None:
        super().__init__(
            "language.unsupported",
            f"unsupported language {language!r}; supported: {', '.join(SUPPORTED)}",
        )
        self.language = language


@dataclass(frozen=True)
class Language:
    code: str  # ISO 639-1
    name: str
    native_name: str
    iso639_2: str  # for MP4 language tags (and Apertium's language codes)
    nllb_code: str
    espeak_voice: str


LANGUAGES: dict[str, Language] = {
    language.code: language
    for language in (
        Language("en", "English", "English", "eng", "eng_Latn", "en-us"),
        Language("es", "Spanish", "Español", "spa", "spa_Latn", "es"),
        Language("ca", "Catalan", "Català", "cat", "cat_Latn", "ca"),
        Language("de", "German", "Deutsch", "deu", "deu_Latn", "de"),
        Language("fr", "French", "Français", "fra", "fra_Latn", "fr"),
        Language("it", "Italian", "Italiano", "ita", "ita_Latn", "it"),
        Language("pt", "Portuguese", "Português", "por", "por_Latn", "pt"),
    )
}
SUPPORTED: tuple[str, ...] = tuple(LANGUAGES)


def get_language(code: str) -> Language:
    try:
        return LANGUAGES[code]
    except KeyError:
        raise UnsupportedLanguage(code) from None


def to_nllb(code: str) -> str:
    return get_language(code).nllb_code
