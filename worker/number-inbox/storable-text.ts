/**
 * Text from a payload made fit to store and show. JSON may carry lone UTF-16 surrogates, which SQLite turns into
 * replacement bytes of its own (a stored wamid or name would no longer equal the one sent); they become U+FFFD
 * here, once. Lengths are bounded so no row outgrows what a Durable Object's SQLite stores (2 MB) and no list row
 * carries a novel. Pure.
 */

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The text with lone surrogates replaced by U+FFFD, cut to `max` UTF-16 units (never inside a pair), "…" marking a cut. */
export function storable(text: string, max: number): string {
  const whole = text.replace(LONE_SURROGATE, "\ufffd");
  if (whole.length <= max) return whole;
  let end = max - 1;
  if (/[\ud800-\udbff]/.test(whole[end - 1] ?? "")) end--;
  return `${whole.slice(0, end)}…`;
}

/** Control characters (C0, DEL, C1) and line or paragraph separators: nothing an id or a name is written with. */
export const CONTROL = /[\p{Cc}\p{Zl}\p{Zp}]/u;
