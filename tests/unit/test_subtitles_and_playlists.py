import itertools

import pytest

from dubbing_assets import playlists
from dubbing_assets.subtitles import cues_for, to_srt, to_webvtt


def test_long_segment_is_split_into_cues_sharing_its_time():
    text = "una frase bastante larga " * 8
    cues = cues_for([(10.0, 18.0, text)], max_chars=30, max_lines=2)
    assert len(cues) > 1
    assert cues[0].start == 10.0 and cues[-1].end == pytest.approx(18.0, abs=0.002)
    for before, after in itertools.pairwise(cues):
        assert before.end == pytest.approx(after.start, abs=0.002)
    assert all(len(line) <= 30 for cue in cues for line in cue.lines)
    assert all(len(cue.lines) <= 2 for cue in cues)


def test_webvtt_and_srt_timestamps():
    cues = cues_for([(61.5, 3725.25, "Hola")])
    vtt = to_webvtt(cues)
    assert vtt.startswith("WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:0,LOCAL:00:00:00.000\n\n")
    assert "00:01:01.500 --> 01:02:05.250\nHola" in vtt
    assert to_srt(cues) == "1\n00:01:01,500 --> 01:02:05,250\nHola\n"
    # Media playlists starting at the video's first picture, 80 ms in: cue time 0 maps there.
    assert to_webvtt(cues, 0.08).startswith("WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:7200,LOCAL:00:00")


def test_master_playlist_lists_every_language_with_codecs():
    video = playlists.VideoRendition("video/index.m3u8", 800_000, "avc1.64001f,mp4a.40.2", 640, 360)
    tracks = [
        playlists.LanguageTracks(
            "es", "Español", "audio/es/index.m3u8", 160_000, "subs/es/index.m3u8"
        ),
        playlists.LanguageTracks("ca", "Català", "audio/ca/index.m3u8", 150_000, None),
    ]
    text = playlists.master_playlist(video, tracks)
    assert text.count("TYPE=AUDIO") == 2 and text.count("TYPE=SUBTITLES") == 1
    assert 'LANGUAGE="es",NAME="Español",DEFAULT=YES' in text
    assert 'LANGUAGE="ca",NAME="Català",DEFAULT=NO' in text
    stream = next(line for line in text.splitlines() if line.startswith("#EXT-X-STREAM-INF"))
    assert 'CODECS="avc1.64001f,mp4a.40.2"' in stream and "BANDWIDTH=960000" in stream
    assert 'SUBTITLES="subs"' in stream and "RESOLUTION=640x360" in stream
    assert text.rstrip().endswith("video/index.m3u8")


def test_master_playlist_needs_a_language():
    video = playlists.VideoRendition("v.m3u8", 1, "avc1.64001f,mp4a.40.2", 1, 1)
    with pytest.raises(ValueError):
        playlists.master_playlist(video, [])


def test_subtitle_playlist_is_a_single_segment_vod():
    text = playlists.subtitle_playlist("subtitles.vtt", 29.4)
    assert "#EXT-X-TARGETDURATION:30" in text and "#EXTINF:29.400,\nsubtitles.vtt" in text
    assert text.rstrip().endswith("#EXT-X-ENDLIST")
