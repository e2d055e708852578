import { useState } from "preact/hooks";
import type { NumberDetail } from "../../shared/numbers";
import type { Invite, Role } from "../../shared/people";
import type { ConsoleClient } from "../lib/console-api";
import { CheckboxList } from "./CheckboxList";
import { CopyField } from "./CopyField";
import { ErrorAlert, messageOf } from "./ErrorAlert";
import { dateTime } from "./format";
import { tr } from "./strings";

/** Makes an invitation link to copy into a chat or an email: no mail server is assumed. */
export function InviteForm(props: { api: ConsoleClient; admin: boolean; numbers: NumberDetail[]; onInvited: () => void }) {
  const [role, setRole] = useState<Role>("agent");
  const [numberIds, setNumberIds] = useState<string[]>([]);
  const [capacity, setCapacity] = useState("");
  const [note, setNote] = useState("");
  const [created, setCreated] = useState<Invite | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Making or unmaking an admin is for admins only.
  const roles: Role[] = props.admin ? ["agent", "supervisor", "admin"] : ["agent", "supervisor"];

  async function submit(event: Event) {
    event.preventDefault();
    setError(null);
    try {
      setCreated(await props.api.invite({ role, numberIds, capacity: capacity.trim() === "" ? null : Number(capacity), note: note.trim() }));
      setNote("");
      props.onInvited();
    } catch (e) {
      setError(messageOf(e));
    }
  }

  return (
    <form class="panel form" onSubmit={submit} aria-labelledby="invite-title">
      <h2 id="invite-title">{tr("options.invite.title")}</h2>
      <div class="form-grid">
        <label class="stacked">
          {tr("options.people.role")}
          <select value={role} onChange={(e) => setRole(e.currentTarget.value as Role)}>
            {roles.map((r) => (
              <option value={r}>{tr(`options.role.${r}`)}</option>
            ))}
          </select>
        </label>
        <label class="stacked">
          {tr("options.people.capacity")}
          <input type="number" min={1} max={1000} placeholder={tr("options.people.noLimit")} value={capacity} onInput={(e) => setCapacity(e.currentTarget.value)} />
        </label>
        <label class="stacked">
          {tr("options.invite.note")}
          <input maxLength={80} placeholder={tr("options.invite.notePlaceholder")} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
        </label>
      </div>
      <CheckboxList
        legend={tr("options.invite.numbers")}
        items={props.numbers.filter((n) => n.connected).map((n) => ({ id: n.phoneNumberId, label: `${n.displayName} (${n.displayPhoneNumber})` }))}
        selected={numberIds}
        onChange={setNumberIds}
      />
      <ErrorAlert error={error} />
      <div class="form-actions">
        <button type="submit">{tr("options.invite.create")}</button>
      </div>
      {created?.url && (
        <div class="created-link">
          <CopyField label={tr("options.invite.link")} value={created.url} />
          <p class="muted">{tr("options.link.once", { date: dateTime(created.expiresAt) })}</p>
        </div>
      )}
    </form>
  );
}
