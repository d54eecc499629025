import { formatOffsetMs, formatSeconds, type QualityUnit } from "@dubflow/shared";

import { isOffTime, PLOT_COLORS, plotDuration, timeScale, timeTicks } from "../quality/plots";

const LABEL_WIDTH = 110;
const PLOT_WIDTH = 760;
const LANE_HEIGHT = 26;
const LANE_GAP = 10;
const AXIS_HEIGHT = 26;
const SOURCE_Y = 4;
const DUB_Y = SOURCE_Y + LANE_HEIGHT + LANE_GAP;
const AXIS_Y = DUB_Y + LANE_HEIGHT + 6;

const { text: TEXT_FILL, source: SOURCE_FILL, dub: DUB_FILL, offTime: OFF_TIME_FILL } = PLOT_COLORS;

function span(start: number, end: number): string {
  return `${start.toFixed(2)}–${end.toFixed(2)} s`;
}

/**
 * Source speech and dub of every unit on one time axis: the source lane above, the dub below,
 * a dub that starts more than 100 ms off or overflows its slot in red.
 */
export function QualityTimeline({
  label,
  units,
  duration,
}: {
  label: string;
  units: QualityUnit[];
  duration: number;
}) {
  const end = plotDuration(units, duration);
  const x = timeScale(end, PLOT_WIDTH);
  const width = (from: number, to: number) => Math.max(x(to) - x(from), 1);
  return (
    <svg
      role="img"
      aria-label={label}
      viewBox={`0 0 ${LABEL_WIDTH + PLOT_WIDTH + 12} ${AXIS_Y + AXIS_HEIGHT}`}
      width="100%"
      style={{ maxWidth: LABEL_WIDTH + PLOT_WIDTH + 12 }}
    >
      <text x={0} y={SOURCE_Y + 17} fontSize={13} fill={TEXT_FILL}>
        Source speech
      </text>
      <text x={0} y={DUB_Y + 17} fontSize={13} fill={TEXT_FILL}>
        Dub
      </text>
      <g transform={`translate(${LABEL_WIDTH} 0)`}>
        {units.map((unit) => (
          <g key={unit.index} data-unit={unit.index}>
            <rect
              data-lane="source"
              x={x(unit.sourceStart)}
              y={SOURCE_Y}
              width={width(unit.sourceStart, unit.sourceEnd)}
              height={LANE_HEIGHT}
              fill={SOURCE_FILL}
            >
              <title>{`Unit ${unit.index + 1}, source speech ${span(unit.sourceStart, unit.sourceEnd)}: ${unit.sourceText}`}</title>
            </rect>
            <rect
              data-lane="dub"
              data-off-time={isOffTime(unit) || undefined}
              x={x(unit.dubStart)}
              y={DUB_Y}
              width={width(unit.dubStart, unit.dubEnd)}
              height={LANE_HEIGHT}
              fill={isOffTime(unit) ? OFF_TIME_FILL : DUB_FILL}
            >
              <title>{`Unit ${unit.index + 1}, dub ${span(unit.dubStart, unit.dubEnd)} (onset ${formatOffsetMs(unit.onsetOffset)}): ${unit.text}`}</title>
            </rect>
          </g>
        ))}
        <line x1={0} x2={PLOT_WIDTH} y1={AXIS_Y} y2={AXIS_Y} stroke={TEXT_FILL} />
        {timeTicks(end).map((tick) => (
          <g key={tick} transform={`translate(${x(tick)} ${AXIS_Y})`}>
            <line y2={5} stroke={TEXT_FILL} />
            <text y={19} fontSize={12} textAnchor="middle" fill={TEXT_FILL}>
              {formatSeconds(tick)}
            </text>
          </g>
        ))}
      </g>
    </svg>
  );
}
