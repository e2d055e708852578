import type { BoardFigures } from "../../shared/analytics";
import { boardRow } from "./board-state";
import { CsatFigure, TimeFigure } from "./BoardFigure";
import { tr } from "./strings";

/** The workspace at a glance, in large figures: every number's added up. */
export function BoardTiles(props: { figures: BoardFigures; now: number }) {
  const row = boardRow(props.figures, props.now);
  const people = row.available + row.away + row.offline;
  return (
    <section class="panel" aria-labelledby="board-totals-title">
      <h2 id="board-totals-title">{tr("options.board.totals")}</h2>
      <dl class="board-tiles">
        <div class={`tile ${row.waiting > 0 ? "attention" : ""}`} data-tile="waiting">
          <dt>{tr("options.board.tile.waiting")}</dt>
          <dd>{row.waiting}</dd>
        </div>
        <div class="tile" data-tile="longest-wait">
          <dt>{tr("options.board.tile.longestWait")}</dt>
          <dd>
            <TimeFigure ms={row.longestWaitMs} />
          </dd>
        </div>
        <div class="tile" data-tile="open">
          <dt>{tr("options.board.tile.open")}</dt>
          <dd>{row.open}</dd>
        </div>
        <div class="tile" data-tile="available">
          <dt>{tr("options.board.tile.available")}</dt>
          <dd>
            {row.available} <small>{tr("options.board.tile.availableOf", { n: people })}</small>
          </dd>
        </div>
        <div class="tile" data-tile="new">
          <dt>{tr("options.board.tile.new")}</dt>
          <dd>{row.new}</dd>
        </div>
        <div class="tile" data-tile="resolved">
          <dt>{tr("options.board.tile.resolved")}</dt>
          <dd>{row.resolved}</dd>
        </div>
        <div class="tile" data-tile="first-response">
          <dt>{tr("options.board.tile.firstResponse")}</dt>
          <dd>
            <TimeFigure ms={row.firstResponse.medianMs} />
          </dd>
        </div>
        <div class="tile" data-tile="csat">
          <dt>{tr("options.board.tile.csat")}</dt>
          <dd>
            <CsatFigure csat={row.csat} />
          </dd>
        </div>
      </dl>
    </section>
  );
}
