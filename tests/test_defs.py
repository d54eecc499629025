from typing import get_args

import dagster as dg

from dubbing_assets.definitions import defs
from dubbing_core.languages import SUPPORTED

JOB_ASSETS = {"source_video", "source_audio", "transcript", "video_rendition"}
LANG_ASSETS = {"translation", "dubbed_speech", "dubbed_mix", "audio_rendition", "subtitles"}


def test_definitions_load():
    dg.Definitions.validate_loadable(defs)


def test_nine_assets_with_the_right_partitions():
    graph = defs.resolve_asset_graph()
    assert {key.to_user_string() for key in graph.get_all_asset_keys()} == JOB_ASSETS | LANG_ASSETS
    for name in JOB_ASSETS:
        partitions = graph.get(dg.AssetKey(name)).partitions_def
        assert (
            isinstance(partitions, dg.DynamicPartitionsDefinition)
            and partitions.name == "job_partitions"
        )
    for name in LANG_ASSETS:
        partitions = graph.get(dg.AssetKey(name)).partitions_def
        assert isinstance(partitions, dg.MultiPartitionsDefinition)
        dims = {d.name: d.partitions_def for d in partitions.partitions_defs}
        assert dims["job"].name == "job_partitions"
        assert dims["lang"].get_partition_keys() == list(SUPPORTED)


def test_every_asset_has_a_code_version_and_a_retry_policy():
    graph = defs.resolve_asset_graph()
    for key in graph.get_all_asset_keys():
        node = graph.get(key)
        assert node.code_version, key
    for asset in defs.assets or []:
        assert asset.op.retry_policy is not None  # type: ignore[union-attr]


def test_jobs_split_by_partitions_definition_and_run_in_process():
    ingest = defs.resolve_job_def("ingest_assets_job")
    dub = defs.resolve_job_def("dub_assets_job")
    assert ingest.executor_def.name == "in_process" and dub.executor_def.name == "in_process"
    assert {k.to_user_string() for k in ingest.asset_layer.executable_asset_keys} == JOB_ASSETS
    assert {k.to_user_string() for k in dub.asset_layer.executable_asset_keys} == LANG_ASSETS


def test_shared_stage_graph_matches_the_assets():
    from dubbing_core.stages import JOB_STAGES, STAGES, UPSTREAM, StageName, downstream, resume_plan

    # One spelling of the stage names: the literal, in pipeline order, is what the assets are.
    assert get_args(StageName) == STAGES
    assert set(JOB_STAGES) == JOB_ASSETS and set(STAGES) == JOB_ASSETS | LANG_ASSETS
    graph = defs.resolve_asset_graph()
    for stage in STAGES:
        parents = {key.to_user_string() for key in graph.get(dg.AssetKey(stage)).parent_keys}
        assert parents == UPSTREAM[stage], stage
    assert resume_plan("dubbed_speech") == ((), ("dubbed_speech", "dubbed_mix", "audio_rendition"))
    assert resume_plan("source_audio")[0] == ("source_audio", "transcript")
    assert set(downstream("source_video")) == set(STAGES)


def test_secrets_from_the_environment_reach_the_resources_by_name(monkeypatch, tmp_path):
    from dubbing_assets.configured import build_resources
    from dubbing_core.settings import DubflowSettings

    url = f"sqlite:///{tmp_path / 'app.db'}"
    monkeypatch.setenv("DUBFLOW_DATABASE_URL", url)
    monkeypatch.setenv("DUBFLOW_S3_SECRET_KEY", "s3cret")
    resources = build_resources(DubflowSettings())
    # What the Dagster UI shows is the variable's name; a run resolves the value.
    assert isinstance(resources["jobstore"].database_url, dg.EnvVar)
    assert isinstance(resources["store"].s3_secret_key, dg.EnvVar)
    with dg.build_resources({"jobstore": resources["jobstore"]}) as built:
        assert built.jobstore.database_url == url
