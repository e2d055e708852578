import type { Report } from "../../shared/analytics";
import type { ReportTable as TableName } from "../../shared/report-csv";
import { saveBlob } from "./download";
import { columnKey } from "./report-columns";
import { tr } from "./strings";

/** shared/report-csv, loaded with the first report (see ReportsPage). */
export type ReportCells = typeof import("../../shared/report-csv");

const NUMERIC = /^-?[\d.]+%?$/;

/**
 * One report table, its cells exactly reportRows()'s, and a download made of the same rows (reportCsv), so the
 * file and the screen cannot disagree. The first cell of each row names it (a bucket, an agent, a team…).
 */
export function ReportTable(props: { report: Report; cells: ReportCells; table: TableName; title: string }) {
  const [header, ...body] = props.cells.reportRows(props.report, props.table);
  const titleId = `report-${props.table}-title`;

  function download() {
    saveBlob(new Blob([props.cells.reportCsv(props.report, props.table)], { type: "text/csv;charset=utf-8" }), `report-${props.table}.csv`);
  }

  return (
    <section class="panel report-table" aria-labelledby={titleId}>
      <div class="report-table-head">
        <h2 id={titleId}>{props.title}</h2>
        <button type="button" class="secondary small" aria-describedby={titleId} onClick={download}>
          {tr("options.reports.download")}
        </button>
      </div>
      {body.length === 0 ? (
        <p class="empty">{tr("options.reports.empty")}</p>
      ) : (
        // Wide tables scroll sideways: the region takes focus so the keyboard can scroll it too.
        <div class="table-scroll" role="region" tabIndex={0} aria-labelledby={titleId}>
          <table aria-labelledby={titleId} data-table={props.table}>
            <thead>
              <tr>
                {header!.map((name) => {
                  const key = columnKey(name);
                  return (
                    <th scope="col" data-column={name}>
                      {key ? tr(key) : name}
                    </th>
                  );
                })}
              </tr>
            </thead>
            <tbody>
              {body.map((row) => (
                <tr>
                  {row.map((cell, i) =>
                    i === 0 ? (
                      <th scope="row">{cell}</th>
                    ) : (
                      <td class={NUMERIC.test(cell) ? "num" : undefined}>{cell}</td>
                    ),
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
