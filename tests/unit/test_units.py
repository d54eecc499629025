"""Sentence-level units from word timestamps (dubbing_assets/units.py)."""

import numpy as np

from dubbing_assets.units import build_units, silences, snap_to_speech, windows, words_of


def segment(*words: tuple[float, float, str]) -> dict:
    return {
        "start": words[0][0],
        "end": words[-1][1],
        "text": " ".join(w[2] for w in words),
        "words": [{"start": s, "end": e, "word": f" {t}"} for s, e, t in words],
    }


def test_a_segment_of_two_sentences_becomes_two_units_starting_at_their_first_words():
    units = build_units(
        [
            segment(
                (0.5, 0.8, "Hello"), (0.85, 1.2, "there,"), (1.25, 1.6, "my"),
                (1.65, 2.0, "friends."), (2.1, 2.4, "Today"), (2.45, 2.8, "we"),
                (2.85, 3.3, "dub."),
            )
        ]
    )  # fmt: skip
    assert [unit.text for unit in units] == ["Hello there, my friends.", "Today we dub."]
    assert [(unit.start, unit.end) for unit in units] == [(0.5, 2.0), (2.1, 3.3)]


def test_a_pause_ends_a_unit_and_a_sentence_across_segments_is_one_unit():
    units = build_units(
        [
            segment((0.0, 0.4, "We"), (0.45, 0.9, "began"), (0.95, 1.4, "early")),
            segment((1.45, 1.9, "that"), (1.95, 2.4, "morning"), (2.45, 2.9, "anyway")),
            segment((3.5, 3.9, "Then"), (3.95, 4.3, "rain"), (4.35, 4.8, "came.")),
        ]
    )
    assert [unit.text for unit in units] == [
        "We began early that morning anyway",
        "Then rain came.",
    ]
    assert units[1].start == 3.5


def test_fragments_join_a_neighbour_and_long_runs_are_split_at_the_widest_pause():
    units = build_units(
        [
            segment((0.0, 0.3, "Well,")),
            segment((0.5, 0.9, "this"), (0.95, 1.3, "is"), (1.35, 1.8, "fine.")),
        ]
    )
    assert [unit.text for unit in units] == ["Well, this is fine."]
    units = build_units([segment((0.0, 0.4, "Fine."), (0.5, 0.9, "The"), (0.95, 1.3, "horizon."))])
    assert [unit.text for unit in units] == ["Fine.", "The horizon."]

    words = [(i * 0.5, i * 0.5 + 0.4, f"w{i}") for i in range(40)]
    words[20] = (10.15, 10.4, "w20")  # a 0.25 s pause before w20: the widest one
    units = build_units([segment(*words)], max_seconds=12.0)
    assert [len(unit.words) for unit in units] == [20, 20]
    assert all(unit.duration <= 12.0 for unit in units)


def test_segments_without_words_count_as_one_word():
    words = words_of([{"start": 1.0, "end": 2.0, "text": "Hi there."}])
    assert [(w.start, w.end, w.text) for w in words] == [(1.0, 2.0, "Hi there.")]
    assert build_units([]) == []


def test_snapping_moves_edges_onto_the_speech_within_reach():
    unit = build_units([segment((1.0, 1.3, "One"), (1.35, 1.7, "two"), (1.75, 2.0, "three."))])
    active = np.zeros(400, dtype=bool)  # 10 ms frames
    active[85:230] = True  # speech really runs 0.85..2.30 s
    (snapped,) = snap_to_speech(unit, active, 0.01)
    assert (snapped.start, snapped.end) == (0.85, 2.3)

    active[:] = False
    active[112:190] = True  # Whisper was early and late: speech only 1.12..1.90 s
    (snapped,) = snap_to_speech(unit, active, 0.01)
    assert (snapped.start, snapped.end) == (1.12, 1.9)

    active[:] = False
    active[20:300] = True  # speech far beyond reach on both sides: Whisper's edges stay
    (snapped,) = snap_to_speech(unit, active, 0.01)
    assert (snapped.start, snapped.end) == (1.0, 2.0)


def test_a_unit_opened_in_the_tail_of_the_previous_one_starts_at_its_own_speech():
    units = build_units(
        [
            segment(
                (0.5, 1.0, "Who"), (1.0, 1.5, "left."), (1.5, 2.9, "The"), (2.9, 3.4, "horizon.")
            ),
        ]
    )
    active = np.zeros(400, dtype=bool)
    active[50:170] = True  # the first sentence really ends at 1.7 s
    active[260:340] = True  # the second starts at 2.6 s, inside Whisper's long "The"
    first, second = snap_to_speech(units, active, 0.01)
    assert (first.start, first.end) == (0.5, 1.7)
    assert (second.start, second.end) == (2.6, 3.4)


def test_a_pause_in_the_audio_ends_a_unit_where_whisper_saw_none():
    words = [(0.0, 0.5, "We"), (0.5, 1.0, "began"), (1.0, 1.9, "early"), (1.9, 2.4, "then"),
             (2.4, 2.9, "we"), (2.9, 3.4, "stopped")]  # fmt: skip
    active = np.ones(400, dtype=bool)
    active[150:190] = False  # 1.5..1.9 s: silence inside Whisper's "early"
    pauses = silences(active, 0.01, 0.3)
    assert pauses == [(1.5, 1.9)]
    units = build_units([segment(*words)], silent=pauses)
    assert [unit.text for unit in units] == ["We began early", "then we stopped"]
    assert len(build_units([segment(*words)])) == 1


def test_windows_are_cut_in_the_middle_of_the_longest_pause_of_their_second_half():
    pauses = [(10.0, 10.5), (70.0, 71.0), (100.0, 102.0), (150.0, 150.4), (200.0, 201.0)]
    # 100-102 s is the longest pause in 60-120 s; 200-201 s the one in 161-221 s (150-150.4 s,
    # in the first half of the second window, is not chosen).
    assert windows(pauses, 300.0, 120.0) == [(0.0, 101.0), (101.0, 200.5), (200.5, 300.0)]


def test_windows_without_a_pause_are_cut_at_the_longest_and_a_short_track_is_one_window():
    assert windows([(10.0, 12.0)], 250.0, 100.0) == [(0.0, 100.0), (100.0, 200.0), (200.0, 250.0)]
    assert windows([(10.0, 12.0)], 90.0, 100.0) == [(0.0, 90.0)]
    # A pause reaching past the window's end is cut in the middle of its part inside.
    assert windows([(90.0, 130.0)], 150.0, 100.0) == [(0.0, 95.0), (95.0, 150.0)]
