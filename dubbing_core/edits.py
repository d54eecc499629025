"""Unit edits: the sentences users corrected in a job's transcript or in one of its translations.

Edits are stored next to the artifacts they correct (`keys.source_edits`,
`keys.translation_edits`): the API writes them, the pipeline's `translation` stage reads them. An
edited source unit is translated again from its new text; an edited translation replaces the
engine's text of that unit, so the speech and the subtitles say it (docs/editing.md).
"""

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Protocol

from pydantic import BaseModel, Field

# Longer than any sentence a unit holds (units are capped at 12 s of speech); bounds what one
# edit can make the speech stage synthesize.
MAX_UNIT_TEXT = 1000


class EditsStore(Protocol):
    def exists(self, key: str) -> bool: ...

    def read_json(self, key: str) -> Any: ...

    def write_json(self, key: str, value: Any) -> None: ...


class UnitEdit(BaseModel):
    id: int
    text: str = Field(min_length=1, max_length=MAX_UNIT_TEXT)
    # The pipeline's text the edit overrides (Whisper's, or the translation engine's): an edit
    # applies only while the pipeline still says that, so a re-transcription or a re-translation
    # from an edited source never pairs an old edit with a different sentence.
    replaces: str
    edited_at: datetime
    edited_by: str


class UnitEdits(BaseModel):
    """The edits of one side (the source, or one language), one per unit, the latest only."""

    units: list[UnitEdit] = []

    def by_id(self) -> dict[int, UnitEdit]:
        return {edit.id: edit for edit in self.units}

    def merged(self, changes: Iterable[UnitEdit]) -> "UnitEdits":
        edits = self.by_id()
        edits.update({change.id: change for change in changes})
        return UnitEdits(units=sorted(edits.values(), key=lambda edit: edit.id))

    def without(self, ids: Iterable[int]) -> "UnitEdits":
        dropped = set(ids)
        return UnitEdits(units=[edit for edit in self.units if edit.id not in dropped])


def load_edits(store: EditsStore, key: str) -> UnitEdits:
    return UnitEdits.model_validate(store.read_json(key)) if store.exists(key) else UnitEdits()


def save_edits(store: EditsStore, key: str, edits: UnitEdits) -> None:
    store.write_json(key, edits.model_dump(mode="json"))


def edited_texts(
    segments: Iterable[Mapping[str, Any]], edits: UnitEdits, field: str = "text"
) -> list[str]:
    """Each segment's `field`, replaced by its edit where the edit was made against that text."""
    by_id = edits.by_id()
    texts = []
    for segment in segments:
        text = str(segment[field])
        edit = by_id.get(int(segment["id"]))
        texts.append(edit.text if edit is not None and edit.replaces == text else text)
    return texts
