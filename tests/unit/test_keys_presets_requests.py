import pytest
from pydantic import ValidationError

from dubbing_core import keys
from dubbing_core.presets import PRESETS, UnknownPreset, catalog_version, get_preset
from dubbing_core.requests import JobRequest


def test_keys_are_deterministic_and_under_the_job():
    job = "01HZX3K6Y2ABCDEF"
    assert keys.transcript(job) == f"jobs/{job}/segments_src.json"
    assert keys.translation(job, "es") == f"jobs/{job}/es/segments.json"
    assert keys.speech(job, "es") == f"jobs/{job}/es/speech.wav"
    assert keys.mix(job, "ca") == f"jobs/{job}/ca/mix.m4a"
    assert keys.subtitles_vtt(job, "es") == f"jobs/{job}/es/subtitles.vtt"
    assert keys.hls_master(job) == f"jobs/{job}/hls/master.m3u8"


@pytest.mark.parametrize("bad", ["../etc", "a|b", "a,b", "a/b", "", "x" * 65, "short"])
def test_hostile_job_ids_are_refused(bad):
    with pytest.raises(ValueError):
        keys.check_job_id(bad)


def test_preset_version_changes_with_its_fields():
    default = get_preset("default")
    assert default.version == get_preset("default").version
    assert len({preset.version for preset in PRESETS.values()}) == len(PRESETS)
    assert len(catalog_version()) == 12
    with pytest.raises(UnknownPreset):
        get_preset("nope")


def test_job_request_validates_languages_presets_and_duplicates():
    ok = JobRequest(job_id="job-123456", source_name="a.mp4", targets=[{"lang": "es"}])
    assert ok.languages == ["es"] and ok.target("es").preset == "default"
    for targets in (
        [],
        [{"lang": "es"}, {"lang": "es"}],
        [{"lang": "xx"}],
        [{"lang": "es", "preset": "?"}],
    ):
        with pytest.raises((ValidationError, KeyError)):
            JobRequest(job_id="job-123456", source_name="a.mp4", targets=targets)
