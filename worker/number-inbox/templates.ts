import type { SendRequestOf, Template } from "../../shared/inbox";
import type { GraphTemplate } from "../graph/client";

interface Component {
  type?: string;
  format?: string;
  text?: string;
  buttons?: { type?: string; text?: string }[];
}

const countVariables = (text: string | null): number => new Set(text?.match(/\{\{\s*\d+\s*\}\}/g) ?? []).size;

/** Meta's template components, reduced to what the template picker shows and fills. */
export function summarizeTemplate(t: Pick<GraphTemplate, "name" | "language" | "status" | "category" | "components">): Template {
  const components = (t.components ?? []) as Component[];
  const find = (type: string) => components.find((c) => c.type?.toUpperCase() === type);
  const header = find("HEADER");
  const headerFormat = headerFormatOf(header);
  const headerText = headerFormat === "text" ? (header?.text ?? null) : null;
  const body = find("BODY")?.text ?? "";
  const buttons = find("BUTTONS")?.buttons ?? [];
  return {
    name: t.name,
    language: t.language,
    status: t.status,
    category: t.category ?? null,
    header: headerText,
    headerFormat,
    body,
    footer: find("FOOTER")?.text ?? null,
    quickReplies: buttons.filter((b) => b.type?.toUpperCase() === "QUICK_REPLY").map((b) => b.text ?? ""),
    headerVariables: countVariables(headerText),
    bodyVariables: countVariables(body),
  };
}

/** The text the customer reads, for the conversation history: {{n}} replaced by the agent's values. */
export function renderTemplate(text: string, values: string[]): string {
  return text.replace(/\{\{\s*(\d+)\s*\}\}/g, (match, n: string) => values[Number(n) - 1] ?? match);
}

function headerFormatOf(header: Component | undefined): Template["headerFormat"] {
  if (!header) return "none";
  const format = (header.format ?? "TEXT").toLowerCase();
  return format === "image" || format === "video" || format === "document" || format === "location" ? format : "text";
}

/** Why a send does not fit the approved template (variables, header media), or null when it does. */
export function templateArgumentsProblem(summary: Template, request: SendRequestOf<"template">): string | null {
  if (request.body.length !== summary.bodyVariables || request.header.length !== summary.headerVariables) {
    return `template ${request.name} needs ${summary.headerVariables} header and ${summary.bodyVariables} body variables; got ${request.header.length} and ${request.body.length}`;
  }
  const format = summary.headerFormat;
  const mediaHeader = format === "image" || format === "video" || format === "document";
  if (mediaHeader && request.headerMedia?.kind !== format) return `headerMedia: template ${request.name} has a ${format} header; send the ${format} with it`;
  if (!mediaHeader && request.headerMedia) return `headerMedia: template ${request.name} has no media header`;
  if (format === "location") return `template ${request.name} has a location header, which this inbox cannot fill`;
  return null;
}
