import type { Locale } from "./locale";
import type en from "./locales/en";

export type { Locale };
export type Key = keyof typeof en;

/**
 * Each language is a chunk of its own, fetched on demand: a reader downloads one dictionary, not both. Every
 * entry point awaits `setLocale` before its first render or notification, so `t` can stay synchronous.
 */
const loaders: Record<Locale, () => Promise<{ default: Record<Key, string> }>> = {
  en: () => import("./locales/en"),
  zh: () => import("./locales/zh"),
};
const dictionaries: Partial<Record<Locale, Record<Key, string>>> = {};

export async function loadLocale(locale: Locale): Promise<void> {
  dictionaries[locale] ??= (await loaders[locale]()).default;
}

/** Follows the browser until the agent picks a language (kept in storage); the pages re-render on change. */
let current: Locale = navigator.language.toLowerCase().startsWith("zh") ? "zh" : "en";

export const getLocale = (): Locale => current;
/** The language asked for last: a slower dictionary asked for earlier must not switch back to its language. */
let wanted: Locale = current;

/**
 * Switches once the language's dictionary is loaded: nothing renders in the old language half-way, or a missing key.
 * Resolves true when this call's language is the one in force, false when a later call overtook it.
 */
export async function setLocale(next: Locale): Promise<boolean> {
  wanted = next;
  await loadLocale(next);
  if (wanted !== next) return false;
  current = next;
  // The background's service worker has no document; its notifications follow the same language.
  const page = (globalThis as { document?: { documentElement: { lang: string } } }).document;
  if (page) page.documentElement.lang = next === "zh" ? "zh-CN" : "en";
  return true;
}

function fill(text: string, vars: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? ""));
}

export function t(key: Key, vars: Record<string, string | number> = {}): string {
  return fill(dictionaries[current]![key], vars);
}

/**
 * A `t` over another pair of dictionaries that follows the same language switch. The options page keeps its
 * strings in its own file through this, so they never weigh on the side panel's bundle.
 */
export function translator<K extends string>(pages: Record<Locale, Record<K, string>>) {
  return (key: K, vars: Record<string, string | number> = {}): string => fill(pages[current][key], vars);
}

/** "Today", "Yesterday", or the date, for the separators between days in a conversation. */
export function formatDay(ms: number, now = Date.now()): string {
  const day = new Date(ms).toDateString();
  if (day === new Date(now).toDateString()) return current === "zh" ? "今天" : "Today";
  if (day === new Date(now - 86_400_000).toDateString()) return current === "zh" ? "昨天" : "Yesterday";
  return new Date(ms).toLocaleDateString(current === "zh" ? "zh-CN" : "en", { year: "numeric", month: "long", day: "numeric", weekday: "short" });
}

export function formatTime(ms: number): string {
  const date = new Date(ms);
  const sameDay = new Date().toDateString() === date.toDateString();
  const tag = current === "zh" ? "zh-CN" : "en";
  return sameDay
    ? date.toLocaleTimeString(tag, { hour: "2-digit", minute: "2-digit" })
    : date.toLocaleDateString(tag, { month: "short", day: "numeric" });
}
