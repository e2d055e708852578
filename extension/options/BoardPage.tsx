import type { Me } from "../../shared/people";
import type { ConsoleClient } from "../lib/console-api";
import { mergeFigures, teamsAcross } from "./board-state";
import { BoardTable } from "./BoardTable";
import { BoardTiles } from "./BoardTiles";
import { ErrorAlert } from "./ErrorAlert";
import { LiveLine } from "./LiveLine";
import { tr } from "./strings";
import { useBoard } from "./useBoard";
import { useNow } from "./useNow";

/** The supervisors' wallboard: every number and team now and today, changed the moment a number pushes its figures. */
export function BoardPage(props: { api: ConsoleClient; me: Me; onSignOut: () => void }) {
  const board = useBoard(props.api, props.onSignOut);
  // The longest wait ticks here, from when that customer started waiting.
  const now = useNow(1000);
  const state = board.state;
  const teams = state ? teamsAcross(state.numbers) : [];

  return (
    <>
      <div class="board-head">
        <LiveLine states={board.live} />
        {state && (
          <p class="board-today" id="board-today">
            {tr("options.board.today", { zone: state.timeZone })}
          </p>
        )}
      </div>
      <p class="visually-hidden" role="status">
        {board.announcement}
      </p>
      <ErrorAlert error={board.error} />
      {state && state.numbers.length === 0 && <p class="empty">{tr("options.board.noNumbers")}</p>}
      {state && state.numbers.length > 0 && (
        <>
          <BoardTiles figures={mergeFigures(state.numbers)} now={now} />
          <section class="panel" aria-labelledby="board-numbers-title">
            <h2 id="board-numbers-title">{tr("options.board.byNumber")}</h2>
            <BoardTable
              labelledBy="board-numbers-title"
              describedBy="board-today"
              nameHeader={tr("options.board.number")}
              rows={state.numbers.map((n) => ({ id: n.phoneNumberId, name: n.displayName, figures: n }))}
              now={now}
            />
          </section>
          <section class="panel" aria-labelledby="board-teams-title">
            <h2 id="board-teams-title">{tr("options.board.byTeam")}</h2>
            {teams.length === 0 ? (
              <p class="empty">{tr("options.board.noTeams")}</p>
            ) : (
              <BoardTable labelledBy="board-teams-title" describedBy="board-today" nameHeader={tr("options.board.team")} rows={teams.map((t) => ({ id: t.id, name: t.name, figures: t }))} now={now} />
            )}
          </section>
        </>
      )}
    </>
  );
}
