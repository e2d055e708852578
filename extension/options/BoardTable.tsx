import type { BoardFigures } from "../../shared/analytics";
import { boardRow } from "./board-state";
import { CsatFigure, LoadFigure, TimeFigure } from "./BoardFigure";
import { tr } from "./strings";

export interface BoardTableRow {
  id: string;
  name: string;
  figures: BoardFigures;
}

/**
 * One row per number or team: what is happening now, who is on, load against capacity, and today's figures.
 * Grouped column headers (now / agents / today) so a screen reader names the group with each figure.
 */
export function BoardTable(props: { labelledBy: string; describedBy?: string; nameHeader: string; rows: BoardTableRow[]; now: number }) {
  return (
    <div class="table-scroll">
      <table class="board-table" aria-labelledby={props.labelledBy} aria-describedby={props.describedBy}>
        <colgroup>
          <col />
        </colgroup>
        <colgroup span={3} />
        <colgroup span={3} />
        <colgroup span={1} />
        <colgroup span={4} />
        <thead>
          <tr>
            <th scope="col" rowSpan={2}>
              {props.nameHeader}
            </th>
            <th scope="colgroup" colSpan={3}>
              {tr("options.board.now")}
            </th>
            <th scope="colgroup" colSpan={3}>
              {tr("options.board.agents")}
            </th>
            <th scope="col" rowSpan={2}>
              {tr("options.board.load")}
            </th>
            <th scope="colgroup" colSpan={4}>
              {tr("options.board.todayGroup")}
            </th>
          </tr>
          <tr>
            <th scope="col">{tr("options.board.open")}</th>
            <th scope="col">{tr("options.board.waiting")}</th>
            <th scope="col">{tr("options.board.longestWait")}</th>
            <th scope="col">{tr("options.board.available")}</th>
            <th scope="col">{tr("options.board.away")}</th>
            <th scope="col">{tr("options.board.offline")}</th>
            <th scope="col">{tr("options.board.new")}</th>
            <th scope="col">{tr("options.board.resolved")}</th>
            <th scope="col">{tr("options.board.firstResponse")}</th>
            <th scope="col">{tr("options.board.csat")}</th>
          </tr>
        </thead>
        <tbody>
          {props.rows.map(({ id, name, figures }) => {
            const row = boardRow(figures, props.now);
            return (
              <tr key={id} data-row={id}>
                <th scope="row">{name}</th>
                <td class="num" data-figure="open">
                  {row.open}
                </td>
                <td class={`num ${row.waiting > 0 ? "attention" : ""}`} data-figure="waiting">
                  {row.waiting}
                </td>
                <td data-figure="longest-wait">
                  <TimeFigure ms={row.longestWaitMs} />
                </td>
                <td class="num" data-figure="available">
                  {row.available}
                </td>
                <td class="num" data-figure="away">
                  {row.away}
                </td>
                <td class="num" data-figure="offline">
                  {row.offline}
                </td>
                <td data-figure="load">
                  <LoadFigure load={row.load} capacity={row.capacity} />
                </td>
                <td class="num" data-figure="new">
                  {row.new}
                </td>
                <td class="num" data-figure="resolved">
                  {row.resolved}
                </td>
                <td data-figure="first-response">
                  <TimeFigure ms={row.firstResponse.medianMs} />
                </td>
                <td data-figure="csat">
                  <CsatFigure csat={row.csat} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
