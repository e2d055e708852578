import { useId, useState } from "preact/hooks";
import type { Person, PersonUpdate, Role } from "../../shared/people";
import type { ConsoleClient } from "../lib/console-api";
import { Dialog } from "./Dialog";
import { ErrorAlert, messageOf } from "./ErrorAlert";
import { tr } from "./strings";

const ROLES: Role[] = ["agent", "supervisor", "admin"];

/** A person's name, role (admins only) and capacity; only what changed is sent. */
export function PersonDialog(props: { api: ConsoleClient; person: Person; admin: boolean; onSaved: (person: Person) => void; onClose: () => void }) {
  const p = props.person;
  const [name, setName] = useState(p.name);
  const [role, setRole] = useState<Role>(p.role);
  const [capacity, setCapacity] = useState(p.capacity === null ? "" : String(p.capacity));
  const [error, setError] = useState<string | null>(null);
  const roleHint = useId();
  const capacityHint = useId();

  async function save(event: Event) {
    event.preventDefault();
    setError(null);
    const nextCapacity = capacity.trim() === "" ? null : Number(capacity);
    const update: PersonUpdate = {
      ...(name.trim() !== p.name ? { name: name.trim() } : {}),
      ...(role !== p.role ? { role } : {}),
      ...(nextCapacity !== p.capacity ? { capacity: nextCapacity } : {}),
    };
    if (Object.keys(update).length === 0) return props.onClose();
    try {
      props.onSaved(await props.api.updatePerson(p.id, update));
    } catch (e) {
      setError(messageOf(e));
    }
  }

  return (
    <Dialog title={tr("options.people.editTitle", { name: p.name })} onClose={props.onClose}>
      <form class="dialog-form" onSubmit={save}>
        <label class="stacked">
          {tr("options.people.name")}
          <input required maxLength={80} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        </label>
        <label class="stacked">
          {tr("options.people.role")}
          <select value={role} disabled={!props.admin} aria-describedby={props.admin ? undefined : roleHint} onChange={(e) => setRole(e.currentTarget.value as Role)}>
            {ROLES.map((r) => (
              <option value={r}>{tr(`options.role.${r}`)}</option>
            ))}
          </select>
        </label>
        {!props.admin && (
          <p id={roleHint} class="muted">
            {tr("options.people.roleAdminOnly")}
          </p>
        )}
        <label class="stacked">
          {tr("options.people.capacity")}
          <input type="number" min={1} max={1000} placeholder={tr("options.people.noLimit")} aria-describedby={capacityHint} value={capacity} onInput={(e) => setCapacity(e.currentTarget.value)} />
        </label>
        <p id={capacityHint} class="muted">
          {tr("options.people.capacityHint")}
        </p>
        <ErrorAlert error={error} />
        <div class="dialog-actions">
          <button type="button" class="secondary" onClick={props.onClose}>
            {tr("options.cancel")}
          </button>
          <button type="submit">{tr("options.save")}</button>
        </div>
      </form>
    </Dialog>
  );
}
