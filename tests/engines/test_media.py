"""The ffmpeg functions on real media built by ffmpeg from the real recordings."""

import json
import subprocess
from pathlib import Path

import numpy as np
import pytest

from dubbing_assets import quality
from resources.ffmpeg import audio, hls, mix, probe
from resources.ffmpeg.errors import MediaError
from resources.ffmpeg.run import run_args
from resources.media import Media
from resources.wav import WavTimeline, WavTrack
from testing.media import MEDIA, make_video


@pytest.fixture(scope="module")
def h264(tmp_path_factory):
    return make_video(
        tmp_path_factory.mktemp("m") / "h264.mp4", MEDIA / "multilingual.mp3", seconds=8
    )


@pytest.fixture(scope="module")
def mpeg4(tmp_path_factory):
    """An MPEG-4 Part 2 video: HLS needs it re-encoded."""
    path = tmp_path_factory.mktemp("m") / "mpeg4.mkv"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-f",
            "lavfi",
            "-i",
            "testsrc2=size=320x180:rate=25",
            "-i",
            str(MEDIA / "stereo_diarization.wav"),
            "-t",
            "4",
            "-c:v",
            "mpeg4",
            "-c:a",
            "libopus",
            str(path),
        ],
        check=True,
    )
    return path


def write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    with WavTimeline(path, rate, len(samples)) as timeline:
        timeline.add(0, samples)


def first_pts(path: Path) -> float:
    completed = subprocess.run(
        [
            "ffprobe",
            "-v",
            "error",
            "-show_entries",
            "packet=pts_time",
            "-read_intervals",
            "%+#1",
            "-of",
            "json",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(json.loads(completed.stdout)["packets"][0]["pts_time"])


def test_probe_reads_streams(h264):
    info = probe.validate_source(h264, max_duration_s=60)
    assert (
        info.video
        and info.video.codec == "h264"
        and (info.video.width, info.video.height) == (320, 180)
    )
    assert info.audio and info.audio.codec == "aac" and info.audio.sample_rate == 48000
    assert info.duration == pytest.approx(8.0, abs=0.1)
    assert probe.h264_codec_string(info.video.profile, info.video.level).startswith("avc1.")


def test_codec_strings():
    assert probe.h264_codec_string("High", 31) == "avc1.64001f"
    assert probe.h264_codec_string("Main", 30) == "avc1.4d401e"
    assert probe.h264_codec_string("Constrained Baseline", 21) == "avc1.42e015"


def test_truncated_faststart_file_is_detected(tmp_path, h264):
    faststart = tmp_path / "fast.mp4"
    subprocess.run(
        [
            "ffmpeg",
            "-v",
            "error",
            "-i",
            str(h264),
            "-c",
            "copy",
            "-movflags",
            "+faststart",
            str(faststart),
        ],
        check=True,
    )
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(faststart.read_bytes()[: faststart.stat().st_size // 2])
    with pytest.raises(MediaError) as error:
        probe.validate_source(cut, max_duration_s=60)
    assert error.value.code == "source.truncated"


def test_h264_is_stream_copied_into_hls_starting_at_its_first_picture(tmp_path, h264):
    package = hls.package_video_hls(h264, tmp_path / "v", segment_seconds=2)
    source = probe.probe(h264).video
    assert source is not None
    assert package.stream_copied
    assert package.codecs_video == probe.h264_codec_string(source.profile, source.level)
    assert package.bandwidth_bps > 0 and (package.width, package.height) == (320, 180)
    segments = sorted((tmp_path / "v").glob("seg_*.ts"))
    assert len(segments) >= 3
    assert first_pts(segments[0]) == pytest.approx(0.0, abs=0.1)
    assert package.start_seconds == first_pts(segments[0])
    assert "#EXT-X-ENDLIST" in (tmp_path / "v" / "index.m3u8").read_text()


def test_other_codecs_are_re_encoded_to_h264(tmp_path, mpeg4):
    package = hls.package_video_hls(mpeg4, tmp_path / "v", segment_seconds=2)
    assert not package.stream_copied
    assert probe.probe(tmp_path / "v" / "seg_00000.ts").video.codec == "h264"  # type: ignore[union-attr]


def test_audio_rendition_and_mp4(tmp_path, h264):
    full = tmp_path / "full.wav"
    speech = tmp_path / "speech.wav"
    audio.extract_full_audio(h264, full)
    audio.extract_speech_audio(h264, speech)
    assert probe.probe(speech).audio == probe.AudioStream("pcm_s16le", 16000, 1)
    assert probe.probe(full).audio == probe.AudioStream("pcm_s16le", 48000, 2)
    m4a = tmp_path / "mix.m4a"
    # A mix longer than its audio (a video whose sound stops early) is padded to length.
    report = mix.mix_dub(
        full, speech, m4a, duck_spans=[(1.0, 3.0)], length=9.5, duck_db=12, target_lufs=-16
    )
    assert abs(report.integrated_lufs + 16) <= 1.0 and report.true_peak <= -1.5
    assert abs(mix.measure_loudness(m4a) + 16) <= 1.0
    assert report.duration_s == pytest.approx(9.5, abs=0.03)
    assert report.momentary and report.momentary[-1][0] == pytest.approx(9.5, abs=0.15)
    package = hls.package_audio_hls(m4a, tmp_path / "a", segment_seconds=2, start_seconds=0.08)
    assert package.bandwidth_bps > 0
    first = sorted((tmp_path / "a").glob("seg_*.ts"))[0]
    # The AAC priming frame (1024 samples) comes first: the sound itself starts at 0.08 s.
    assert first_pts(first) + 1024 / 48000 == pytest.approx(0.08, abs=0.002)
    hls.mux_mp4(h264, m4a, tmp_path / "out.mp4", "spa")
    out = probe.probe(tmp_path / "out.mp4")
    assert out.video and out.video.codec == "h264" and out.audio and out.audio.codec == "aac"


def test_ducking_lowers_the_original_under_speech(tmp_path, h264):
    full = tmp_path / "full.wav"
    audio.extract_full_audio(h264, full)
    rate = 22050
    tone = 0.3 * np.sin(2 * np.pi * 220 * np.arange(8 * rate) / rate).astype(np.float32)
    tone[: 4 * rate] = 0  # speech only in the second half
    voice = tmp_path / "voice.wav"
    write_wav(voice, tone, rate)
    light, heavy = tmp_path / "light.m4a", tmp_path / "heavy.m4a"
    for path, depth in ((light, 3.0), (heavy, 20.0)):
        mix.mix_dub(full, voice, path, duck_spans=[(4.0, 8.0)], length=8.0, duck_db=depth)

    # the dub is a 220 Hz tone: the original's level above 1 kHz shows how much it was ducked
    def ducked_db(path: Path) -> float:
        samples = audio.read_wav_mono(path, 8000)

        def high_band(part: np.ndarray) -> float:
            spectrum = np.abs(np.fft.rfft(part)) ** 2
            return float(spectrum[np.fft.rfftfreq(len(part), 1 / 8000) > 1000].sum())

        return 10 * np.log10(high_band(samples[36000:60000]) / high_band(samples[8000:32000]))

    # The preset's depth is what the listener gets: 17 dB between a 3 dB and a 20 dB duck.
    assert ducked_db(heavy) - ducked_db(light) == pytest.approx(-17.0, abs=1.5)


def test_a_short_mix_reaches_the_target_and_a_silent_one_fails_with_its_code(tmp_path, h264):
    full = tmp_path / "full.wav"
    audio.extract_full_audio(h264, full)
    short = tmp_path / "short.wav"
    run_args(["-v", "error", "-i", str(full), "-t", "2.4", str(short)])
    report = mix.mix_dub(short, short, tmp_path / "short.m4a", duck_spans=[], length=2.4)
    assert abs(report.integrated_lufs + 16) <= 1.0 and report.true_peak <= -1.5
    silent = tmp_path / "silent.wav"
    write_wav(silent, np.zeros(48000 * 2, np.float32), 48000)
    with pytest.raises(MediaError) as raised:
        mix.mix_dub(silent, silent, tmp_path / "silent.m4a", duck_spans=[], length=2.0)
    assert raised.value.code == mix.LOUDNESS_OUT_OF_RANGE


def test_time_stretch_keeps_pitch_and_shortens(tmp_path):
    rate = 22050
    samples = 0.5 * np.sin(2 * np.pi * 440 * np.arange(2 * rate) / rate).astype(np.float32)
    for ratio in (1.25, 2.5):
        stretched = audio.time_stretch(samples, rate, ratio)
        assert len(stretched) / len(samples) == pytest.approx(1 / ratio, rel=0.03)
        spectrum = np.abs(np.fft.rfft(stretched))
        assert np.fft.rfftfreq(len(stretched), 1 / rate)[spectrum.argmax()] == pytest.approx(
            440, abs=5
        )


def test_trim_silence():
    rate = 16000
    samples = np.concatenate([np.zeros(rate // 2), 0.3 * np.ones(rate), np.zeros(rate // 4)])
    trimmed, lead = audio.trim_silence(samples.astype(np.float32), rate)
    assert lead == pytest.approx(0.5, abs=0.011) and len(trimmed) == pytest.approx(rate, abs=160)
    silent, _ = audio.trim_silence(np.zeros(rate, np.float32), rate)
    assert len(silent) == 0


def test_a_wav_track_reads_by_slice_what_the_file_decodes_to_and_levels_stream_from_it(tmp_path):
    """The transcript stage's speech track, read by slice: the same samples as ffmpeg decodes,
    and the same foreground levels as from the samples held whole (read a minute at a time)."""
    speech = tmp_path / "speech.wav"
    run_args(["-v", "error", "-i", str(MEDIA / "multilingual.mp3"), "-t", "75",
              "-ar", "16000", "-ac", "1", "-c:a", "pcm_s16le", str(speech)])  # fmt: skip
    whole = audio.read_wav_mono(speech, quality.RATE)
    track = WavTrack(speech)
    assert len(track) == len(whole) and track.rate == quality.RATE
    assert np.array_equal(track[:], whole)
    assert np.array_equal(track[12345:987654], whole[12345:987654])
    assert np.array_equal(track[len(whole) - 10 : len(whole) + 10], whole[-10:])
    assert len(track[500:400]) == 0
    levels = quality.foreground_levels(track)
    assert len(levels) == len(whole) // 160
    assert np.array_equal(levels, quality.foreground_levels(whole))
    with pytest.raises(ValueError, match="not a 16-bit mono WAV"):
        WavTrack(MEDIA / "stereo_diarization.wav")


def test_a_decoded_track_on_disk_reads_as_the_samples_decoded_whole(tmp_path, h264):
    """The quality report's dub and mix, decoded to files and read a minute at a time: the same
    samples, levels and leak as held whole."""
    media = Media()
    whole = audio.read_wav_mono(h264, quality.RATE)
    track = media.decode_track(h264, tmp_path / "mix.f32", quality.RATE)
    assert len(track) == len(whole) and np.array_equal(track[:], whole)
    assert np.array_equal(track[100:16_000], whole[100:16_000])
    assert np.array_equal(quality.frame_levels(track), quality.frame_levels(whole))
    long = np.tile(whole, 10)  # past a minute: read in blocks, as whole
    count = len(long) // 160
    frames = long[: count * 160].reshape(count, 160).astype(np.float64)
    held_whole = 20 * np.log10(np.sqrt((frames**2).mean(axis=1)) + 1e-9)
    assert np.array_equal(quality.frame_levels(long), held_whole)
    held = quality.measure_leak(whole, whole * 0.1, whole)
    read = quality.measure_leak(track, track[:] * 0.1, track)
    assert np.array_equal(held.leaking_frames, read.leaking_frames)
    assert held.duck_db == read.duck_db


def test_a_timeline_is_written_in_blocks_with_silence_between_its_pieces_clipped_to_16_bits(
    tmp_path,
):
    piece = np.random.default_rng(7).uniform(-1.2, 1.2, 2_500_000).astype(np.float32)
    with WavTimeline(tmp_path / "long.wav", 16_000, 2_000_000) as timeline:
        timeline.add(100, piece[:1000])
        timeline.add(1100, piece)  # cut at the timeline's end
        with pytest.raises(ValueError, match="before the end of the last piece"):
            timeline.add(2000, piece)
    written = WavTrack(tmp_path / "long.wav")[:]
    quantized = (np.clip(piece, -1.0, 1.0) * 32767).astype("<i2").astype(np.float32) / 32768
    assert len(written) == 2_000_000 and not written[:100].any()
    assert np.array_equal(written[100:1100], quantized[:1000])
    assert np.array_equal(written[1100:], quantized[: 2_000_000 - 1100])
