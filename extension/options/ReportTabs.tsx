import type { ComponentChildren } from "preact";
import { useRef } from "preact/hooks";
import { REPORT_TABS, type ReportTab } from "./report-query";
import { tr } from "./strings";

/**
 * The report's views as tabs (WAI-ARIA tabs pattern): one tab stop, arrow keys, Home and End move between them and
 * show the one reached; the panel below is labelled by its tab.
 */
export function ReportTabs(props: { tab: ReportTab; onTab: (tab: ReportTab) => void; children: ComponentChildren }) {
  const list = useRef<HTMLDivElement>(null);

  function move(event: KeyboardEvent) {
    const at = REPORT_TABS.indexOf(props.tab);
    const next =
      event.key === "ArrowRight" ? (at + 1) % REPORT_TABS.length
      : event.key === "ArrowLeft" ? (at - 1 + REPORT_TABS.length) % REPORT_TABS.length
      : event.key === "Home" ? 0
      : event.key === "End" ? REPORT_TABS.length - 1
      : -1;
    if (next < 0) return;
    event.preventDefault();
    props.onTab(REPORT_TABS[next]!);
    list.current?.querySelector<HTMLElement>(`#report-tab-${REPORT_TABS[next]}`)?.focus();
  }

  return (
    <>
      <div class="tabs" role="tablist" aria-label={tr("options.reports.views")} ref={list} onKeyDown={move}>
        {REPORT_TABS.map((tab) => (
          <button
            type="button"
            role="tab"
            id={`report-tab-${tab}`}
            aria-selected={tab === props.tab}
            aria-controls={tab === props.tab ? "report-panel" : undefined}
            tabIndex={tab === props.tab ? 0 : -1}
            class="link tab"
            onClick={() => props.onTab(tab)}
          >
            {tr(`options.reports.tab.${tab}`)}
          </button>
        ))}
      </div>
      <div role="tabpanel" id="report-panel" aria-labelledby={`report-tab-${props.tab}`} class="tab-panel">
        {props.children}
      </div>
    </>
  );
}
