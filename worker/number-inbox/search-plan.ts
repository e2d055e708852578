/**
 * How a search box query becomes SQL. Pure. FTS5's trigram tokenizer needs three characters; shorter
 * queries fall back to a LIKE match (slower, bounded by LIMIT). Phone numbers match on digits alone.
 */
export interface SearchPlan {
  /** The query with its whitespace collapsed, for substring matches (instr) that have no pattern-length limit. */
  text: string;
  /** An FTS5 MATCH expression (a quoted phrase), or null when the query is too short for trigrams. */
  ftsPhrase: string | null;
  /** A LIKE pattern for short queries, with % and _ escaped (ESCAPE '\\'); SQLite refuses patterns over 50 bytes. */
  likePattern: string;
  /** Digits only, for matching phone numbers however they were typed ("+86 138-0013 8000"). */
  digits: string | null;
}

export function planSearch(query: string): SearchPlan | null {
  const text = query.trim().replace(/\s+/g, " ");
  if (!text) return null;
  const digits = text.replace(/[^\d]/g, "");
  return {
    text,
    ftsPhrase: [...text].length >= 3 ? `"${text.replace(/"/g, '""')}"` : null,
    likePattern: `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
    digits: digits.length >= 3 && /^[\d\s+()-]+$/.test(text) ? digits : null,
  };
}

/** A short excerpt around the first match, for the result row. */
export function snippet(text: string, query: string, radius = 30): string {
  const at = text.toLowerCase().indexOf(query.trim().toLowerCase());
  if (at < 0) return text.length > radius * 2 ? `${text.slice(0, radius * 2)}…` : text;
  const start = Math.max(0, at - radius);
  const end = Math.min(text.length, at + query.trim().length + radius);
  return `${start > 0 ? "…" : ""}${text.slice(start, end)}${end < text.length ? "…" : ""}`;
}
