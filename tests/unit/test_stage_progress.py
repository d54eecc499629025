"""A stage's progress reaches the database every tenth, and always at the end."""

from dubbing_assets.stage import throttled


def test_progress_is_passed_on_every_tenth_and_at_the_end():
    passed: list[float] = []
    progress = throttled(passed.append)
    for done in range(1, 31):
        progress(done / 30)
    assert passed == [3 / 30, 6 / 30, 9 / 30, 12 / 30, 15 / 30, 18 / 30, 21 / 30, 24 / 30,
                      27 / 30, 1.0]  # fmt: skip
