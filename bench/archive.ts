import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { archiveStores, type Archive } from "../shared/archive.ts";
import { importArchiveFile } from "../scripts/import-archive.ts";
import { secrets, startStack, type Stack } from "../test/e2e/stack.ts";

/**
 * Moving the benchmark's own workspace, with everything the earlier parts (the soak above all) left in it, to a
 * second, fresh dev server: how large the archive is, how long the export and the stepped import take, and whether
 * every table there holds as many rows as the file (the import command checks and refuses otherwise).
 */
export async function moveWorkspace(stack: Stack, adminToken: string) {
  const folder = mkdtempSync(join(tmpdir(), "bench-archive-"));
  const file = join(folder, "workspace.json");
  let fresh: Stack | null = null;
  try {
    const exportStarted = performance.now();
    const response = await fetch(`${stack.workerUrl}/api/workspace/export`, { headers: { authorization: `Bearer ${adminToken}` } });
    if (!response.ok) throw new Error(`export: HTTP ${response.status}`);
    const text = await response.text();
    const exportMs = performance.now() - exportStarted;
    writeFileSync(file, text);
    const archive = JSON.parse(text) as Archive;
    const rows = archiveStores(archive).reduce((sum, [, tables]) => sum + Object.values(tables).reduce((s, t) => s + t.length, 0), 0);
    const messages = archive.numbers.reduce((sum, n) => sum + (n.tables.messages?.length ?? 0), 0);

    fresh = await startStack({ seed: false });
    const importStarted = performance.now();
    // Throws unless every table holds as many rows as the file.
    await importArchiveFile({ file, url: fresh.workerUrl, setupToken: secrets.SETUP_TOKEN });
    const importMs = performance.now() - importStarted;
    return {
      archive_numbers: archive.numbers.length,
      archive_messages: messages,
      archive_rows: rows,
      archive_mb: Math.round((text.length / 1024 / 1024) * 10) / 10,
      archive_export_s: Math.round(exportMs / 100) / 10,
      archive_import_s: Math.round(importMs / 100) / 10,
      archive_rows_matched: true,
    };
  } finally {
    await fresh?.dispose();
    rmSync(folder, { recursive: true, force: true });
  }
}
