import { useEffect, useMemo, useState } from "preact/hooks";
import type { CountMetric, Report } from "../../shared/analytics";
import type { Me } from "../../shared/people";
import type { ConsoleClient } from "../lib/console-api";
import type { Locale } from "../lib/i18n";
import { ErrorAlert } from "./ErrorAlert";
import { NotableTable } from "./NotableTable";
import { ReportChart } from "./ReportChart";
import { ReportFilters } from "./ReportFilters";
import { hourlyAllowed, parseReportHash, rangeOf, rememberReport, reportHash, reportParams, type ReportTab } from "./report-query";
import { ReportSummary } from "./ReportSummary";
import { ReportTable, type ReportCells } from "./ReportTable";
import { ReportTabs } from "./ReportTabs";
import { sectionPart } from "./sections";
import { tr } from "./strings";
import { useLoad } from "./useLoad";
import { WorkspaceZone } from "./WorkspaceZone";

const CONVERSATION_METRICS: readonly CountMetric[] = [
  "conversations_new",
  "conversations_resolved",
  "conversations_reopened",
  "conversations_transferred",
  "conversations_auto_resolved",
];
const MESSAGE_METRICS: readonly CountMetric[] = ["messages_in", "messages_out", "messages_auto"];

/** Conversations, times and ratings over a range, per agent, team, number and tag, with the conversations worth a look. */
export function ReportsPage(props: { api: ConsoleClient; me: Me; locale: Locale }) {
  const initial = useMemo(() => parseReportHash(location.hash), []);
  const [form, setForm] = useState(initial.form);
  const [tab, setTab] = useState<ReportTab>(initial.tab);
  const settings = useLoad(() => props.api.workspaceSettings());
  const numbers = useLoad(() => props.api.numbers().then((r) => r.numbers));
  const timeZone = settings.data?.timeZone ?? null;

  // "Now" is read when the filters or the zone change: a preset range ends at the moment it was asked for.
  const params = useMemo(() => (timeZone ? reportParams(form, Date.now(), timeZone) : null), [form, timeZone]);
  const asked = params && !("error" in params) ? params : null;
  // The cells' module comes with the first report: through shared/analytics it carries zod, which the rest of the
  // console does not need, so it stays out of the options page's entry chunk.
  const report = useLoad(
    () => (asked ? Promise.all([props.api.report(asked), import("../../shared/report-csv")]).then(([r, cells]) => ({ asked, report: r, cells })) : Promise.resolve(null)),
    [asked],
  );
  const fresh = report.data !== null && report.data.asked === asked;
  const range = timeZone ? rangeOf(form, Date.now(), timeZone) : null;
  const hourly = !range || "error" in range || hourlyAllowed(range);

  // A report's address opened while this page shows (the navigation's plain #reports, back and forward): that report.
  useEffect(() => {
    const follow = () => {
      if (sectionPart(location.hash) !== "reports") return;
      const asked = parseReportHash(location.hash);
      setForm((shown) => (JSON.stringify(shown) === JSON.stringify(asked.form) ? shown : asked.form));
      setTab(asked.tab);
    };
    addEventListener("hashchange", follow);
    return () => removeEventListener("hashchange", follow);
  }, []);

  // The address names the report shown, so a reload or "Back to the report" opens it again.
  useEffect(() => {
    const hash = reportHash(form, tab);
    rememberReport(hash);
    if (location.hash !== hash) history.replaceState(null, "", hash);
  }, [form, tab]);

  return (
    <>
      <ReportFilters form={form} onChange={setForm} numbers={numbers.data ?? []} hourly={hourly} timeZone={timeZone} />
      <ErrorAlert error={settings.error ?? numbers.error} />
      {params && "error" in params && (
        <p class="error" role="alert">
          {tr(`options.reports.error.${params.error}`)}
        </p>
      )}
      <ErrorAlert error={report.error} />
      <p class="muted report-loading" role="status">
        {asked && !fresh && !report.error ? tr("options.reports.loading") : ""}
      </p>
      {report.data && (
        <div class={`report ${fresh ? "" : "stale"}`} aria-busy={!fresh}>
          <ReportTabs tab={tab} onTab={setTab}>
            <ReportView report={report.data.report} cells={report.data.cells} tab={tab} locale={props.locale} />
          </ReportTabs>
        </div>
      )}
      {settings.data && <WorkspaceZone api={props.api} settings={settings.data} locale={props.locale} onSaved={(saved) => settings.setData(saved)} />}
    </>
  );
}

function ReportView(props: { report: Report; cells: ReportCells; tab: ReportTab; locale: Locale }) {
  const { report, cells, tab } = props;
  if (tab === "notable") return <NotableTable report={report} />;
  if (tab !== "overview") return <ReportTable report={report} cells={cells} table={tab} title={tr(`options.reports.tab.${tab}`)} />;
  return (
    <>
      <ReportSummary report={report} cells={cells} />
      <div class="panel report-charts">
        <ReportChart
          id="chart-conversations"
          report={report}
          metrics={CONVERSATION_METRICS}
          title={tr(`options.reports.chart.conversations.${report.bucket}`)}
          locale={props.locale}
        />
        <ReportChart id="chart-messages" report={report} metrics={MESSAGE_METRICS} title={tr(`options.reports.chart.messages.${report.bucket}`)} locale={props.locale} />
      </div>
      <ReportTable report={report} cells={cells} table="overview" title={tr("options.reports.tab.overview")} />
    </>
  );
}
