"""Per-language packaging: the HLS audio and subtitle renditions, the MP4 and SRT downloads,
and the master playlist, which lists every language finished so far."""

import dagster as dg

from dubbing_assets import playlists
from dubbing_assets.configured import RESOURCES
from dubbing_assets.mixing import dubbed_mix
from dubbing_assets.partitions import FROM_JOB, job_lang_partitions, split_job_lang
from dubbing_assets.stage import TRANSIENT_RETRY, materialized, scratch, tracked
from dubbing_assets.subtitles import cues_for, to_srt, to_webvtt
from dubbing_assets.translation import DUB_GROUP, translation
from dubbing_assets.video import video_rendition
from dubbing_core import keys
from dubbing_core.languages import get_language
from dubbing_core.presets import catalog_version
from dubbing_core.requests import load_request
from resources.jobstore import JobStore
from resources.media import Media
from resources.storage import MediaStore

_AUDIO_BANDWIDTH = "audio_bandwidth.txt"


def _relative(job: str, key: str) -> str:
    return key.removeprefix(keys.hls_prefix(job) + "/")


def publish_master(store: MediaStore, job: str) -> str:
    """Rewrite the master playlist from what is in storage: every requested language whose
    audio rendition exists, with its subtitles when they exist too."""
    video = store.read_json(keys.hls_video_info(job))
    tracks = []
    for lang in load_request(store, job).languages:
        audio_prefix = keys.hls_audio_prefix(job, lang)
        if not store.exists(f"{audio_prefix}/{keys.PLAYLIST}"):
            continue
        subtitles = f"{keys.hls_subtitles_prefix(job, lang)}/{keys.PLAYLIST}"
        tracks.append(
            playlists.LanguageTracks(
                lang=lang,
                name=get_language(lang).native_name,
                audio_uri=_relative(job, f"{audio_prefix}/{keys.PLAYLIST}"),
                audio_bandwidth=int(store.read_bytes(f"{audio_prefix}/{_AUDIO_BANDWIDTH}")),
                subtitles_uri=_relative(job, subtitles) if store.exists(subtitles) else None,
            )
        )
    if not tracks:
        return ""
    rendition = playlists.VideoRendition(
        uri=_relative(job, video["playlist"]),
        bandwidth=video["bandwidth_bps"],
        codecs=f"{video['codecs_video']},{playlists.AAC_LC}",
        width=video["width"],
        height=video["height"],
    )
    store.write_bytes(keys.hls_master(job), playlists.master_playlist(rendition, tracks).encode())
    return keys.hls_master(job)


@dg.asset(
    partitions_def=job_lang_partitions,
    group_name=DUB_GROUP,
    deps=[dubbed_mix, dg.AssetDep(video_rendition, partition_mapping=FROM_JOB)],
    code_version=f"{RESOURCES['media'].version()}:start-1",
    retry_policy=TRANSIENT_RETRY,
    description="HLS audio rendition of the mix, the language's MP4, and the master playlist.",
)
def audio_rendition(
    context: dg.AssetExecutionContext, store: MediaStore, media: Media, jobstore: JobStore
) -> dg.MaterializeResult:
    with tracked(context, jobstore, store):
        job, lang = split_job_lang(context.partition_key)
        prefix = keys.hls_audio_prefix(job, lang)
        with (
            store.local_copy(keys.mix(job, lang)) as mix,
            store.local_copy(keys.upload(job)) as source,
            scratch() as work,
        ):
            # Both codecs are known (the mix is made AAC; source_video probed the source): no
            # need to probe either file again.
            # The audio starts where the video's first picture does (see resources/ffmpeg/hls.py).
            start = store.read_json(keys.hls_video_info(job)).get("start_seconds", 0.0)
            package = media.package_audio(
                mix, work / "audio", codec=media.mix_codec, start_seconds=start
            )
            (work / "audio" / _AUDIO_BANDWIDTH).write_text(str(package.bandwidth_bps))
            store.delete_prefix(prefix)
            files = store.put_tree(work / "audio", prefix, last=keys.PLAYLIST)
            video = store.read_json(keys.source_probe(job))["video"]
            media.mux_mp4(
                source,
                mix,
                work / "dubbed.mp4",
                get_language(lang).iso639_2,
                video_codec=video["codec"] if video else None,
            )
            store.put_file(work / "dubbed.mp4", keys.mp4(job, lang))
        master = publish_master(store, job)
        return materialized(
            store,
            f"{prefix}/{keys.PLAYLIST}",
            files=len(files),
            bandwidth_bps=package.bandwidth_bps,
            mp4_key=keys.mp4(job, lang),
            mp4_bytes=store.size(keys.mp4(job, lang)),
            master_key=master,
        )


@dg.asset(
    partitions_def=job_lang_partitions,
    group_name=DUB_GROUP,
    deps=[translation, dg.AssetDep(video_rendition, partition_mapping=FROM_JOB)],
    code_version=f"subtitles-2:presets-{catalog_version()}",
    retry_policy=TRANSIENT_RETRY,
    description="{lang}/subtitles.vtt and .srt from the translation, and the HLS WebVTT rendition.",
)
def subtitles(
    context: dg.AssetExecutionContext, store: MediaStore, jobstore: JobStore
) -> dg.MaterializeResult:
    with tracked(context, jobstore, store):
        job, lang = split_job_lang(context.partition_key)
        preset = load_request(store, job).target(lang).resolved_preset()
        document = store.read_json(keys.translation(job, lang))
        duration = store.read_json(keys.source_probe(job))["duration"]
        cues = cues_for(
            [(s["start"], s["end"], s["text"]) for s in document["segments"]],
            max_chars=preset.subtitle_max_chars,
            max_lines=preset.subtitle_max_lines,
        )
        start = store.read_json(keys.hls_video_info(job)).get("start_seconds", 0.0)
        vtt = to_webvtt(cues, start).encode()
        store.write_bytes(keys.subtitles_vtt(job, lang), vtt)
        store.write_bytes(keys.subtitles_srt(job, lang), to_srt(cues).encode())
        prefix = keys.hls_subtitles_prefix(job, lang)
        store.write_bytes(f"{prefix}/subtitles.vtt", vtt)
        playlist = playlists.subtitle_playlist("subtitles.vtt", duration)
        store.write_bytes(f"{prefix}/{keys.PLAYLIST}", playlist.encode())
        master = publish_master(store, job)
        return materialized(
            store,
            keys.subtitles_vtt(job, lang),
            cues=len(cues),
            srt_key=keys.subtitles_srt(job, lang),
            hls_playlist=f"{prefix}/{keys.PLAYLIST}",
            master_key=master or None,
        )
