import json

from dubbing_core.logs import REDACTED, get_logger, scrub


def _line(**fields) -> dict:
    lines: list[str] = []
    get_logger(sinks=[lines.append], jobId="job-1").info("stage.started", **fields)
    return json.loads(lines[0])


def test_lines_are_json_with_the_shared_fields():
    line = _line(stage="transcript", attempt=2, durationMs=15, nothing=None)
    assert line["event"] == "stage.started" and line["jobId"] == "job-1"
    assert line["stage"] == "transcript" and line["attempt"] == 2 and line["durationMs"] == 15
    assert line["level"] == "info" and line["timestamp"].endswith("Z")
    assert "nothing" not in line


def test_secrets_and_personal_data_are_scrubbed_from_text():
    text = (
        "Authorization: Bearer dfk_abcDEF123-_xyz from ana.perez+dub@example.co.uk via "
        "/v1/media/x.ts?expires=1&signature=deadbeefcafe and "
        "https://s3/b/k?X-Amz-Credential=AKIA%2F2026&X-Amz-Signature=0123abcd&x=1"
    )
    cleaned = scrub(text)
    for secret in ("dfk_abc", "ana.perez", "example.co.uk", "deadbeef", "AKIA", "0123abcd"):
        assert secret not in cleaned
    assert "expires=1" in cleaned and "x=1" in cleaned and "[email]" in cleaned


def test_secret_fields_are_redacted_at_any_depth():
    line = _line(
        headers={"Authorization": "anything", "accept": "json"},
        config={"s3": {"secret_key": "s3cr3t", "region": "eu"}, "api_key": "k"},
        recipients=["bob@example.com"],
    )
    assert line["headers"] == {"Authorization": REDACTED, "accept": "json"}
    assert line["config"] == {"s3": {"secret_key": REDACTED, "region": "eu"}, "api_key": REDACTED}
    assert line["recipients"] == ["[email]"]


def test_exceptions_are_rendered_and_scrubbed():
    lines: list[str] = []
    log = get_logger(sinks=[lines.append])
    try:
        raise RuntimeError("token for carol@example.org is dfk_zzzzzzzz")
    except RuntimeError:
        log.exception("stage.failed")
    line = json.loads(lines[0])
    assert "RuntimeError" in line["exception"]
    assert "carol@" not in lines[0] and "dfk_zzzz" not in lines[0]
