import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { errorText } from "../../extension/lib/error-text";
import { setLocale } from "../../extension/lib/i18n";

const root = resolve(import.meta.dirname, "../..");

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));
}

/** Every code the worker gives a refusal: `refuse(status, message, "code")`, `{ code: "…" }` on a route's error, a computed one's choices. */
function serverCodes(): Set<string> {
  const codes = new Set<string>();
  for (const file of sources(resolve(root, "worker"))) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/refuse\(\d{3},[^;]*?,\s*"([a-z_]+)"/g)) codes.add(m[1]!);
    for (const m of text.matchAll(/errorResponse\([^;]*?\{\s*code:\s*"([a-z_]+)"/g)) codes.add(m[1]!);
    for (const m of text.matchAll(/const code = (![^;]+);/g)) for (const c of m[1]!.matchAll(/"([a-z_]+)"/g)) codes.add(c[1]!);
  }
  for (const m of readFileSync(resolve(root, "shared/error-codes.ts"), "utf8").matchAll(/^\s+\d{3}: "([a-z_]+)",$/gm)) codes.add(m[1]!);
  return codes;
}

describe("the server's error codes", () => {
  it("each has words in English and 中文 in the extension, so no refusal reaches a reader as the server's English", async () => {
    const codes = serverCodes();
    expect(codes.size).toBeGreaterThan(40);
    const missing: string[] = [];
    for (const locale of ["en", "zh"] as const) {
      await setLocale(locale);
      for (const code of codes) if (errorText(code, { name: "陈伟", field: "x" }, "UNTRANSLATED") === "UNTRANSLATED") missing.push(`${locale}: ${code}`);
    }
    expect(missing).toEqual([]);
  });
});
