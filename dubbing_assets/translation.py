"""Per-language translation of every transcript segment, in one batched engine call per source
language (a code-switching source has units in several; each unit is translated from its own)."""

import time

import dagster as dg

from dubbing_assets.configured import RESOURCES
from dubbing_assets.partitions import FROM_JOB, job_lang_partitions, split_job_lang
from dubbing_assets.stage import TRANSIENT_RETRY, materialized, tracked
from dubbing_assets.stage_errors import rejected
from dubbing_assets.transcription import transcript
from dubbing_core import keys
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
        # Transcripts written before units carried a language have the job's language only.
        spoken = [segment.get("language") or source["language"] for segment in source["segments"]]
        texts: list[str] = [""] * len(spoken)
        engines = {}
        started = time.perf_counter()
        for language in dict.fromkeys(spoken):
            positions = [i for i, unit_language in enumerate(spoken) if unit_language == language]
            try:
                result = translation.translate(
                    [source["segments"][i]["text"] for i in positions], language, lang
                )
            except TranslationError as error:
                if error.code == "translation.unsupported_pair":
                    raise rejected(error.code, error.message) from error
                raise
            engines[language] = result.engine
            for position, text in zip(positions, result.texts, strict=True):
                texts[position] = text
        segments = [
            {
                "id": segment["id"],
                "start": segment["start"],
                "end": segment["end"],
                "source_language": unit_language,
                "source_text": segment["text"],
                "text": text,
            }
            for segment, unit_language, text in zip(source["segments"], spoken, texts, strict=True)
        ]
        engine = ", ".join(dict.fromkeys(engines.values()))
        document = {
            "language": lang,
            "source_language": source["language"],
            "engine": engine,
            "engines": engines,
            "segments": segments,
        }
        store.write_json(keys.translation(job, lang), document)
        return materialized(
            store,
            keys.translation(job, lang),
            engine=engine,
            segments=len(segments),
            source_language=source["language"],
            language=lang,
            translate_seconds=round(time.perf_counter() - started, 3),
        )
