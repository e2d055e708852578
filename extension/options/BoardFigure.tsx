import type { CsatFigures } from "../../shared/analytics";
import { Dash } from "./Dash";
import { duration } from "./format";
import { tr } from "./strings";

/** A time in words ("45 s", "3 min"), or a dash when there is none. */
export function TimeFigure(props: { ms: number | null }) {
  return props.ms === null ? <Dash /> : <>{duration(props.ms)}</>;
}

/** Average stars and how many ratings it comes from, or a dash before the first rating. */
export function CsatFigure(props: { csat: CsatFigures }) {
  const { average, responses } = props.csat;
  if (average === null) return <Dash />;
  return (
    <span class="csat-figure">
      {tr("options.board.stars", { average: average.toFixed(1) })} <small>{tr(responses === 1 ? "options.board.ratingsOne" : "options.board.ratingsMany", { n: responses })}</small>
    </span>
  );
}

/** Open conversations against the capacity of the people covering them, as a bar and in words. */
export function LoadFigure(props: { load: number; capacity: number | null }) {
  const { load, capacity } = props;
  const share = capacity ? Math.min(1, load / capacity) : 0;
  return (
    <span class="load">
      {capacity !== null && (
        <span class={`load-bar ${share >= 1 ? "full" : ""}`} aria-hidden="true">
          <span style={{ width: `${share * 100}%` }} />
        </span>
      )}
      {capacity === null ? tr("options.floor.loadNoLimit", { load }) : tr("options.floor.loadOf", { load, capacity })}
    </span>
  );
}
