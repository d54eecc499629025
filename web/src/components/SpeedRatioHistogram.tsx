import { PLOT_COLORS, speedRatioBins } from "../quality/plots";

const PLOT_WIDTH = 520;
const PLOT_HEIGHT = 120;
const LEFT = 24;
const TOP = 18;
const AXIS_HEIGHT = 38;
const BAR_GAP = 2;

const { dub: BAR_FILL, text: TEXT_FILL } = PLOT_COLORS;

/** How many units were sped up by how much (bins of 0.05x), each bar with its count. */
export function SpeedRatioHistogram({ label, ratios }: { label: string; ratios: number[] }) {
  const bins = speedRatioBins(ratios);
  const highest = Math.max(1, ...bins.map((bin) => bin.count));
  const barWidth = bins.length ? PLOT_WIDTH / bins.length : PLOT_WIDTH;
  // At most ~10 labels under the bars, so they never overlap.
  const labelEvery = Math.ceil(bins.length / 10);
  return (
    <svg
      role="img"
      aria-label={label}
      viewBox={`0 0 ${LEFT * 2 + PLOT_WIDTH} ${TOP + PLOT_HEIGHT + AXIS_HEIGHT}`}
      width="100%"
      style={{ maxWidth: LEFT * 2 + PLOT_WIDTH }}
    >
      <g transform={`translate(${LEFT} ${TOP})`}>
        {bins.map((bin, i) => {
          const height = (bin.count / highest) * PLOT_HEIGHT;
          const centre = i * barWidth + barWidth / 2;
          return (
            <g key={bin.from} data-bin={bin.from.toFixed(2)} data-count={bin.count}>
              <rect
                x={i * barWidth + BAR_GAP / 2}
                y={PLOT_HEIGHT - height}
                width={Math.max(barWidth - BAR_GAP, 1)}
                height={height}
                fill={BAR_FILL}
              >
                <title>{`${bin.from.toFixed(2)}–${bin.to.toFixed(2)}x: ${bin.count} unit(s)`}</title>
              </rect>
              {bin.count > 0 && (
                <text
                  x={centre}
                  y={PLOT_HEIGHT - height - 4}
                  fontSize={12}
                  textAnchor="middle"
                  fill={TEXT_FILL}
                >
                  {bin.count}
                </text>
              )}
              {i % labelEvery === 0 && (
                <text
                  x={i * barWidth}
                  y={PLOT_HEIGHT + 16}
                  fontSize={12}
                  textAnchor="middle"
                  fill={TEXT_FILL}
                >
                  {`${bin.from.toFixed(2)}x`}
                </text>
              )}
            </g>
          );
        })}
        <line x1={0} x2={PLOT_WIDTH} y1={PLOT_HEIGHT} y2={PLOT_HEIGHT} stroke={TEXT_FILL} />
        <text
          x={PLOT_WIDTH / 2}
          y={PLOT_HEIGHT + 34}
          fontSize={12}
          textAnchor="middle"
          fill={TEXT_FILL}
        >
          speed ratio (1.00x: not sped up)
        </text>
      </g>
    </svg>
  );
}
