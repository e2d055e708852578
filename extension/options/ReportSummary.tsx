import type { Report, Timing } from "../../shared/analytics";
import { Dash } from "./Dash";
import { duration } from "./format";
import type { ReportCells } from "./ReportTable";
import { tr } from "./strings";

function Times(props: { timing: Timing }) {
  const { medianMs, p90Ms } = props.timing;
  if (medianMs === null || p90Ms === null) return <span class="muted">{tr("options.reports.summary.noData")}</span>;
  return (
    <>
      {duration(medianMs)} <small>{tr("options.reports.summary.timesDetail", { p90: duration(p90Ms) })}</small>
    </>
  );
}

/** The range's headline figures: conversations, the two times (median and 90th percentile) and CSAT. */
export function ReportSummary(props: { report: Report; cells: ReportCells }) {
  const r = props.report;
  return (
    <section class="panel" aria-labelledby="report-summary-title">
      <h2 id="report-summary-title">{tr("options.reports.summary")}</h2>
      <dl class="board-tiles report-tiles">
        <div class="tile">
          <dt>{tr("options.reports.summary.new")}</dt>
          <dd>{r.totals.conversations_new}</dd>
        </div>
        <div class="tile">
          <dt>{tr("options.reports.summary.resolved")}</dt>
          <dd>{r.totals.conversations_resolved}</dd>
        </div>
        <div class="tile">
          <dt>{tr("options.reports.summary.firstResponse")}</dt>
          <dd>
            <Times timing={r.firstResponse} />
          </dd>
        </div>
        <div class="tile">
          <dt>{tr("options.reports.summary.resolution")}</dt>
          <dd>
            <Times timing={r.resolution} />
          </dd>
        </div>
        <div class="tile">
          <dt>{tr("options.reports.summary.csat")}</dt>
          <dd>
            {r.csat.average === null ? (
              <Dash />
            ) : (
              <>
                {tr("options.board.stars", { average: r.csat.average.toFixed(2) })}{" "}
                <small>{tr("options.reports.summary.csatDetail", { share: props.cells.share(r.csat.satisfiedShare), n: r.csat.responses })}</small>
              </>
            )}
          </dd>
        </div>
      </dl>
    </section>
  );
}
