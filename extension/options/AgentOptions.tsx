import type { Candidate } from "./floor-state";
import { tr } from "./strings";

/** The choices of an assign or transfer picker: each person with their status (or offline) and load, in words. */
export function AgentOptions(props: { candidates: Candidate[] }) {
  return (
    <>
      <option value="">{tr("options.floor.choose")}</option>
      {props.candidates.map((a) => {
        const status = a.connected ? tr(a.status === "available" ? "options.status.available" : "options.status.away") : tr("options.floor.offline");
        const figures = a.capacity === null ? tr("options.floor.loadNoLimit", { load: a.load }) : tr("options.floor.loadOf", { load: a.load, capacity: a.capacity });
        return (
          <option key={a.id} value={a.id}>
            {`${a.name} — ${status} · ${figures}`}
          </option>
        );
      })}
    </>
  );
}
