"""Per-language translation of every transcript segment, in one batched engine call per source
language (a code-switching source has units in several; each unit is translated from its own).

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
from dubbing_core.glossary import applied_terms
from dubbing_core.requests import load_request
from resources.jobstore import JobStore
from resources.storage import MediaStore
from resources.translation import Translation, TranslationError

DUB_GROUP = "dub"


@dg.asset(
    partitions_def=job_lang_partitions,
    group_name=DUB_GROUP,
    deps=[dg.AssetDep(transcript, partition_mapping=FROM_JOB)],
    code_version=f"{RESOURCES['translation'].version()}:unit-language-1",
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
        # Transcripts written before units carried a language have the job's language only.
        spoken = [segment.get("language") or source["language"] for segment in source["segments"]]
        glossary = load_request(store, job).glossary
        previous = (
            store.read_json(keys.translation(job, lang))
            if store.exists(keys.translation(job, lang))
            else None
        )
        made_with = {
            "engine_version": translation.version(),
            "glossary": [term.model_dump() for term in glossary],
        }
        machine = reusable_translations(previous, texts, made_with)
        missed: list[int] = []
        missing = [index for index in range(len(texts)) if index not in machine]
        engines: dict[str, str] = dict(previous.get("engines", {})) if machine and previous else {}
        started = time.perf_counter()
        for language in dict.fromkeys(spoken[index] for index in missing):
            positions = [index for index in missing if spoken[index] == language]
            try:
                result = translation.translate(
                    [texts[index] for index in positions], language, lang, glossary
                )
            except TranslationError as error:
                if error.code == "translation.unsupported_pair":
                    raise rejected(error.code, error.message) from error
                raise
            engines[language] = result.engine
            machine.update(zip(positions, result.texts, strict=True))
            missed += [positions[position] for position in result.glossary_missed]
        # A reused translation of a document without `engines` was made by its one engine.
        made_by = str(previous.get("engine", "")) if previous else ""
        engines = {language: engines.get(language, made_by) for language in dict.fromkeys(spoken)}
        engine = ", ".join(dict.fromkeys(engines.values()))
        segments = [
            {
                "id": segment["id"],
                "start": segment["start"],
                "end": segment["end"],
                "source_language": spoken[index],
                "source_text": text,
                "machine_text": machine[index],
                "text": machine[index],
                "glossary": applied_terms(text, glossary),
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
            "engines": engines,
            **made_with,
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
            glossary_terms=len(glossary),
            glossary_segments=sum(bool(s["glossary"]) for s in segments),
            # Translated again without the glossary: the engine lost a term's placeholder.
            glossary_missed=[segments[index]["id"] for index in missed],
            source_language=source["language"],
            language=lang,
            translate_seconds=round(time.perf_counter() - started, 3),
        )


def reusable_translations(
    previous: dict[str, Any] | None, texts: list[str], made_with: dict[str, Any]
) -> dict[int, str]:
    """The engine's translations of the previous run that still hold, by segment position: same
    engine version and glossary, same number of segments, same source text."""
    if previous is None or any(previous.get(key) != value for key, value in made_with.items()):
        return {}
    segments = previous["segments"]
    if len(segments) != len(texts):
        return {}
    return {
        index: str(segment["machine_text"])
        for index, (segment, text) in enumerate(zip(segments, texts, strict=True))
        if segment["source_text"] == text
    }
