"""`GET /v1/jobs/{id}/quality`: the pipeline's per-language quality reports, as the contract."""

from dubbing_core import keys
from resources.storage import MediaStore
from tests.api.conftest import upload_file

# A report in the pipeline's format (`jobs/{job}/{lang}/quality.json`), as measured on a clip of
# two sentences; the second unit's leak and loudness could not be measured.
SPANISH_REPORT = {
    "language": "es",
    "summary": {
        "units": 2,
        "onset_within_100ms": 0.5,
        "median_onset_offset": 0.061,
        "mean_coverage": 0.94,
        "max_speed_ratio": 1.27,
        "overflow_units": 1,
        "leak": 0.031,
        "loudness_lufs": -16.2,
        "true_peak_dbtp": -1.8,
        "duration": 11.04,
    },
    "units": [
        {
            "index": 0,
            "source_start": 0.42,
            "source_end": 4.9,
            "dub_start": 0.46,
            "dub_end": 4.71,
            "onset_offset": 0.04,
            "coverage": 0.949,
            "speed_ratio": 1.0,
            "overflow": 0.0,
            "leak": 0.02,
            "loudness_lufs": -16.4,
            "source_text": "Hello and welcome.",
            "text": "Hola y bienvenidos.",
        },
        {
            "index": 1,
            "source_start": 5.6,
            "source_end": 10.1,
            "dub_start": 5.78,
            "dub_end": 10.34,
            "onset_offset": 0.18,
            "coverage": 0.93,
            "speed_ratio": 1.27,
            "overflow": 0.24,
            "leak": None,
            "loudness_lufs": None,
            "source_text": "Today we talk about rivers.",
            "text": "Hoy hablamos de ríos.",
        },
    ],
}


def _job(client, headers, upload_id):
    body = {
        "uploadId": upload_id,
        "sourceLanguage": "en",
        "targets": [{"language": "es"}, {"language": "ca"}],
    }
    response = client.post("/v1/jobs", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["id"]


def test_quality_is_empty_per_language_until_the_pipeline_measures_it(
    client, alice, settings, sample_video
):
    job = _job(client, alice, upload_file(client, alice, sample_video))
    url = f"/v1/jobs/{job}/quality"
    before = client.get(url, headers=alice)
    assert before.status_code == 200, before.text
    assert before.json() == {
        "jobId": job,
        "languages": [
            {"language": "es", "summary": None, "units": [], "untranscribed": []},
            {"language": "ca", "summary": None, "units": [], "untranscribed": []},
        ],
    }

    MediaStore(root=settings.resolved_storage_url).write_json(
        keys.quality_report(job, "es"), SPANISH_REPORT
    )
    spanish, catalan = client.get(url, headers=alice).json()["languages"]
    assert catalan == {"language": "ca", "summary": None, "units": [], "untranscribed": []}
    assert spanish["summary"] == {
        "units": 2,
        "onsetWithin100ms": 0.5,
        "medianOnsetOffset": 0.061,
        "meanCoverage": 0.94,
        "maxSpeedRatio": 1.27,
        "overflowUnits": 1,
        "leak": 0.031,
        "loudnessLufs": -16.2,
        "truePeakDbtp": -1.8,
        "duration": 11.04,
        # A report written before untranscribed speech was measured.
        "untranscribedSeconds": None,
    }
    assert [unit["onsetOffset"] for unit in spanish["units"]] == [0.04, 0.18]
    assert spanish["units"][1]["leak"] is None and spanish["units"][1]["loudnessLufs"] is None
    assert spanish["units"][0]["sourceText"] == "Hello and welcome."
    assert spanish["units"][1]["text"] == "Hoy hablamos de ríos."


def test_speech_left_undubbed_is_reported_with_its_language(client, alice, settings, sample_video):
    job = _job(client, alice, upload_file(client, alice, sample_video))
    report = {
        **SPANISH_REPORT,
        "summary": {**SPANISH_REPORT["summary"], "untranscribed_seconds": 8.42},
        "units": [{**unit, "source_language": "en"} for unit in SPANISH_REPORT["units"]],
        "untranscribed": [
            {
                "start": 10.63,
                "end": 20.96,
                "speech_seconds": 8.42,
                "language": "de",
                "reason": "untranslatable",
                "leak": 0.0,
            }
        ],
    }
    MediaStore(root=settings.resolved_storage_url).write_json(
        keys.quality_report(job, "es"), report
    )
    spanish, _ = client.get(f"/v1/jobs/{job}/quality", headers=alice).json()["languages"]
    assert spanish["summary"]["untranscribedSeconds"] == 8.42
    assert [unit["sourceLanguage"] for unit in spanish["units"]] == ["en", "en"]
    assert spanish["untranscribed"] == [
        {
            "start": 10.63,
            "end": 20.96,
            "speechSeconds": 8.42,
            "language": "de",
            "reason": "untranslatable",
            "leak": 0.0,
        }
    ]


def test_quality_of_another_users_or_a_missing_job_is_not_found(
    client, alice, bob, settings, sample_video
):
    job = _job(client, alice, upload_file(client, alice, sample_video))
    MediaStore(root=settings.resolved_storage_url).write_json(
        keys.quality_report(job, "es"), SPANISH_REPORT
    )
    for url, headers in ((f"/v1/jobs/{job}/quality", bob), ("/v1/jobs/nope/quality", alice)):
        response = client.get(url, headers=headers)
        assert response.status_code == 404 and response.json()["code"] == "job.not_found"
    assert client.get(f"/v1/jobs/{job}/quality").status_code == 401


def test_a_malformed_report_is_a_problem_not_a_crash(client, alice, settings, sample_video):
    job = _job(client, alice, upload_file(client, alice, sample_video))
    broken = {**SPANISH_REPORT, "summary": {"units": "many"}}
    MediaStore(root=settings.resolved_storage_url).write_json(
        keys.quality_report(job, "es"), broken
    )
    response = client.get(f"/v1/jobs/{job}/quality", headers=alice)
    assert response.status_code == 500
    assert response.json()["code"] == "quality.report_invalid"
