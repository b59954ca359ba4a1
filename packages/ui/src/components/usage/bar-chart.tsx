'use client';
// A bar chart in plain SVG. The Usage view needs bars and nothing else (no zoom, no animation, no axes library):
// a chart library such as recharts would add its own ~100 KB (gzipped, with its d3 modules) to the one console
// bundle both the web console and the desktop window load, for what these few lines draw. Each bar carries a
// <title> (hover text) and the chart an aria-label, and the table under it holds the same figures.

export interface Bar {
  key: string;
  label: string;
  /** Hover text's name for the bar when the label is abbreviated (a day's full date). Default: the label. */
  title?: string;
  value: number;
}

interface Props {
  bars: Bar[];
  /** How a value reads on labels and tooltips (e.g. "$0.0123"). */
  format: (value: number) => string;
  /** Describes the chart for screen readers ("Cost per day"). */
  label: string;
  /** Vertical bars (days along the bottom) or horizontal ones (agents down the side). */
  orientation?: 'vertical' | 'horizontal';
  testId?: string;
}

const WIDTH = 640;

export function BarChart({ bars, format, label, orientation = 'vertical', testId }: Props) {
  const max = Math.max(0, ...bars.map((bar) => bar.value));
  const scale = (value: number, length: number) => (max > 0 ? (value / max) * length : 0);
  if (orientation === 'horizontal') {
    const row = 26;
    const labelWidth = 160;
    const valueWidth = 90;
    const barSpace = WIDTH - labelWidth - valueWidth;
    const height = Math.max(row, bars.length * row);
    return (
      <svg
        className="bar-chart"
        viewBox={`0 0 ${WIDTH} ${height}`}
        role="img"
        aria-label={label}
        data-testid={testId}
        preserveAspectRatio="xMinYMin meet"
      >
        {bars.map((bar, i) => (
          <g key={bar.key} transform={`translate(0 ${i * row})`} data-bar={bar.key}>
            <title>{`${bar.title ?? bar.label}: ${format(bar.value)}`}</title>
            <text x={labelWidth - 8} y={row / 2} className="bar-label" textAnchor="end" dominantBaseline="middle">
              {bar.label.length > 22 ? `${bar.label.slice(0, 21)}…` : bar.label}
            </text>
            <rect
              x={labelWidth}
              y={4}
              width={Math.max(bar.value > 0 ? 2 : 0, scale(bar.value, barSpace))}
              height={row - 8}
              className="bar"
              rx={3}
            />
            <text
              x={labelWidth + scale(bar.value, barSpace) + 6}
              y={row / 2}
              className="bar-value"
              dominantBaseline="middle"
            >
              {format(bar.value)}
            </text>
          </g>
        ))}
      </svg>
    );
  }
  const height = 200;
  const top = 18;
  const bottom = 28;
  // Room at both ends for the labels centred under the first and last bars.
  const side = 28;
  const plot = height - top - bottom;
  const slot = bars.length > 0 ? (WIDTH - 2 * side) / bars.length : WIDTH;
  const barWidth = Math.max(2, Math.min(48, slot * 0.7));
  // Label every bar when they fit, else every n-th one.
  const labelEvery = Math.max(1, Math.ceil(bars.length / 12));
  return (
    <svg
      className="bar-chart"
      viewBox={`0 0 ${WIDTH} ${height}`}
      role="img"
      aria-label={label}
      data-testid={testId}
      preserveAspectRatio="xMinYMin meet"
    >
      <line x1={0} x2={WIDTH} y1={top + plot} y2={top + plot} className="axis" />
      {bars.map((bar, i) => {
        const h = scale(bar.value, plot);
        const x = side + i * slot + (slot - barWidth) / 2;
        return (
          <g key={bar.key} data-bar={bar.key}>
            <title>{`${bar.title ?? bar.label}: ${format(bar.value)}`}</title>
            <rect
              x={x}
              y={top + plot - Math.max(bar.value > 0 ? 2 : 0, h)}
              width={barWidth}
              height={Math.max(bar.value > 0 ? 2 : 0, h)}
              className="bar"
              rx={2}
            />
            {bar.value === max && max > 0 ? (
              <text
                x={x + barWidth / 2}
                y={top + plot - h - 4}
                className="bar-value"
                textAnchor={i > bars.length / 2 ? 'end' : 'start'}
              >
                {format(bar.value)}
              </text>
            ) : null}
            {i % labelEvery === 0 ? (
              <text x={x + barWidth / 2} y={height - 8} className="bar-label" textAnchor="middle">
                {bar.label}
              </text>
            ) : null}
          </g>
        );
      })}
    </svg>
  );
}
