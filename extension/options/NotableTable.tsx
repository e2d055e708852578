import type { Report } from "../../shared/analytics";
import { Dash } from "./Dash";
import { duration } from "./format";
import { tr } from "./strings";

/** The address of a conversation's read-only review. */
export const reviewHash = (phoneNumberId: string, conversationId: string) => `#review/${encodeURIComponent(phoneNumberId)}/${encodeURIComponent(conversationId)}`;

/** Conversations worth a look (the slowest first responses, ratings of 3 ★ or less), each opening its review. */
export function NotableTable(props: { report: Report }) {
  const r = props.report;
  const agentName = (id: string | null) => (id ? (r.agents.find((a) => a.id === id)?.name ?? id) : null);
  const numberName = (id: string) => r.numbers.find((n) => n.phoneNumberId === id)?.displayName ?? id;
  return (
    <section class="panel" aria-labelledby="report-notable-title">
      <h2 id="report-notable-title">{tr("options.reports.tab.notable")}</h2>
      <p class="muted" id="report-notable-intro">
        {tr("options.reports.notable.intro")}
      </p>
      {r.notable.length === 0 ? (
        <p class="empty">{tr("options.reports.notable.none")}</p>
      ) : (
        <div class="table-scroll">
          <table aria-labelledby="report-notable-title" aria-describedby="report-notable-intro">
            <thead>
              <tr>
                <th scope="col">{tr("options.reports.notable.customer")}</th>
                <th scope="col">{tr("options.reports.notable.number")}</th>
                <th scope="col">{tr("options.reports.notable.agent")}</th>
                <th scope="col">{tr("options.reports.notable.firstResponse")}</th>
                <th scope="col">{tr("options.reports.notable.rating")}</th>
              </tr>
            </thead>
            <tbody>
              {r.notable.map((n) => (
                <tr key={`${n.phoneNumberId}:${n.conversationId}:${n.csatStars ?? "frt"}`}>
                  <th scope="row">
                    <a href={reviewHash(n.phoneNumberId, n.conversationId)}>{n.contactName}</a>
                  </th>
                  <td>{numberName(n.phoneNumberId)}</td>
                  <td>{agentName(n.agentId) ?? <Dash />}</td>
                  <td>{n.firstResponseMs === null ? <Dash /> : duration(n.firstResponseMs)}</td>
                  <td>
                    {n.csatStars === null ? (
                      <Dash />
                    ) : (
                      <span class={`stars-figure ${n.csatStars <= 3 ? "low" : ""}`}>
                        {n.csatStars} ★
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
