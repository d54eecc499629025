"""`GET /v1/voices`: the voices this installation can speak with (the test machine has the piper
voice package and espeak-ng installed, as `make setup` installs them)."""


def test_installed_voices_per_language_with_engine_quality_and_licence(client, alice):
    response = client.get("/v1/voices", headers=alice)
    assert response.status_code == 200, response.text
    voices = {voice["id"]: voice for voice in response.json()}
    assert voices["en_US-joe-medium"] == {
        "id": "en_US-joe-medium",
        "language": "en",
        "engine": "piper",
        "quality": "neural (piper medium): natural",
        "licence": "MIT package, CC0 voice dataset",
        "default": True,
    }
    assert voices["espeak-es"]["engine"] == "espeak-ng"
    assert voices["espeak-es"]["licence"] == "GPL-3.0-or-later" and voices["espeak-es"]["default"]
    assert not voices["espeak-en"]["default"]
    spanish = client.get("/v1/voices", params={"language": "es"}, headers=alice).json()
    assert [voice["id"] for voice in spanish] == ["espeak-es"]
    assert client.get("/v1/voices").status_code == 401
