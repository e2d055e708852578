import { useState } from "preact/hooks";
import type { WorkspaceSettings } from "../../shared/routing";
import type { ConsoleClient } from "../lib/console-api";
import type { Locale } from "../lib/i18n";
import { ErrorAlert, messageOf } from "./ErrorAlert";
import { tr } from "./strings";
import { TimeZoneField } from "./TimeZoneField";
import { useNow } from "./useNow";

/** The workspace's time zone: where the live board's "today" and the reports' days start. Only the zone is sent. */
export function WorkspaceZone(props: { api: ConsoleClient; settings: WorkspaceSettings; locale: Locale; onSaved: (settings: WorkspaceSettings) => void }) {
  const [zone, setZone] = useState(props.settings.timeZone);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const now = useNow(30_000);

  async function save(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      const settings = await props.api.saveWorkspaceSettings({ timeZone: zone });
      setSaved(settings.timeZone);
      props.onSaved(settings);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form class="panel form workspace-zone" onSubmit={save} aria-labelledby="workspace-title">
      <h2 id="workspace-title">{tr("options.workspace.title")}</h2>
      <p class="muted">{tr("options.workspace.zoneHint")}</p>
      <TimeZoneField value={zone} onChange={setZone} now={now} locale={props.locale} label={tr("options.workspace.zone")} />
      <ErrorAlert error={error} />
      <div class="form-actions">
        <p role="status">{saved ? tr("options.workspace.saved", { zone: saved }) : ""}</p>
        <button type="submit" disabled={busy || zone === props.settings.timeZone}>
          {tr("options.workspace.save")}
        </button>
      </div>
    </form>
  );
}
