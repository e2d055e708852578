import { tr } from "./strings";

/** A figure there is nothing to measure for yet: a dash on screen, a word for a screen reader. */
export function Dash() {
  return (
    <span class="dash">
      <span aria-hidden="true">—</span>
      <span class="visually-hidden">{tr("options.board.none")}</span>
    </span>
  );
}
