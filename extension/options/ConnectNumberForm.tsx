import { useState } from "preact/hooks";
import type { ConnectNumberRequest, NumberDetail } from "../../shared/numbers";
import type { Person } from "../../shared/people";
import type { ConsoleClient } from "../lib/console-api";
import { CheckboxList } from "./CheckboxList";
import { ErrorAlert, messageOf } from "./ErrorAlert";
import { tr } from "./strings";

/** What an admin copies from Meta's dashboard to connect a number (or connect a disconnected one again). */
export function ConnectNumberForm(props: { api: ConsoleClient; people: Person[]; reconnect: NumberDetail | null; onConnected: (detail: NumberDetail) => void }) {
  const from = props.reconnect;
  const [form, setForm] = useState({
    phoneNumberId: from?.phoneNumberId ?? "",
    wabaId: from?.wabaId ?? "",
    displayName: from?.displayName ?? "",
    accessToken: "",
    memberIds: from?.memberIds ?? [],
  });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const request: ConnectNumberRequest = {
      phoneNumberId: form.phoneNumberId.trim(),
      displayName: form.displayName.trim(),
      memberIds: form.memberIds,
      ...(form.wabaId.trim() ? { wabaId: form.wabaId.trim() } : {}),
      ...(form.accessToken.trim() ? { accessToken: form.accessToken.trim() } : {}),
    };
    try {
      props.onConnected(await props.api.connectNumber(request));
      setForm({ phoneNumberId: "", wabaId: "", displayName: "", accessToken: "", memberIds: [] });
    } catch (e) {
      // Meta's own reason when the token check fails (422), so the admin knows what to fix.
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="panel form" onSubmit={submit} aria-labelledby="connect-title">
      <h2 id="connect-title">{from ? tr("options.numbers.reconnectTitle", { name: from.displayName }) : tr("options.numbers.connectTitle")}</h2>
      <p class="muted">{tr("options.numbers.connectHint")}</p>
      <div class="form-grid">
        <label class="stacked">
          {tr("options.numbers.phoneNumberId")}
          <input
            required
            inputMode="numeric"
            pattern="\d{1,30}"
            // "Connect again" on a card brings the keyboard here, with the number's ids filled in.
            autoFocus={from !== null}
            value={form.phoneNumberId} onInput={(e) => setForm({ ...form, phoneNumberId: e.currentTarget.value })} />
        </label>
        <label class="stacked">
          {tr("options.numbers.wabaId")}
          <input inputMode="numeric" pattern="\d{1,30}" value={form.wabaId} onInput={(e) => setForm({ ...form, wabaId: e.currentTarget.value })} />
        </label>
        <label class="stacked">
          {tr("options.numbers.displayName")}
          <input required maxLength={80} value={form.displayName} onInput={(e) => setForm({ ...form, displayName: e.currentTarget.value })} />
        </label>
        <label class="stacked">
          {tr("options.numbers.accessToken")}
          <input
            type="password"
            autoComplete="off"
            aria-describedby="connect-token-hint"
            value={form.accessToken}
            onInput={(e) => setForm({ ...form, accessToken: e.currentTarget.value })}
          />
        </label>
      </div>
      <p id="connect-token-hint" class="muted">
        {tr("options.numbers.tokenHint")}
      </p>
      <CheckboxList
        legend={tr("options.numbers.members")}
        items={props.people.map((p) => ({ id: p.id, label: p.name }))}
        selected={form.memberIds}
        onChange={(memberIds) => setForm({ ...form, memberIds })}
      />
      <ErrorAlert error={error} />
      <div class="form-actions">
        <button type="submit" disabled={busy}>
          {busy ? tr("options.numbers.connecting") : tr("options.numbers.connect")}
        </button>
      </div>
    </form>
  );
}
