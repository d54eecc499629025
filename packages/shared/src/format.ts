/** Numbers as people read them. */

export function formatBytes(bytes: number): string {
  const units = ["B", "KB", "MB", "GB", "TB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 || value >= 100 ? 0 : 1)} ${units[unit]}`;
}

export function formatSeconds(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) {
    return "–";
  }
  if (seconds < 60) {
    return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  }
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds % 60)} s`;
}

export function formatPercent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) {
    return "–";
  }
  return new Date(iso).toLocaleString(undefined, {
    dateStyle: "medium",
    timeStyle: "medium",
  });
}

/** A signed offset in milliseconds ("+40 ms", "−150 ms"); "–" when there is none. */
export function formatOffsetMs(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) {
    return "–";
  }
  const ms = Math.round(seconds * 1000);
  return `${ms > 0 ? "+" : ms < 0 ? "−" : ""}${Math.abs(ms)} ms`;
}

/** A measure with its unit ("−16.2 LUFS"), or "–" when it could not be measured. */
export function formatMeasure(value: number | null | undefined, unit: string, digits = 1): string {
  if (value === null || value === undefined) {
    return "–";
  }
  return `${value.toFixed(digits).replace("-", "−")} ${unit}`.trim();
}
