import { useEffect, useRef, useState } from "preact/hooks";
import type uPlot from "uplot";
import type { CountMetric, Report } from "../../shared/analytics";
import type { Locale } from "../lib/i18n";
import { chartOptions, SERIES_STYLES } from "./chart-options";
import { ErrorAlert, messageOf } from "./ErrorAlert";
import { tr } from "./strings";

const HEIGHT = 240;

/**
 * A line chart of some count metrics over the report's buckets, with uPlot's legend. uPlot and its stylesheet are
 * loaded here, on first draw, into a chunk of their own: neither the side panel nor the console's other sections
 * carry them. The overview table under the chart holds the same figures for anyone who cannot see it.
 */
export function ReportChart(props: { report: Report; metrics: readonly CountMetric[]; title: string; id: string; locale: Locale }) {
  const box = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stopped = false;
    let chart: uPlot | null = null;
    let observer: ResizeObserver | null = null;
    Promise.all([import("uplot"), import("uplot/dist/uPlot.min.css")])
      .then(([{ default: UPlot }]) => {
        const target = box.current;
        if (stopped || !target) return;
        const { options, data } = chartOptions({
          labels: props.report.buckets.map((b) => b.label),
          series: props.metrics.map((metric, i) => ({
            label: tr(`options.reports.series.${metric}`),
            ...SERIES_STYLES[i % SERIES_STYLES.length]!,
            values: props.report.series[metric],
          })),
          width: target.clientWidth,
          height: HEIGHT,
          bucketLabel: tr("options.reports.col.period"),
        });
        chart = new UPlot(options, data, target);
        observer = new ResizeObserver(() => chart?.setSize({ width: target.clientWidth, height: HEIGHT }));
        observer.observe(target);
      })
      .catch((e: unknown) => !stopped && setError(tr("options.reports.chart.failed", { error: messageOf(e) })));
    return () => {
      stopped = true;
      observer?.disconnect();
      chart?.destroy();
    };
  }, [props.report, props.metrics, props.locale]);

  return (
    <figure class="report-chart" aria-labelledby={props.id}>
      <figcaption id={props.id}>{props.title}</figcaption>
      <div class="chart-box" role="img" aria-label={tr("options.reports.chart.label", { title: props.title })} ref={box} />
      <ErrorAlert error={error} />
    </figure>
  );
}
