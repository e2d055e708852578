import { cannedCsvColumns, cannedRequestSchema, type CannedRequest, type CannedResponse } from "../../shared/catalog";
import { formatCsv, parseCsv } from "../../shared/csv";
import { describeZodError } from "../lib/errors";

export type CsvRowOutcome = { row: number; request: CannedRequest } | { row: number; error: string };

/**
 * Reads a canned responses CSV into company-library requests, one outcome per data row, so one bad row is
 * reported by its spreadsheet row number and the others still import. The header may name the columns in any
 * order; "teams" holds team names separated by "|".
 */
export function readCannedCsv(text: string, teamIdOf: (name: string) => string | null): { outcomes: CsvRowOutcome[]; problem: string | null } {
  const rows = parseCsv(text);
  const header = rows[0]?.map((h) => h.trim().toLowerCase());
  if (!header) return { outcomes: [], problem: "the file is empty" };
  const missing = ["shortcode", "title", "body"].filter((c) => !header.includes(c));
  if (missing.length) return { outcomes: [], problem: `the first row must name the columns; missing: ${missing.join(", ")} (expected ${cannedCsvColumns.join(",")})` };
  const column = (cells: string[], name: string) => {
    const index = header.indexOf(name);
    return index < 0 ? undefined : cells[index];
  };
  const outcomes = rows.slice(1).map((cells, i): CsvRowOutcome => {
    const row = i + 2;
    const teamNames = (column(cells, "teams") ?? "").split("|").map((t) => t.trim()).filter(Boolean);
    const unknown = teamNames.find((name) => !teamIdOf(name));
    if (unknown) return { row, error: `teams: no team named ${unknown}` };
    const parsed = cannedRequestSchema.safeParse({
      shortcode: column(cells, "shortcode") ?? "",
      title: column(cells, "title") ?? "",
      body: column(cells, "body") ?? "",
      language: column(cells, "language")?.trim() || undefined,
      company: true,
      teamIds: teamNames.map((name) => teamIdOf(name)!),
    });
    return parsed.success ? { row, request: parsed.data } : { row, error: describeZodError(parsed.error) };
  });
  return { outcomes, problem: null };
}

export function writeCannedCsv(canned: CannedResponse[], teamNameOf: (id: string) => string): string {
  return formatCsv([
    [...cannedCsvColumns],
    ...canned.map((c) => [c.shortcode, c.title, c.body, c.language, c.teamIds.map(teamNameOf).join("|")]),
  ]);
}
