/**
 * Finds English sentences left in text a 中文 reader sees: runs of two or more English words in a row. One English
 * word alone is allowed (a key name like Enter or Esc, a unit, a tag's bilingual name "需求类型 / Need"); two in a row
 * is a phrase someone forgot to translate. Pure, so the browser test and its unit tests share it.
 */

/**
 * Names that stay in English in a Chinese interface, each with why. Kept short on purpose: anything else that is
 * English in the test's data (a customer's own words, a demo customer's name) is passed in by the test that wrote it.
 */
export const ALWAYS_ALLOWED: readonly string[] = [
  // Brand and product names, never translated in Chinese interfaces.
  "WhatsApp Business",
  "WhatsApp Cloud API",
  "Cloud API",
  "Graph API",
  "Meta Business Suite",
  "WhatsApp Manager",
  // The demo company and its number's display name ("Acme Store 客服"): a business's own name.
  "Acme Store",
  // Keyboard keys, as printed on the keyboard.
  "Shift Enter",
  "Page Up",
  "Page Down",
];

/**
 * Emails, URLs and identifiers are not sentences: template names (order_update), ids (wamid.X, canned:ck3x), time
 * zones (Asia/Shanghai).
 */
const NOT_WORDS = /[A-Za-z]+\/[A-Za-z_/+-]+|\b[a-z_]+:[a-z0-9]+\b|[\w.+-]+@[\w-]+(\.[\w-]+)+|\b[a-z][a-z0-9+.-]*:\/\/[^\s，。、）]+|[\w-]*[_\d][\w-]*|\b\w+\.\w+[\w.]*/gi;

/** A Latin word: letters, with an inner apostrophe or hyphen ("don't", "e-mail"). */
const WORD = /[A-Za-z]+(?:['’-][A-Za-z]+)*/y;
/**
 * What may stand between two words of one English phrase: spaces and sentence punctuation; no CJK, no digits, and no
 * line break or tab (in a page's innerText those end an element: two labels on two lines are not one phrase).
 */
const BETWEEN = /[ \u00a0,.;:!?"“”'‘’()&\/-]*/y;

/** What stands in for a removed part: neither a letter nor a space, so it joins nothing and splits runs. */
const BLANK = "\u25a0";

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Blanks out each allowed phrase (case-insensitively, whole words, any spacing or punctuation between its words). */
function withoutAllowed(text: string, allowed: readonly string[]): string {
  let out = text;
  // Longest first, so "WhatsApp Business" goes before a shorter phrase inside it.
  for (const phrase of [...allowed].sort((a, b) => b.length - a.length)) {
    const words = phrase.trim().split(/[\s+]+/).filter(Boolean).map(escape);
    if (!words.length) continue;
    const pattern = new RegExp(`(?<![A-Za-z])${words.join("[\\s,.;:!?+/-]*")}(?![A-Za-z])`, "gi");
    out = out.replace(pattern, (m) => BLANK.repeat(m.length));
  }
  return out;
}

/** Each run of 2+ English words in `text` that is not allowed, as it appears (trimmed). */
export function englishRuns(text: string, allowed: readonly string[] = []): string[] {
  const cleaned = withoutAllowed(text.replace(NOT_WORDS, (m) => BLANK.repeat(m.length)), [...ALWAYS_ALLOWED, ...allowed]);
  const runs: string[] = [];
  let i = 0;
  while (i < cleaned.length) {
    WORD.lastIndex = i;
    const first = /[A-Za-z]/.test(cleaned[i]!) && (i === 0 || !/[A-Za-z]/.test(cleaned[i - 1]!)) ? WORD.exec(cleaned) : null;
    if (!first) {
      i++;
      continue;
    }
    let end = WORD.lastIndex;
    let words = 1;
    for (;;) {
      BETWEEN.lastIndex = end;
      BETWEEN.exec(cleaned);
      WORD.lastIndex = BETWEEN.lastIndex;
      const next = BETWEEN.lastIndex > end ? WORD.exec(cleaned) : null;
      if (!next) break;
      end = WORD.lastIndex;
      words++;
    }
    if (words >= 2) runs.push(cleaned.slice(i, end).trim());
    i = end;
  }
  return runs;
}
