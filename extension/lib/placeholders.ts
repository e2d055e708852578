/**
 * Canned-response placeholders. {known variables} fill themselves; [bracketed] ones are for the agent to fill,
 * Tab jumps between them, and a reply with one left is not sent.
 */
const BRACKETED = /\[[^[\]\n]{1,40}\]/g;

export interface KnownValues {
  customerName: string | null;
  agentName: string;
  numberName: string;
  attributes: Record<string, string>;
}

/** Replaces {customer name}, {agent name}, {number name} (or their Chinese names) and {any attribute key}. */
export function fillKnown(body: string, values: KnownValues): string {
  const known: Record<string, string | null> = {
    "customer name": values.customerName,
    客户姓名: values.customerName,
    "agent name": values.agentName,
    客服姓名: values.agentName,
    "number name": values.numberName,
    号码名称: values.numberName,
    ...values.attributes,
  };
  return body.replace(/\{([^{}\n]{1,40})\}/g, (match, name: string) => {
    const value = known[name.trim()] ?? known[name.trim().toLowerCase()];
    return value ? value : match;
  });
}

export function unfilledPlaceholders(text: string): string[] {
  return text.match(BRACKETED) ?? [];
}

/** The next [placeholder] at or after `from` (wrapping to the first), as a selection range. */
export function nextPlaceholder(text: string, from: number): { start: number; end: number } | null {
  const all = [...text.matchAll(BRACKETED)].map((m) => ({ start: m.index!, end: m.index! + m[0].length }));
  return all.find((p) => p.start >= from) ?? all[0] ?? null;
}
