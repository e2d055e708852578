/**
 * Chrome's built-in Translator and LanguageDetector (on-device models: no text leaves the machine), behind a few
 * functions that never surprise the panel: each says what the browser can do now, and only a click starts a download.
 *
 * Chrome downloads a model on first use. Called without a user gesture while a model is still to download, `create()`
 * must reject with NotAllowedError; Debian's Chromium 156 instead closed the whole extension page (seen here). So a
 * translator or detector is created either when it is already "available" or inside the click that asked for it.
 */
import type { Detection } from "./translation-policy";

export type Availability = "unavailable" | "downloadable" | "downloading" | "available";

interface Monitor {
  addEventListener(type: "downloadprogress", listener: (event: Event & { loaded: number }) => void): void;
}
interface CreateOptions {
  monitor?: (monitor: Monitor) => void;
  signal?: AbortSignal;
}
export interface TranslatorSession {
  translate(text: string): Promise<string>;
}
interface DetectorSession {
  detect(text: string): Promise<Detection[]>;
}
interface TranslatorApi {
  availability(pair: { sourceLanguage: string; targetLanguage: string }): Promise<Availability>;
  create(options: { sourceLanguage: string; targetLanguage: string } & CreateOptions): Promise<TranslatorSession>;
}
interface DetectorApi {
  availability(): Promise<Availability>;
  create(options?: CreateOptions): Promise<DetectorSession>;
}

const ai = () => globalThis as { Translator?: TranslatorApi; LanguageDetector?: DetectorApi };

/** Whether this browser has the two APIs at all (Chrome 138+ on desktop, in a secure context). */
export function supported(): { translator: boolean; detector: boolean } {
  return { translator: typeof ai().Translator?.create === "function", detector: typeof ai().LanguageDetector?.create === "function" };
}

/** Inside a click (or a key press) the browser allows a download; Chrome's activation lasts a few seconds. */
const hasGesture = () => (navigator as { userActivation?: { isActive: boolean } }).userActivation?.isActive === true;

/** A click that arrived too late (or none at all) to start a download: the panel offers the button again. */
export class NeedsClick extends Error {}
/** The browser has no model for this: a language pair it cannot translate, or no language detection at all. */
export class Unavailable extends Error {}

const translators = new Map<string, Promise<TranslatorSession>>();
let detector: Promise<DetectorSession> | null = null;

export async function pairAvailability(from: string, to: string): Promise<Availability> {
  if (translators.has(`${from}>${to}`)) return "available";
  try {
    return (await ai().Translator?.availability({ sourceLanguage: from, targetLanguage: to })) ?? "unavailable";
  } catch {
    return "unavailable";
  }
}

export async function detectorAvailability(): Promise<Availability> {
  if (detector) return "available";
  try {
    return (await ai().LanguageDetector?.availability()) ?? "unavailable";
  } catch {
    return "unavailable";
  }
}

const monitor = (onProgress: (loaded: number) => void): CreateOptions => ({
  monitor: (m) => m.addEventListener("downloadprogress", (e) => onProgress(e.loaded)),
});

/**
 * Whether `create()` may be called now. A model on the device: always. One still to download: only when the agent asked
 * for it (`download` given, from the button's click) and the click's activation is still live. Opening a conversation
 * is a click too, so without `download` nothing is ever fetched behind the agent's back.
 */
async function mayCreate(availability: () => Promise<Availability>, download: unknown): Promise<boolean> {
  // Read before the first await, while the click's activation surely lasts.
  const clicked = download !== undefined && hasGesture();
  const state = await availability();
  if (state === "unavailable") throw new Unavailable();
  return state === "available" || clicked;
}

/**
 * Opens (once per language pair, then reuses) a translator. With `download` (only from a click), a model still to
 * download is fetched, reporting its progress.
 */
export async function translatorFor(from: string, to: string, download?: (loaded: number) => void): Promise<TranslatorSession> {
  const key = `${from}>${to}`;
  const api = ai().Translator;
  if (!api) throw new Error("Translator API missing");
  if (!translators.has(key) && !(await mayCreate(() => pairAvailability(from, to), download))) throw new NeedsClick();
  let opening = translators.get(key);
  if (!opening) {
    opening = api.create({ sourceLanguage: from, targetLanguage: to, ...(download ? monitor(download) : {}) });
    translators.set(key, opening);
    opening.catch(() => translators.delete(key));
  }
  return opening;
}

/** The language detector, opened once; like a translator, its model is fetched only with `download`, from a click. */
export async function detectorSession(download?: (loaded: number) => void): Promise<DetectorSession> {
  const api = ai().LanguageDetector;
  if (!api) throw new Error("LanguageDetector API missing");
  if (!detector && !(await mayCreate(detectorAvailability, download))) throw new NeedsClick();
  if (!detector) {
    const opening = api.create(download ? monitor(download) : {});
    detector = opening;
    opening.catch(() => (detector = null));
  }
  return detector;
}
