"""Per-language translation of every transcript segment, in one batched engine call."""

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
        texts = [segment["text"] for segment in source["segments"]]
        started = time.perf_counter()
        try:
            result = translation.translate(texts, source["language"], lang)
        except TranslationError as error:
            if error.code == "translation.unsupported_pair":
                raise rejected(error.code, error.message) from error
            raise
        segments = [
            {
                "id": segment["id"],
                "start": segment["start"],
                "end": segment["end"],
                "source_text": segment["text"],
                "text": text,
            }
            for segment, text in zip(source["segments"], result.texts, strict=True)
        ]
        document = {
            "language": lang,
            "source_language": source["language"],
            "engine": result.engine,
            "segments": segments,
        }
        store.write_json(keys.translation(job, lang), document)
        return materialized(
            store,
            keys.translation(job, lang),
            engine=result.engine,
            segments=len(segments),
            source_language=source["language"],
            language=lang,
            translate_seconds=round(time.perf_counter() - started, 3),
        )
