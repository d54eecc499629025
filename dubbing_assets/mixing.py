"""Per-language mix: the dubbed speech over the ducked original, loudness-normalized."""

import dagster as dg

from dubbing_assets.configured import RESOURCES
from dubbing_assets.ingest import source_audio
from dubbing_assets.partitions import FROM_JOB, job_lang_partitions, split_job_lang
from dubbing_assets.speech import dubbed_speech
from dubbing_assets.stage import TRANSIENT_RETRY, materialized, scratch, tracked
from dubbing_assets.translation import DUB_GROUP
from dubbing_core import keys
from dubbing_core.presets import catalog_version, get_preset
from dubbing_core.requests import load_request
from resources.jobstore import JobStore
from resources.media import Media
from resources.storage import MediaStore


@dg.asset(
    partitions_def=job_lang_partitions,
    group_name=DUB_GROUP,
    deps=[dubbed_speech, dg.AssetDep(source_audio, partition_mapping=FROM_JOB)],
    code_version=f"{RESOURCES['media'].version()}:presets-{catalog_version()}",
    retry_policy=TRANSIENT_RETRY,
    description="{lang}/mix.m4a: the dub over the original ducked by sidechain compression, "
    "EBU R128 loudness-normalized, AAC.",
)
def dubbed_mix(
    context: dg.AssetExecutionContext, store: MediaStore, media: Media, jobstore: JobStore
) -> dg.MaterializeResult:
    with tracked(context, jobstore, store):
        job, lang = split_job_lang(context.partition_key)
        preset = get_preset(load_request(store, job).target(lang).preset)
        with (
            store.local_copy(keys.full_audio(job)) as background,
            store.local_copy(keys.speech(job, lang)) as speech,
            scratch() as work,
        ):
            report = media.mix(
                background,
                speech,
                work / "mix.m4a",
                duck_db=preset.duck_db,
                background_gain_db=preset.background_gain_db,
            )
            store.put_file(work / "mix.m4a", keys.mix(job, lang))
        context.log.info(
            f"mix: {report.integrated_lufs:.1f} LUFS, peak {report.true_peak:.1f} dBTP"
        )
        return materialized(
            store,
            keys.mix(job, lang),
            integrated_lufs=report.integrated_lufs,
            true_peak_dbtp=report.true_peak,
            target_lufs=media.target_lufs,
            duration_s=report.duration_s,
            duck_db=preset.duck_db,
        )
