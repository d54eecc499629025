from urllib.parse import parse_qs, urlparse

from tests.api.conftest import upload_file


def _create(client, headers, size, name="clip.mp4", **extra):
    body = {"filename": name, "contentType": "video/mp4", "sizeBytes": size}
    return client.post("/v1/uploads", json=body, headers={**headers, **extra})


def test_chunked_upload_resume_and_complete(client, alice, sample_video):
    data = sample_video.read_bytes()
    session = _create(client, alice, len(data)).json()
    assert session["partCount"] == len(session["parts"]) > 1
    first = session["parts"][0]
    response = client.put(first["url"], content=data[: first["sizeBytes"]])
    assert response.status_code == 200 and response.headers["ETag"].startswith('"')

    state = client.get(f"/v1/uploads/{session['id']}", headers=alice).json()
    assert [p["partNumber"] for p in state["receivedParts"]] == [1]
    assert state["missingParts"] == list(range(2, session["partCount"] + 1))

    etags = {1: response.headers["ETag"]}
    offset = first["sizeBytes"]
    for part in session["parts"][1:]:
        chunk = data[offset : offset + part["sizeBytes"]]
        offset += part["sizeBytes"]
        etags[part["partNumber"]] = client.put(part["url"], content=chunk).headers["ETag"]
    parts = [{"partNumber": n, "etag": e} for n, e in etags.items()]
    done = client.post(
        f"/v1/uploads/{session['id']}/complete", json={"parts": parts}, headers=alice
    )
    assert done.status_code == 200, done.text
    body = done.json()
    assert body["status"] == "completed" and body["media"]["videoCodec"] == "h264"
    assert body["media"]["durationSeconds"] > 5

    again = client.post(
        f"/v1/uploads/{session['id']}/complete", json={"parts": parts}, headers=alice
    )
    assert again.status_code == 409 and again.json()["code"] == "upload.already_completed"


def test_upload_over_the_limit_is_refused(client, alice):
    response = _create(client, alice, 51 * 1024 * 1024)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "upload.too_large"


def test_part_errors(client, alice, settings):
    session = _create(client, alice, 100_000).json()
    url = session["parts"][0]["url"]
    wrong_size = client.put(url, content=b"x" * 10)
    assert wrong_size.json()["code"] == "upload.part_size_mismatch"
    parsed = urlparse(url)
    query = parse_qs(parsed.query)
    out_of_range = client.put(
        f"/v1/uploads/{session['id']}/parts/99", params={k: v[0] for k, v in query.items()}
    )
    assert out_of_range.status_code == 403  # the signature covers the part number
    tampered = client.put(
        parsed.path + "?expires=" + query["expires"][0] + "&signature=00", content=b"x"
    )
    assert tampered.status_code == 403 and tampered.json()["code"] == "url.signature_invalid"
    expired = client.put(
        parsed.path + "?expires=1&signature=" + query["signature"][0], content=b"x"
    )
    assert expired.status_code == 403


def test_complete_needs_every_part_with_its_etag(client, alice, sample_video):
    data = sample_video.read_bytes()[:150_000]
    session = _create(client, alice, len(data)).json()
    offset, parts = 0, []
    for part in session["parts"]:
        chunk = data[offset : offset + part["sizeBytes"]]
        offset += part["sizeBytes"]
        parts.append(
            {
                "partNumber": part["partNumber"],
                "etag": client.put(part["url"], content=chunk).headers["ETag"],
            }
        )
    url = f"/v1/uploads/{session['id']}/complete"
    missing = client.post(url, json={"parts": parts[:-1]}, headers=alice)
    assert missing.status_code == 400 and missing.json()["code"] == "upload.parts_missing"
    wrong = [dict(parts[0], etag='"0000"'), *parts[1:]]
    mismatch = client.post(url, json={"parts": wrong}, headers=alice)
    assert mismatch.json()["code"] == "upload.etag_mismatch"
    beyond = client.post(
        url, json={"parts": [*parts, {"partNumber": 99, "etag": "x"}]}, headers=alice
    )
    assert beyond.json()["code"] == "upload.part_out_of_range"
    state = client.get(f"/v1/uploads/{session['id']}", headers=alice).json()
    assert state["status"] == "pending" and state["missingParts"] == []  # nothing changed


def test_non_media_upload_is_rejected(client, alice, tmp_path):
    notes = tmp_path / "notes.mp4"
    notes.write_bytes(b"just some text, not a video\n" * 2000)
    data = notes.read_bytes()
    session = _create(client, alice, len(data)).json()
    offset, parts = 0, []
    for part in session["parts"]:
        chunk = data[offset : offset + part["sizeBytes"]]
        offset += part["sizeBytes"]
        parts.append(
            {
                "partNumber": part["partNumber"],
                "etag": client.put(part["url"], content=chunk).headers["ETag"],
            }
        )
    response = client.post(
        f"/v1/uploads/{session['id']}/complete", json={"parts": parts}, headers=alice
    )
    assert response.status_code == 422 and response.json()["code"] == "upload.not_media"
    assert client.get(f"/v1/uploads/{session['id']}", headers=alice).json()["status"] == "rejected"


def test_abort_and_idempotent_create(client, alice):
    key = {"Idempotency-Key": "abc-123"}
    first = _create(client, alice, 1000, **key).json()
    second = _create(client, alice, 1000, **key).json()
    assert first["id"] == second["id"]
    conflict = _create(client, alice, 2000, **key)
    assert conflict.status_code == 409 and conflict.json()["code"] == "idempotency.conflict"
    assert client.delete(f"/v1/uploads/{first['id']}", headers=alice).status_code == 204
    assert client.get(f"/v1/uploads/{first['id']}", headers=alice).json()["status"] == "aborted"


def test_uploads_are_private(client, alice, bob, sample_video):
    upload_id = upload_file(client, alice, sample_video)
    response = client.get(f"/v1/uploads/{upload_id}", headers=bob)
    assert response.status_code == 404 and response.json()["code"] == "upload.not_found"
