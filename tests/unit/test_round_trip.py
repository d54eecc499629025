"""The round-trip benchmark's word error rate (bench/round_trip.py)."""

import pytest

from bench.round_trip import word_error_rate, words


def test_words_ignore_case_and_punctuation_and_keep_elisions():
    text = "L'aigua, és BONA! Don\u2019t stop_2"
    assert words(text) == ["l'aigua", "és", "bona", "don\u2019t", "stop", "2"]


@pytest.mark.parametrize(
    ("reference", "hypothesis", "expected"),
    [
        ("Hola y bienvenidos.", "hola y bienvenidos", 0.0),
        ("hola y bienvenidos", "hola bienvenidos", 1 / 3),  # a deletion
        ("hola y bienvenidos", "hola y bienvenidos todos", 1 / 3),  # an insertion
        ("hola y bienvenidos", "ola y bienvenidos", 1 / 3),  # a substitution
        ("hola y bienvenidos", "", 1.0),
        ("hola", "permission is hereby granted", 4.0),  # the original heard instead
        ("", "", 0.0),
    ],
)
def test_word_error_rate_is_the_word_edit_distance_over_the_reference(
    reference, hypothesis, expected
):
    assert word_error_rate(reference, hypothesis) == pytest.approx(expected)
