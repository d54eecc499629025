"""Selective re-dub: a language's dub run (translation to subtitles) after one unit's translation
was edited, against the same run from scratch (no previous translation, no speech cache), in
alternated runs on the same job (docs/editing.md)."""

import itertools
from datetime import UTC, datetime

from bench.core import Figure, alternate, ratio_figure
from bench.inprocess import InProcessJob
from dubbing_core import keys
from dubbing_core.edits import UnitEdit, UnitEdits, save_edits

FAMILY = "14 selective re-dub"
# Each re-dub says something new in the edited unit, so it is synthesized every time.
EDITS = ("Mañana comeremos naranjas en la playa.", "Hoy cenamos en casa con nuestros amigos.")


def run_family(inprocess: InProcessJob) -> list[Figure]:
    job, store, lang = inprocess.job, inprocess.store, inprocess.langs[0]
    texts = itertools.cycle(EDITS)
    synthesized: list[int] = []

    def dub() -> tuple[float, int]:
        result = inprocess.pipeline.dub(job, lang)
        if not result.success:
            raise RuntimeError(f"the {lang} dub failed in the benchmark run")
        (speech,) = result.asset_materializations_for_node("dubbed_speech")
        return inprocess.steps_seconds(result), int(str(speech.metadata["synthesized_units"].value))

    def from_scratch() -> float:
        for key in (keys.translation_edits(job, lang), keys.translation(job, lang)):
            store.delete_prefix(key)
        store.delete_prefix(keys.speech_cache_prefix(job, lang))
        return dub()[0]

    def after_one_edit() -> float:
        segments = store.read_json(keys.translation(job, lang))["segments"]
        unit = segments[len(segments) // 2]
        edit = UnitEdit(
            id=unit["id"],
            text=next(texts),
            replaces=unit["machine_text"],
            edited_at=datetime.now(UTC),
            edited_by="bench",
        )
        save_edits(store, keys.translation_edits(job, lang), UnitEdits(units=[edit]))
        seconds, units = dub()
        synthesized.append(units)
        return seconds

    seconds = alternate({"redub": after_one_edit, "scratch": from_scratch})
    units = len(store.read_json(keys.translation(job, lang))["segments"])
    if set(synthesized) != {1}:
        raise RuntimeError(f"a re-dub after one edit synthesized {synthesized} units")
    return [
        ratio_figure(
            FAMILY,
            f"re-dub after one edited unit / the language from scratch ({lang})",
            seconds,
            "redub",
            "scratch",
            note=f"{units} units, 1 synthesized again; translation to subtitles, in process",
            units=units,
        )
    ]
