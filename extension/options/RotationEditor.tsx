import { useEffect, useRef, useState } from "preact/hooks";
import type { Person } from "../../shared/people";
import type { RotationEntry, Team } from "../../shared/routing";
import { tr } from "./strings";

const keyOf = (entry: RotationEntry) => `${entry.type}:${entry.id}`;

/** Moves one item of a list to another place, the rest keeping their order. */
function moved<T>(list: readonly T[], from: number, to: number): T[] {
  const next = [...list];
  const [item] = next.splice(from, 1);
  next.splice(to, 0, item!);
  return next;
}

/**
 * The number's rotation: agents and teams in order. Reordered by dragging, or by the Up and Down buttons for
 * keyboards and screen readers; each change is announced.
 */
export function RotationEditor(props: { rotation: RotationEntry[]; people: Person[]; teams: Team[]; onChange: (rotation: RotationEntry[]) => void; describedBy: string }) {
  const [dragging, setDragging] = useState<number | null>(null);
  const [over, setOver] = useState<number | null>(null);
  const [adding, setAdding] = useState("");
  const [announcement, setAnnouncement] = useState("");
  /** After a move by button, focus follows the moved entry (its row was re-ordered under the focus). */
  const refocus = useRef<{ key: string; direction: "up" | "down" } | null>(null);

  const nameOf = (entry: RotationEntry) =>
    entry.type === "agent"
      ? (props.people.find((p) => p.id === entry.id)?.name ?? tr("options.rules.removedPerson"))
      : tr("options.rules.teamEntry", { name: props.teams.find((t) => t.id === entry.id)?.name ?? tr("options.rules.removedTeam") });

  useEffect(() => {
    const target = refocus.current;
    if (!target) return;
    refocus.current = null;
    const button = document.getElementById(`move-${target.direction}-${target.key}`) as HTMLButtonElement | null;
    const other = document.getElementById(`move-${target.direction === "up" ? "down" : "up"}-${target.key}`);
    (button && !button.disabled ? button : other)?.focus();
  }, [props.rotation]);

  function move(from: number, to: number) {
    if (from === to || to < 0 || to >= props.rotation.length) return;
    const entry = props.rotation[from]!;
    props.onChange(moved(props.rotation, from, to));
    setAnnouncement(tr("options.rules.movedTo", { name: nameOf(entry), position: to + 1, total: props.rotation.length }));
  }

  function remove(index: number) {
    const entry = props.rotation[index]!;
    props.onChange(props.rotation.filter((_, i) => i !== index));
    setAnnouncement(tr("options.rules.removed", { name: nameOf(entry) }));
  }

  function add() {
    const [type, id] = adding.split(":") as [RotationEntry["type"], string];
    if (!id) return;
    const entry = { type, id };
    props.onChange([...props.rotation, entry]);
    setAdding("");
    setAnnouncement(tr("options.rules.added", { name: nameOf(entry) }));
  }

  const listed = new Set(props.rotation.map(keyOf));
  const agents = props.people.filter((p) => p.active && !listed.has(`agent:${p.id}`));
  const teams = props.teams.filter((t) => !listed.has(`team:${t.id}`));

  return (
    <div class="rotation">
      {props.rotation.length === 0 ? (
        <p class="empty">{tr("options.rules.emptyList")}</p>
      ) : (
        <ol class="rotation-list" aria-label={tr("options.rules.rotation")} aria-describedby={props.describedBy}>
          {props.rotation.map((entry, index) => {
            const key = keyOf(entry);
            const name = nameOf(entry);
            return (
              <li
                key={key}
                class={`rotation-item ${dragging === index ? "dragging" : ""} ${over === index && dragging !== index ? "drop-target" : ""}`}
                draggable
                onDragStart={(e) => {
                  setDragging(index);
                  // Firefox starts a drag only when it carries data.
                  e.dataTransfer?.setData("text/plain", key);
                }}
                onDragOver={(e) => {
                  e.preventDefault();
                  setOver(index);
                }}
                onDrop={(e) => {
                  e.preventDefault();
                  if (dragging !== null) move(dragging, index);
                  setDragging(null);
                  setOver(null);
                }}
                onDragEnd={() => {
                  setDragging(null);
                  setOver(null);
                }}
              >
                <span class="grip" aria-hidden="true">
                  ⠿
                </span>
                <span class="position">{index + 1}.</span>
                <span class="rotation-name">{name}</span>
                <span class="row-buttons">
                  <button
                    type="button"
                    class="small"
                    id={`move-up-${key}`}
                    aria-label={tr("options.rules.moveUp", { name })}
                    disabled={index === 0}
                    onClick={() => {
                      refocus.current = { key, direction: "up" };
                      move(index, index - 1);
                    }}
                  >
                    ↑
                  </button>
                  <button
                    type="button"
                    class="small"
                    id={`move-down-${key}`}
                    aria-label={tr("options.rules.moveDown", { name })}
                    disabled={index === props.rotation.length - 1}
                    onClick={() => {
                      refocus.current = { key, direction: "down" };
                      move(index, index + 1);
                    }}
                  >
                    ↓
                  </button>
                  <button type="button" class="small danger" aria-label={tr("options.rules.remove", { name })} onClick={() => remove(index)}>
                    {tr("options.remove")}
                  </button>
                </span>
              </li>
            );
          })}
        </ol>
      )}
      <div class="add-row">
        <label class="stacked">
          {tr("options.rules.addLabel")}
          <select value={adding} onChange={(e) => setAdding(e.currentTarget.value)}>
            <option value="">{tr("options.rules.choose")}</option>
            {agents.length > 0 && (
              <optgroup label={tr("options.rules.agents")}>
                {agents.map((p) => (
                  <option value={`agent:${p.id}`}>{p.name}</option>
                ))}
              </optgroup>
            )}
            {teams.length > 0 && (
              <optgroup label={tr("options.rules.teams")}>
                {teams.map((t) => (
                  <option value={`team:${t.id}`}>{tr("options.rules.teamEntry", { name: t.name })}</option>
                ))}
              </optgroup>
            )}
          </select>
        </label>
        <button type="button" disabled={!adding} onClick={add}>
          {tr("options.rules.add")}
        </button>
      </div>
      <p class="visually-hidden" role="status">
        {announcement}
      </p>
    </div>
  );
}
