/**
 * The decisions behind on-device translation, without the browser: is a text worth asking the detector about, can
 * its answer be trusted, which language is a conversation in, does a message need translating for this agent, and
 * what the panel remembers. `translation.ts` does the browser's side; the components only ask these.
 */

/** A detector's answer, as Chrome's LanguageDetector gives it (confidence 0–1; "und" when it cannot tell). */
export interface Detection {
  detectedLanguage: string;
  confidence: number;
}

/** Below this much evidence (see `languageEvidence`) a detection says little: "ok", "👍", "#3321", "Hola". */
export const MIN_EVIDENCE = 8;
/** A detection under this confidence is not used: a wrong translation misleads more than none. */
export const TRUSTED_CONFIDENCE = 0.7;
/** At most this many of the customer's latest messages are asked about, so a long history costs what a short one does. */
export const DETECT_LATEST = 20;

const LINKS = /https?:\/\/\S+|\S+@\S+\.\S+/giu;
const LETTER = /\p{L}/gu;
/** One such character carries about as much as a word's worth of Latin letters. */
const DENSE_SCRIPT = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/**
 * How much a text says about its language: each letter counts once, a Han, kana or Hangul character three times;
 * digits, emoji, punctuation, links and e-mail addresses count nothing.
 */
export function languageEvidence(text: string): number {
  let evidence = 0;
  for (const [letter] of text.replace(LINKS, " ").matchAll(LETTER)) evidence += DENSE_SCRIPT.test(letter) ? 3 : 1;
  return evidence;
}

export const worthDetecting = (text: string): boolean => languageEvidence(text) >= MIN_EVIDENCE;
/** Only emoji, numbers or a link: nothing to translate. */
export const hasWords = (text: string): boolean => languageEvidence(text) > 0;

/**
 * A tag as the Translator API takes it: the language alone, lower case ("es-MX" → "es"), except Chinese, whose script
 * decides the translation ("zh-TW", "zh-Hant" → "zh-Hant"; "zh-CN", "zh-Hans", "zh" → "zh"). Null for "und" or junk.
 */
export function normalizeLanguage(tag: string): string | null {
  const parts = tag.trim().replace(/_/g, "-").toLowerCase().split("-");
  const language = parts[0] ?? "";
  if (!/^[a-z]{2,3}$/.test(language) || language === "und") return null;
  if (language !== "zh") return language;
  const traditional = parts.includes("hant") || (!parts.includes("hans") && parts.some((p) => p === "tw" || p === "hk" || p === "mo"));
  return traditional ? "zh-Hant" : "zh";
}

export function sameLanguage(a: string | null | undefined, b: string | null | undefined): boolean {
  const x = a ? normalizeLanguage(a) : null;
  return x !== null && x === (b ? normalizeLanguage(b) : null);
}

/** The detector's best guess when it is sure enough, normalized; null when it is not, or says "und". */
export function trustedLanguage(results: readonly Detection[], threshold = TRUSTED_CONFIDENCE): string | null {
  let best: Detection | null = null;
  for (const r of results) if (!best || r.confidence > best.confidence) best = r;
  return best && best.confidence >= threshold ? normalizeLanguage(best.detectedLanguage) : null;
}

/**
 * The language a conversation is in, from its messages' trusted detections weighted by their evidence: the one holding
 * more than half of the weight, or null when the customer mixes languages so that none does.
 */
export function dominantLanguage(samples: readonly { language: string; weight: number }[]): string | null {
  const totals = new Map<string, number>();
  let all = 0;
  for (const { language, weight } of samples) {
    const tag = normalizeLanguage(language);
    if (!tag || !(weight > 0)) continue;
    totals.set(tag, (totals.get(tag) ?? 0) + weight);
    all += weight;
  }
  for (const [tag, weight] of totals) if (weight * 2 > all) return tag;
  return null;
}

/**
 * The language to translate an incoming text from, for an agent reading `agentLanguage`; null when it needs no
 * translation. A text too short to detect on its own ("gracias") is taken to be in the conversation's language.
 */
export function translateFrom(text: string, messageLanguage: string | null, conversationLanguage: string | null, agentLanguage: string): string | null {
  if (!hasWords(text)) return null;
  const from = normalizeLanguage(messageLanguage ?? conversationLanguage ?? "");
  return from && !sameLanguage(from, agentLanguage) ? from : null;
}

/**
 * Where the agent's draft goes: from what it was detected as (or the agent's own language) to the customer's; null
 * when the customer's language is unknown or already the draft's.
 */
export function draftPair(draftLanguage: string | null, agentLanguage: string, customerLanguage: string | null): { from: string; to: string } | null {
  const from = normalizeLanguage(draftLanguage ?? agentLanguage);
  const to = customerLanguage ? normalizeLanguage(customerLanguage) : null;
  return from && to && from !== to ? { from, to } : null;
}

/** The detected language is worth telling the server when it is known and differs from what the contact holds. */
export function shouldStoreLanguage(stored: string | null | undefined, detected: string | null): detected is string {
  return detected !== null && !sameLanguage(stored, detected);
}

/** The conversation's language now: this visit's detections first, then what this browser or the server remembered. */
export function customerLanguage(detected: string | null, remembered: string | null | undefined, stored: string | null | undefined): string | null {
  return normalizeLanguage(detected ?? remembered ?? stored ?? "");
}

/**
 * What the panel keeps in extension storage, bounded: the newest `limit` entries of each record. Keys are
 * `phoneNumberId/id` (`prefKey`): ids are counted per number, so "7" alone would name a different customer on each.
 */
export interface TranslationPrefs {
  /** Conversations whose translations the agent switched off (on is the default). */
  hidden: Record<string, true>;
  /** Each contact's language as last detected in this browser, so a returning "ok" still reads as Spanish. */
  languages: Record<string, string>;
  /** The agent closed the "this browser cannot translate" notice; it never comes back. */
  noticeDismissed: boolean;
}
export const EMPTY_PREFS: TranslationPrefs = { hidden: {}, languages: {}, noticeDismissed: false };
export const PREFS_LIMIT = 500;
export const prefKey = (phoneNumberId: string, id: string): string => `${phoneNumberId}/${id}`;

/** The record with `key` set to `value` (or removed when undefined) as its newest entry, trimmed to the newest `limit`. */
export function withEntry<T>(record: Record<string, T>, key: string, value: T | undefined, limit = PREFS_LIMIT): Record<string, T> {
  const entries = Object.entries(record).filter(([k]) => k !== key);
  if (value !== undefined) entries.push([key, value]);
  return Object.fromEntries(entries.slice(Math.max(0, entries.length - limit)));
}

/** "Spanish" / "西班牙语" for "es", in the panel's language; the tag itself when the browser has no name for it. */
export function languageName(tag: string, locale: "en" | "zh"): string {
  try {
    return new Intl.DisplayNames([locale === "zh" ? "zh-CN" : "en"], { type: "language" }).of(tag) ?? tag;
  } catch {
    return tag;
  }
}
