import { useState } from "preact/hooks";
import type { CannedImportResult } from "../../shared/catalog";
import type { ConsoleClient } from "../lib/console-api";
import { saveBlob } from "./download";
import { ErrorAlert, messageOf } from "./ErrorAlert";
import { tr } from "./strings";

/** The library as a spreadsheet: export to edit in bulk, import it back (rows match by shortcode). */
export function CannedCsv(props: { api: ConsoleClient; onImported: () => void }) {
  const [result, setResult] = useState<CannedImportResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function exportCsv() {
    setError(null);
    try {
      saveBlob(await props.api.exportCannedCsv(), "canned-responses.csv");
    } catch (e) {
      setError(messageOf(e));
    }
  }

  async function importCsv(input: HTMLInputElement) {
    const file = input.files?.[0];
    if (!file) return;
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await props.api.importCannedCsv(await file.text()));
      props.onImported();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
      // The same file can be chosen again after fixing it.
      input.value = "";
    }
  }

  return (
    <section class="panel" aria-labelledby="csv-title">
      <h2 id="csv-title">{tr("options.canned.csv")}</h2>
      <p class="muted">{tr("options.canned.csvHint")}</p>
      <div class="csv-actions">
        <button type="button" onClick={() => void exportCsv()}>
          {tr("options.canned.export")}
        </button>
        <label class="file-button">
          {busy ? tr("options.canned.importing") : tr("options.canned.import")}
          <input type="file" accept=".csv,text/csv" disabled={busy} onChange={(e) => void importCsv(e.currentTarget)} />
        </label>
      </div>
      <ErrorAlert error={error} />
      <div role="status">
        {result && (
          <>
            <p class="saved">{tr("options.canned.imported", { imported: result.imported, updated: result.updated })}</p>
            {result.errors.length > 0 && (
              <>
                <p>{tr("options.canned.refused", { n: result.errors.length })}</p>
                <ul class="refused">
                  {result.errors.map((e) => (
                    <li>{tr("options.canned.row", { row: e.row, message: e.message })}</li>
                  ))}
                </ul>
              </>
            )}
          </>
        )}
      </div>
    </section>
  );
}
