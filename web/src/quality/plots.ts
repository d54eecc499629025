import type { QualityUnit } from "@dubflow/shared";

/** The arithmetic of the quality plots, apart from their drawing. */

/** The plots' colours: Mantine's palette at shades with at least 3:1 contrast on the light
 * background. */
export const PLOT_COLORS = {
  text: "var(--mantine-color-text)",
  source: "var(--mantine-color-gray-7)",
  dub: "var(--mantine-color-blue-7)",
  offTime: "var(--mantine-color-red-8)",
} as const;

/** Maps seconds to x on a plot `width` wide that shows 0..`duration`. */
export function timeScale(duration: number, width: number): (seconds: number) => number {
  const span = duration > 0 ? duration : 1;
  return (seconds) => (Math.min(Math.max(seconds, 0), span) / span) * width;
}

/** Round tick positions (seconds) for an axis 0..`duration`, about `target` of them. */
export function timeTicks(duration: number, target = 6): number[] {
  if (duration <= 0) {
    return [0];
  }
  const steps = [0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];
  const step = steps.find((candidate) => duration / candidate <= target) ?? 7200;
  const ticks = [];
  for (let tick = 0; tick <= duration + 1e-9; tick += step) {
    ticks.push(Number(tick.toFixed(3)));
  }
  return ticks;
}

export interface Bin {
  from: number;
  to: number;
  count: number;
}

/**
 * Speed ratios counted in bins `width` wide, aligned to multiples of `width`, from the lowest
 * ratio's bin to the highest's (empty bins included, so gaps show). A ratio on a boundary goes
 * to the bin it starts.
 */
export function speedRatioBins(ratios: number[], width = 0.05): Bin[] {
  if (ratios.length === 0) {
    return [];
  }
  // Rounded before flooring: 1.15 / 0.05 is 22.999… in floating point.
  const index = (ratio: number) => Math.floor(Number((ratio / width).toFixed(6)));
  const first = Math.min(...ratios.map(index));
  const last = Math.max(...ratios.map(index));
  const bins: Bin[] = [];
  for (let i = first; i <= last; i += 1) {
    bins.push({
      from: Number((i * width).toFixed(6)),
      to: Number(((i + 1) * width).toFixed(6)),
      count: 0,
    });
  }
  for (const ratio of ratios) {
    const bin = bins[index(ratio) - first];
    if (bin) {
      bin.count += 1;
    }
  }
  return bins;
}

/** A unit whose dub starts more than 100 ms off its source speech, or runs past its slot. */
export function isOffTime(unit: QualityUnit): boolean {
  return Math.abs(unit.onsetOffset) > 0.1 || unit.overflow > 0;
}

/** The end of the plot's time axis: the mix, or the last thing drawn if that is later. */
export function plotDuration(units: QualityUnit[], duration: number): number {
  return Math.max(duration, ...units.map((unit) => Math.max(unit.sourceEnd, unit.dubEnd)));
}
