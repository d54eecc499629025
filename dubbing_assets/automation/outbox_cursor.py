"""The submissions sensor's place in the outbox, safe against events that commit out of order.

Outbox ids come from a sequence when the row is inserted, but rows become visible when their
transaction commits: on PostgreSQL two creates can commit in the opposite order of their ids. A
cursor that were only "the last id handled" would step over an id whose transaction had not
committed yet at that tick, and that job would never start. So the cursor is the id up to which
every event is handled (`through`), the ids above it already handled, and the ids above it not
seen yet with when they were first missed. A missing id stops `through` until it shows up or
has been missing for `GAP_SECONDS`: ids that never show up are normal too (a rolled-back
transaction uses up its id; a deleted job's events go with it). Events above a gap are handled at
once: a gap delays no job.
"""

import json
from dataclasses import dataclass, field

# Far longer than any create's transaction holds: an id still missing after this never commits.
GAP_SECONDS = 300.0
# More transactions than the API's connection pools can hold open at once: an id this far below
# the newest handled one is not in flight (e.g. a fresh cursor on an outbox whose first events
# were deleted), so it is not waited for.
IN_FLIGHT_LIMIT = 1000


@dataclass
class OutboxCursor:
    through: int = 0
    handled: set[int] = field(default_factory=set)
    missing: dict[int, float] = field(default_factory=dict)

    @classmethod
    def parse(cls, text: str | None) -> "OutboxCursor":
        if not text:
            return cls()
        if text.isdigit():  # the plain form (nothing pending above `through`)
            return cls(int(text))
        state = json.loads(text)
        return cls(
            int(state["through"]),
            {int(i) for i in state["handled"]},
            {int(i): float(t) for i, t in state["missing"].items()},
        )

    def serialize(self) -> str:
        if not self.handled and not self.missing:
            return str(self.through)
        return json.dumps(
            {
                "through": self.through,
                "handled": sorted(self.handled),
                "missing": {str(i): t for i, t in sorted(self.missing.items())},
            },
            separators=(",", ":"),
        )

    def is_new(self, event_id: int) -> bool:
        return event_id > self.through and event_id not in self.handled

    def advance(self, handled_ids: list[int], now: float) -> None:
        """Records the ids handled this tick, notes the gaps below them, and moves `through`
        over every id handled or given up on."""
        self.handled.update(handled_ids)
        for event_id in handled_ids:
            self.missing.pop(event_id, None)
        top = max(self.handled, default=self.through)
        lowest_in_flight = top - IN_FLIGHT_LIMIT
        if self.through < lowest_in_flight - 1:
            self.through = lowest_in_flight - 1
            self.handled = {i for i in self.handled if i > self.through}
            self.missing = {i: t for i, t in self.missing.items() if i > self.through}
        for event_id in range(self.through + 1, top):
            if event_id not in self.handled:
                self.missing.setdefault(event_id, now)
        while True:
            following = self.through + 1
            if following in self.handled:
                self.handled.remove(following)
            elif following in self.missing and now - self.missing[following] >= GAP_SECONDS:
                del self.missing[following]
            else:
                break
            self.through = following
