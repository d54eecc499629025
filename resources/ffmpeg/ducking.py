"""The gain the original gets under the dub: down by the preset's depth over the whole span of
each unit's source speech (first word onset to last word end) and wherever the dub sounds, at
its own level everywhere else.

A compressor keyed on the dub (the earlier design) ducks the original only while the dub is loud:
a dub shorter than the sentence it replaces leaves the sentence's tail audible, and the
compressor's ratio gives 6-10 dB where the preset asks 12. A gain envelope drawn from the units
ducks exactly the preset's depth over exactly the speech, and leaves the background between units
untouched.
"""

from collections.abc import Iterable

import numpy as np

# The envelope's sample rate: ramps of tens of milliseconds need no more; ffmpeg resamples it.
ENVELOPE_RATE = 1000
# The original is fully down this long before a unit's first onset (so the first syllable is not
# heard) and comes back this long after its end, over a short ramp (no click, no pumping).
LEAD_SECONDS = 0.05
TAIL_SECONDS = 0.1
RAMP_SECONDS = 0.04
# Two ducked spans closer than this stay ducked in between: the background would only bob up.
BRIDGE_SECONDS = 0.35


def ducked_spans(spans: Iterable[tuple[float, float]]) -> list[tuple[float, float]]:
    """The spans to duck, widened by the lead and tail and merged where they touch or nearly do."""
    merged: list[tuple[float, float]] = []
    for start, end in sorted((s - LEAD_SECONDS, e + TAIL_SECONDS) for s, e in spans if e > s):
        if merged and start - merged[-1][1] < BRIDGE_SECONDS:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((max(start, 0.0), end))
    return merged


def envelope(spans: Iterable[tuple[float, float]], duration: float, duck_db: float) -> np.ndarray:
    """Gain per 1 ms (float32): 1 outside the ducked spans, 10^(-duck_db/20) inside, with linear
    ramps that finish before each span starts and begin after it ends."""
    count = round(duration * ENVELOPE_RATE) + 1
    gain = np.ones(count, dtype=np.float32)
    floor = np.float32(10 ** (-duck_db / 20))
    ramp = max(round(RAMP_SECONDS * ENVELOPE_RATE), 1)
    down = np.linspace(1.0, floor, ramp + 1, dtype=np.float32)[1:]
    for start, end in ducked_spans(spans):
        first = round(start * ENVELOPE_RATE)
        last = min(round(end * ENVELOPE_RATE), count)
        if last <= 0 or first >= count:
            continue
        gain[max(first, 0) : last] = floor
        before = max(first - ramp, 0)
        gain[before:first] = np.minimum(gain[before:first], down[ramp - (first - before) :])
        after = min(last + ramp, count)
        gain[last:after] = np.minimum(gain[last:after], down[::-1][: after - last])
    return gain
