"""Per-language translation of every transcript segment, in one batched engine call.

The users' edits apply here (`dubbing_core.edits`): the source's edited units are translated from
their new text, and a language's edited units take the user's text. A segment whose source text
and engine are those of the previous translation keeps its translation without an engine call,
so a re-dub after an edit translates only the edited units and every other unit stays the same.
"""

import time
from typing import Any

import dagster as dg

from dubbing_assets.configured import RESOURCES
from dubbing_assets.partitions import FROM_JOB, job_lang_partitions, split_job_lang
from dubbing_assets.stage import TRANSIENT_RETRY, materialized, tracked
from dubbing_assets.stage_errors import rejected
from dubbing_assets.transcription import transcript
from dubbing_core import keys
from dubbing_core.edits import edited_texts, load_edits
from resources.jobstore import JobStore
from resources.storage import MediaStore
from resources.translation import Translation, TranslationError

DUB_GROUP = "dub"


@dg.asset(
    partitions_def=job_lang_partitions,
    group_name=DUB_GROUP,
    deps=[dg.AssetDep(transcript, partition_mapping=FROM_JOB)],
    code_version=RESOURCES["translation"].version(),
    retry_policy=TRANSIENT_RETRY,
    description="{lang}/segments.json: one translation per transcript segment, same timing.",
)
def translation(
    context: dg.AssetExecutionContext,
    store: MediaStore,
    translation: Translation,
    jobstore: JobStore,
) -> dg.MaterializeResult:
    with tracked(context, jobstore, store):
        job, lang = split_job_lang(context.partition_key)
        source = store.read_json(keys.transcript(job))
        texts = edited_texts(source["segments"], load_edits(store, keys.source_edits(job)))
        previous = (
            store.read_json(keys.translation(job, lang))
            if store.exists(keys.translation(job, lang))
            else None
        )
        machine = reusable_translations(previous, texts, translation.version())
        missing = [index for index in range(len(texts)) if index not in machine]
        engine = str(previous["engine"]) if previous and not missing else ""
        started = time.perf_counter()
        if missing:
            try:
                result = translation.translate(
                    [texts[index] for index in missing], source["language"], lang
                )
            except TranslationError as error:
                if error.code == "translation.unsupported_pair":
                    raise rejected(error.code, error.message) from error
                raise
            machine.update(zip(missing, result.texts, strict=True))
            engine = result.engine
        segments = [
            {
                "id": segment["id"],
                "start": segment["start"],
                "end": segment["end"],
                "source_text": text,
                "machine_text": machine[index],
                "text": machine[index],
            }
            for index, (segment, text) in enumerate(zip(source["segments"], texts, strict=True))
        ]
        edited = edited_texts(
            segments, load_edits(store, keys.translation_edits(job, lang)), "machine_text"
        )
        for segment, text in zip(segments, edited, strict=True):
            segment["text"] = text
        document = {
            "language": lang,
            "source_language": source["language"],
            "engine": engine,
            "engine_version": translation.version(),
            "segments": segments,
        }
        store.write_json(keys.translation(job, lang), document)
        return materialized(
            store,
            keys.translation(job, lang),
            engine=engine,
            segments=len(segments),
            translated_segments=len(missing),
            edited_segments=sum(s["text"] != s["machine_text"] for s in segments),
            source_language=source["language"],
            language=lang,
            translate_seconds=round(time.perf_counter() - started, 3),
        )


def reusable_translations(
    previous: dict[str, Any] | None, texts: list[str], engine_version: str
) -> dict[int, str]:
    """The engine's translations of the previous run that still hold, by segment position: same
    engine version, same number of segments, same source text."""
    if previous is None or previous.get("engine_version") != engine_version:
        return {}
    segments = previous["segments"]
    if len(segments) != len(texts):
        return {}
    return {
        index: str(segment["machine_text"])
        for index, (segment, text) in enumerate(zip(segments, texts, strict=True))
        if segment["source_text"] == text
    }
