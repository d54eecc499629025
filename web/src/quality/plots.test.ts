import type { QualityUnit } from "@dubflow/shared";

import { isOffTime, plotDuration, speedRatioBins, timeScale, timeTicks } from "./plots";

function unit(extra: Partial<QualityUnit> = {}): QualityUnit {
  return {
    index: 0,
    sourceStart: 1,
    sourceEnd: 3,
    dubStart: 1.05,
    dubEnd: 2.9,
    onsetOffset: 0.05,
    coverage: 0.93,
    speedRatio: 1,
    overflow: 0,
    leak: null,
    loudnessLufs: null,
    sourceText: "Hello.",
    text: "Hola.",
    ...extra,
  };
}

describe("the quality plots' arithmetic", () => {
  it("scales seconds onto the plot, clamped to its ends", () => {
    const x = timeScale(10, 500);
    expect([x(0), x(2.5), x(10), x(-1), x(12)]).toEqual([0, 125, 500, 0, 500]);
    expect(timeScale(0, 100)(0)).toBe(0);
  });

  it("puts round ticks on the time axis", () => {
    expect(timeTicks(11)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(timeTicks(540)).toEqual([0, 120, 240, 360, 480]);
    expect(timeTicks(2.4)).toEqual([0, 0.5, 1, 1.5, 2]);
  });

  it("bins speed ratios, boundaries to the bin they start, gaps kept", () => {
    expect(speedRatioBins([1, 1, 1.04, 1.15, 1.3])).toEqual([
      { from: 1, to: 1.05, count: 3 },
      { from: 1.05, to: 1.1, count: 0 },
      { from: 1.1, to: 1.15, count: 0 },
      { from: 1.15, to: 1.2, count: 1 },
      { from: 1.2, to: 1.25, count: 0 },
      { from: 1.25, to: 1.3, count: 0 },
      { from: 1.3, to: 1.35, count: 1 },
    ]);
    expect(speedRatioBins([0.92], 0.1)).toEqual([{ from: 0.9, to: 1, count: 1 }]);
    expect(speedRatioBins([])).toEqual([]);
  });

  it("flags units that start more than 100 ms off or overflow their slot", () => {
    expect(isOffTime(unit())).toBe(false);
    expect(isOffTime(unit({ onsetOffset: -0.15 }))).toBe(true);
    expect(isOffTime(unit({ overflow: 0.2 }))).toBe(true);
  });

  it("lets the time axis cover a dub that runs past the end of the mix", () => {
    expect(plotDuration([unit({ dubEnd: 12.5 })], 12)).toBe(12.5);
    expect(plotDuration([unit()], 12)).toBe(12);
  });
});
