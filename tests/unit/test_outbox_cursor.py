"""The submissions sensor's outbox cursor: out-of-order commits, gaps that never fill."""

from dubbing_assets.automation.outbox_cursor import GAP_SECONDS, IN_FLIGHT_LIMIT, OutboxCursor


def test_contiguous_ids_keep_the_plain_form():
    cursor = OutboxCursor.parse("4")
    cursor.advance([5, 6, 7], now=100.0)
    assert cursor.serialize() == "7"


def test_a_gap_holds_the_cursor_until_its_event_arrives():
    cursor = OutboxCursor.parse("1")
    cursor.advance([3, 4], now=100.0)
    assert cursor.through == 1 and cursor.missing == {2: 100.0}
    again = OutboxCursor.parse(cursor.serialize())
    assert not again.is_new(3) and not again.is_new(4) and again.is_new(2)
    again.advance([2], now=101.0)
    assert again.serialize() == "4"


def test_a_gap_that_never_fills_is_given_up_after_its_time():
    cursor = OutboxCursor.parse("1")
    cursor.advance([3], now=100.0)
    cursor.advance([], now=100.0 + GAP_SECONDS - 1)
    assert cursor.through == 1
    cursor.advance([], now=100.0 + GAP_SECONDS)
    assert cursor.serialize() == "3"


def test_ids_far_below_the_newest_are_not_waited_for():
    cursor = OutboxCursor.parse("0")
    cursor.advance([50_000], now=100.0)
    assert cursor.through == 50_000 - IN_FLIGHT_LIMIT - 1
    assert len(cursor.missing) == IN_FLIGHT_LIMIT
    assert not cursor.is_new(10)
