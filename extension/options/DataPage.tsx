import { useState } from "preact/hooks";
import type { Me } from "../../shared/people";
import type { ConsoleClient } from "../lib/console-api";
import { saveBlob } from "./download";
import { ErrorAlert, messageOf } from "./ErrorAlert";
import { tr } from "./strings";

/** The whole workspace as one file, and how it goes into another deployment. */
export function DataPage(props: { api: ConsoleClient; me: Me }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState<{ bytes: number } | null>(null);

  async function exportWorkspace() {
    setBusy(true);
    setError(null);
    setSaved(null);
    try {
      const blob = await props.api.exportWorkspace();
      saveBlob(blob, `workspace-${new Date().toISOString().slice(0, 10)}.json`);
      setSaved({ bytes: blob.size });
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <section class="panel" aria-labelledby="export-title">
        <h2 id="export-title">{tr("options.data.exportTitle")}</h2>
        <p>{tr("options.data.exportWhat")}</p>
        <p>{tr("options.data.exportNot")}</p>
        <button type="button" class="primary" disabled={busy} onClick={() => void exportWorkspace()}>
          {busy ? tr("options.data.exporting") : tr("options.data.export")}
        </button>
        {saved && (
          <p role="status" class="saved">
            {tr("options.data.exported", { size: megabytes(saved.bytes) })}
          </p>
        )}
        <ErrorAlert error={error} />
      </section>
      <section class="panel" aria-labelledby="import-title">
        <h2 id="import-title">{tr("options.data.importTitle")}</h2>
        <ol class="steps">
          <li>{tr("options.data.step1")}</li>
          <li>{tr("options.data.step2")}</li>
          <li>
            {tr("options.data.step3")}
            <pre class="command">{"SETUP_TOKEN=<setup token> npm run import-archive -- \\\n  workspace.json --url https://<worker>"}</pre>
          </li>
          <li>{tr("options.data.step4")}</li>
        </ol>
      </section>
    </>
  );
}

function megabytes(bytes: number): string {
  return bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
