import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { detectorSession, NeedsClick, pairAvailability, supported, translatorFor, Unavailable, type Availability } from "../../extension/lib/translation";

/**
 * The browser side of translation, against a stand-in for Chrome's API objects: when may it ask the browser to create a
 * translator? Debian's Chromium 156 closed the extension page on `create()` without a click while a model was still to
 * download, and opening a conversation is itself a click, so the rule is: a model on the device, or the agent's own
 * click on a download button (`download` given) while its activation lasts.
 */
const g = globalThis as Record<string, unknown>;
const creates: { pair: string; monitored: boolean }[] = [];
let availability: Availability = "available";
let failNext = false;

function install() {
  g.Translator = {
    availability: async () => availability,
    create: async (o: { sourceLanguage: string; targetLanguage: string; monitor?: (m: EventTarget) => void }) => {
      creates.push({ pair: `${o.sourceLanguage}>${o.targetLanguage}`, monitored: Boolean(o.monitor) });
      if (failNext) {
        failNext = false;
        throw new Error("download interrupted");
      }
      const target = new EventTarget();
      o.monitor?.(target);
      target.dispatchEvent(Object.assign(new Event("downloadprogress"), { loaded: 1 }));
      return { translate: async (text: string) => `(${o.targetLanguage}) ${text}` };
    },
  };
  g.LanguageDetector = {
    availability: async () => availability,
    create: async () => ({ detect: async () => [{ detectedLanguage: "es", confidence: 0.9 }] }),
  };
}

function clicking(active: boolean) {
  Object.defineProperty(navigator, "userActivation", { value: { isActive: active }, configurable: true });
}

let pairs = 0;
/** A language pair not used before, so the module's cache of translators does not answer for it. */
const freshPair = () => [`x${pairs}`, `y${pairs++}`] as const;

afterEach(() => {
  delete g.Translator;
  delete g.LanguageDetector;
  clicking(false);
  creates.length = 0;
  availability = "available";
});

describe("when the panel may ask the browser for a translator", () => {
  it("only for a model on the device, or within the agent's click on a download button", async () => {
    install();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<Availability>("available", "downloadable", "downloading", "unavailable"), fc.boolean(), fc.boolean(), async (state, asked, clicked) => {
        availability = state;
        clicking(clicked);
        creates.length = 0;
        const [from, to] = freshPair();
        const result = await translatorFor(from, to, asked ? () => undefined : undefined).then(
          () => "created",
          (e: unknown) => (e instanceof NeedsClick ? "needs click" : e instanceof Unavailable ? "unavailable" : String(e)),
        );
        const allowed = state === "available" || (state !== "unavailable" && asked && clicked);
        expect(creates.map((c) => c.pair)).toEqual(allowed ? [`${from}>${to}`] : []);
        expect(result).toBe(allowed ? "created" : state === "unavailable" ? "unavailable" : "needs click");
      }),
    );
  });

  it("opens a pair once and reuses it; a failed download is forgotten so the button can try again", async () => {
    install();
    const [from, to] = freshPair();
    const first = await translatorFor(from, to);
    expect(await translatorFor(from, to)).toBe(first);
    expect(creates).toHaveLength(1);
    expect(await pairAvailability(from, to)).toBe("available");

    availability = "downloadable";
    clicking(true);
    failNext = true;
    const [a, b] = freshPair();
    const progress: number[] = [];
    await expect(translatorFor(a, b, (loaded) => progress.push(loaded))).rejects.toThrow("download interrupted");
    const again = await translatorFor(a, b, (loaded) => progress.push(loaded));
    expect(await again.translate("Hola")).toBe(`(${b}) Hola`);
    expect(creates.slice(1)).toEqual([{ pair: `${a}>${b}`, monitored: true }, { pair: `${a}>${b}`, monitored: true }]);
    expect(progress).toEqual([1]);
  });

  it("the detector follows the same rule, and a browser without the APIs says so", async () => {
    expect(supported()).toEqual({ translator: false, detector: false });
    expect(await pairAvailability("es", "en")).toBe("unavailable");
    await expect(translatorFor("es", "en")).rejects.not.toBeInstanceOf(NeedsClick);
    install();
    expect(supported()).toEqual({ translator: true, detector: true });
    availability = "downloadable";
    clicking(true);
    await expect(detectorSession()).rejects.toBeInstanceOf(NeedsClick);
    const detector = await detectorSession(() => undefined);
    expect(await detector.detect("Hola, ¿tienen envío a Madrid?")).toEqual([{ detectedLanguage: "es", confidence: 0.9 }]);
    clicking(false);
    expect(await detectorSession()).toBe(detector);
  });
});
