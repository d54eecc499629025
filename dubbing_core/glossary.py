"""Glossaries: terms a translation keeps verbatim (names, brands) or translates one fixed way.

Applied the same way whatever the engine (Apertium, NLLB): before translating, every occurrence
of a term (whole words, any case) is replaced by a placeholder the engines pass through
untouched (a short code of capitals and a digit, which neither engine has in its vocabulary of
words to translate); after, each placeholder is replaced by the term itself or its forced
translation. An output that lost a placeholder is reported (`missed`): the caller translates that
text again without the glossary, so an engine that mangles placeholders never loses a sentence.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel, Field

MAX_TERMS = 200
MAX_TERM_LENGTH = 100
# "ZQX" + index: Apertium passes unknown tokens through (`-u`), and NLLB copies rare codes.
_PLACEHOLDER = "ZQX{}"
_PLACEHOLDERS = re.compile(r"ZQX(\d+)", re.IGNORECASE)


class GlossaryTerm(BaseModel):
    term: str = Field(min_length=1, max_length=MAX_TERM_LENGTH, examples=["Dubflow"])
    translations: dict[str, str] = Field(
        default={},
        max_length=50,
        description="Forced translations by language code; a language without one keeps the "
        "term verbatim",
        examples=[{"es": "el Támesis"}],
    )

    def rendering(self, lang: str) -> str:
        return self.translations.get(lang, self.term)


@dataclass(frozen=True)
class Protected:
    """Texts with their terms replaced by placeholders, and what each placeholder stands for."""

    texts: list[str]
    # Per text: the index of each term it holds, by placeholder number.
    terms: list[dict[int, int]]


def _pattern(term: str) -> re.Pattern[str]:
    return re.compile(rf"(?<!\w){re.escape(term)}(?!\w)", re.IGNORECASE)


def protect(texts: Sequence[str], glossary: Sequence[GlossaryTerm]) -> Protected:
    # Longer terms first, so "River Thames" wins over "Thames".
    order = sorted(range(len(glossary)), key=lambda i: -len(glossary[i].term))
    patterns = [(index, _pattern(glossary[index].term)) for index in order]
    protected, found = [], []
    for text in texts:
        terms: dict[int, int] = {}
        for index, pattern in patterns:
            text = pattern.sub(_Placeholder(terms, index), text)
        protected.append(text)
        found.append(terms)
    return Protected(protected, found)


@dataclass(frozen=True)
class _Placeholder:
    """Replaces a match of term `index` with the text's next placeholder, and remembers it."""

    terms: dict[int, int]
    index: int

    def __call__(self, _: re.Match[str]) -> str:
        number = len(self.terms)
        self.terms[number] = self.index
        return _PLACEHOLDER.format(number)


def restore(
    translated: Sequence[str], protected: Protected, glossary: Sequence[GlossaryTerm], lang: str
) -> tuple[list[str], list[int]]:
    """The translations with each placeholder replaced by its term's rendering in `lang`, and
    the positions of the texts whose translation lost a placeholder (left as they are)."""
    texts, missed = [], []
    for position, (text, terms) in enumerate(zip(translated, protected.terms, strict=True)):
        seen = {int(number) for number in _PLACEHOLDERS.findall(text)}
        if seen != set(terms):
            missed.append(position)
            texts.append(text)
            continue
        texts.append(_render(text, [glossary[terms[n]].rendering(lang) for n in sorted(terms)]))
    return texts, missed


def _render(text: str, renderings: list[str]) -> str:
    """`text` with placeholder n replaced by `renderings[n]`."""
    return _PLACEHOLDERS.sub(lambda match: renderings[int(match.group(1))], text)


def applied_terms(text: str, glossary: Sequence[GlossaryTerm]) -> list[str]:
    """The glossary's terms `text` holds, in glossary order."""
    return [entry.term for entry in glossary if _pattern(entry.term).search(text)]
