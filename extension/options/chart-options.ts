import type uPlot from "uplot";

/**
 * A report chart's uPlot options and data. Only types come from uPlot here: the library itself is loaded by the
 * reports page when it first draws, so no other part of the extension carries it.
 */
export interface ChartSeries {
  label: string;
  color: string;
  /** A dash pattern as well as a colour, so lines stay apart for colour-blind readers and in grey print. */
  dash: number[];
  values: number[];
}

/**
 * Okabe and Ito's colour-blind-safe palette (blue, bluish green, vermilion, reddish purple, orange), each dark enough
 * against white for a line, with a dash of its own.
 */
export const SERIES_STYLES: { color: string; dash: number[] }[] = [
  { color: "#0072B2", dash: [] },
  { color: "#009E73", dash: [10, 4] },
  { color: "#D55E00", dash: [3, 3] },
  { color: "#A6589A", dash: [12, 4, 3, 4] },
  { color: "#B07800", dash: [6, 6] },
];

/** At most about `most` labelled ticks on the bucket axis, on whole buckets. */
export function bucketTicks(count: number, most = 10): number[] {
  const step = Math.max(1, Math.ceil(count / most));
  const ticks: number[] = [];
  for (let i = 0; i < count; i += step) ticks.push(i);
  return ticks;
}

/** Count-axis steps: whole numbers only. */
const WHOLE_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000];

export function chartOptions(input: { labels: string[]; series: ChartSeries[]; width: number; height: number; bucketLabel: string }): {
  options: uPlot.Options;
  data: uPlot.AlignedData;
} {
  const { labels } = input;
  const axisColour = "#5b6770";
  const grid = { stroke: "#e4e9ec", width: 1 };
  return {
    options: {
      width: input.width,
      height: input.height,
      scales: {
        // Buckets are evenly spaced positions (a local day may be 23 or 25 hours long); labels name them.
        x: { time: false, range: (_u, min, max) => [min - 0.5, max + 0.5] },
        y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] },
      },
      axes: [
        {
          stroke: axisColour,
          grid: { show: false },
          splits: () => bucketTicks(labels.length),
          values: (_u, splits) => splits.map((i) => labels[i] ?? ""),
        },
        { stroke: axisColour, grid, incrs: WHOLE_STEPS, values: (_u, splits) => splits.map((v) => String(v)) },
      ],
      series: [
        { label: input.bucketLabel, value: (_u, i) => (i === null ? "" : (labels[i] ?? "")) },
        ...input.series.map((s) => ({
          label: s.label,
          stroke: s.color,
          dash: s.dash,
          width: 2,
          points: { show: labels.length <= 62, size: 6, stroke: s.color, fill: "#fff" },
          value: (_u: uPlot, v: number | null) => (v === null ? "" : String(v)),
        })),
      ],
      cursor: { drag: { x: false, y: false } },
      legend: { live: true },
    },
    data: [labels.map((_, i) => i), ...input.series.map((s) => s.values)],
  };
}
