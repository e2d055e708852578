/**
 * A stand-in for Chrome's built-in Translator and LanguageDetector, installed in the panel's page before its scripts
 * run. Debian's Chromium here defines both APIs but cannot download their models (no route to Google's servers), so
 * the browser tests translate with this: a small dictionary of the demo sentences, with the real API's shape —
 * availability per pair, create() with a download monitor that needs a click while a model is still to download.
 */
export type FakeAvailability = "unavailable" | "downloadable" | "downloading" | "available";

export interface FakeAiOptions {
  /** Delete both APIs, as in a browser without them. */
  remove?: boolean;
  /** Each sentence in its languages; a text is detected as the language it is listed under. */
  sentences?: Record<string, string>[];
  /** Per "from>to" pair; any other pair is "available". */
  pairs?: Record<string, FakeAvailability>;
  /** The language detector's model; "available" unless given. */
  detector?: FakeAvailability;
}

/** What the page's fake saw, read by the test through `window.__fakeAi`. */
export interface FakeAiRecord {
  /** Each create() call: a translator's "from>to", or "detector". */
  creates: { pair: string; withClick: boolean }[];
  detected: string[];
}

/** Runs inside the page (serialized by Playwright): it may use nothing from this file's scope. */
export function installFakeAi(options: FakeAiOptions): void {
  const g = globalThis as Record<string, unknown>;
  if (options.remove) {
    delete g.Translator;
    delete g.LanguageDetector;
    return;
  }
  const sentences = options.sentences ?? [];
  const pairs: Record<string, FakeAvailability> = { ...(options.pairs ?? {}) };
  let detector: FakeAvailability = options.detector ?? "available";
  const record: FakeAiRecord = { creates: [], detected: [] };
  g.__fakeAi = record;
  const clicked = () => (navigator as { userActivation?: { isActive: boolean } }).userActivation?.isActive === true;

  function languageOf(text: string): { detectedLanguage: string; confidence: number }[] {
    for (const sentence of sentences) {
      for (const [language, words] of Object.entries(sentence)) if (words === text) return [{ detectedLanguage: language, confidence: 0.96 }, { detectedLanguage: "und", confidence: 0.04 }];
    }
    // Not in the dictionary: Han characters read as Chinese, anything else as a guess too weak to trust.
    return /\p{Script=Han}/u.test(text) ? [{ detectedLanguage: "zh", confidence: 0.9 }] : [{ detectedLanguage: "en", confidence: 0.4 }, { detectedLanguage: "fr", confidence: 0.3 }];
  }

  type Monitor = EventTarget;
  async function download(monitor: ((m: Monitor) => void) | undefined) {
    const target = new EventTarget();
    monitor?.(target);
    for (const loaded of [0, 0.4, 1]) {
      await new Promise((r) => setTimeout(r, 250));
      target.dispatchEvent(Object.assign(new Event("downloadprogress"), { loaded }));
    }
  }

  class FakeTranslator {
    readonly sourceLanguage: string;
    readonly targetLanguage: string;
    constructor(sourceLanguage: string, targetLanguage: string) {
      this.sourceLanguage = sourceLanguage;
      this.targetLanguage = targetLanguage;
    }
    static async availability(o: { sourceLanguage: string; targetLanguage: string }): Promise<FakeAvailability> {
      return pairs[`${o.sourceLanguage}>${o.targetLanguage}`] ?? "available";
    }
    static async create(o: { sourceLanguage: string; targetLanguage: string; monitor?: (m: Monitor) => void }) {
      const pair = `${o.sourceLanguage}>${o.targetLanguage}`;
      const withClick = clicked();
      record.creates.push({ pair, withClick });
      const availability = pairs[pair] ?? "available";
      if (availability === "unavailable") throw new DOMException("Unable to create translator for the given source and target language.", "NotSupportedError");
      if (availability !== "available") {
        // As the real API: fetching a model needs a user gesture.
        if (!withClick) throw new DOMException("Requires a user gesture when availability is \"downloadable\" or \"downloading\".", "NotAllowedError");
        pairs[pair] = "downloading";
        await download(o.monitor);
        pairs[pair] = "available";
      }
      return new FakeTranslator(o.sourceLanguage, o.targetLanguage);
    }
    async translate(text: string): Promise<string> {
      const sentence = sentences.find((s) => s[this.sourceLanguage] === text);
      return sentence?.[this.targetLanguage] ?? `[${this.targetLanguage}] ${text}`;
    }
    destroy() {}
  }

  class FakeDetector {
    static async availability(): Promise<FakeAvailability> {
      return detector;
    }
    static async create(o: { monitor?: (m: Monitor) => void } = {}) {
      const withClick = clicked();
      record.creates.push({ pair: "detector", withClick });
      if (detector === "unavailable") throw new DOMException("Model not available", "NotSupportedError");
      if (detector !== "available") {
        if (!withClick) throw new DOMException("Requires a user gesture.", "NotAllowedError");
        detector = "downloading";
        await download(o.monitor);
        detector = "available";
      }
      return new FakeDetector();
    }
    async detect(text: string) {
      record.detected.push(text);
      return languageOf(text);
    }
    destroy() {}
  }

  Object.defineProperty(g, "Translator", { value: FakeTranslator, configurable: true, writable: true });
  Object.defineProperty(g, "LanguageDetector", { value: FakeDetector, configurable: true, writable: true });
}
