import type { Template } from "../../shared/inbox";
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
  const headerText = header?.format?.toUpperCase() === "TEXT" || (header && !header.format) ? (header.text ?? null) : null;
  const body = find("BODY")?.text ?? "";
  const buttons = find("BUTTONS")?.buttons ?? [];
  return {
    name: t.name,
    language: t.language,
    status: t.status,
    category: t.category ?? null,
    header: headerText,
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
