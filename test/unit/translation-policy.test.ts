import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  customerLanguage,
  dominantLanguage,
  draftPair,
  hasWords,
  languageEvidence,
  languageName,
  MIN_EVIDENCE,
  normalizeLanguage,
  prefKey,
  sameLanguage,
  shouldStoreLanguage,
  translateFrom,
  trustedLanguage,
  TRUSTED_CONFIDENCE,
  withEntry,
  worthDetecting,
  type Detection,
} from "../../extension/lib/translation-policy";

/** What customers send that has no words in it. */
const noise = fc
  .array(fc.constantFrom("👍", "🙏", "😂", "❤️", "🇪🇸", "0", "7", "42", "#3321", "+86 138 0000 0000", "!", "?", "…", "。", "，", " ", "\n", "https://acme.test/o/3321", "emily@acme.test"))
  .map((parts) => parts.join(""));
const latinWord = fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzáéíóúñü"), minLength: 1, maxLength: 12 });
const hanText = fc.string({ unit: fc.constantFrom(..."你好我上周买的空气炸锅不加热了订单可以开发票吗"), minLength: 1, maxLength: 20 });
const tag = fc.constantFrom("en", "en-US", "EN-gb", "es", "es-MX", "fr", "ja", "ko", "zh", "zh-CN", "zh-Hans", "zh_SG", "zh-TW", "zh-HK", "zh-Hant", "zh-Hant-TW", "pt-BR", "de");
const detection: fc.Arbitrary<Detection> = fc.record({ detectedLanguage: fc.oneof(tag, fc.constant("und")), confidence: fc.double({ min: 0, max: 1, noNaN: true }) });

describe("how much a text says about its language", () => {
  it("emoji, numbers, punctuation, links and e-mail addresses say nothing: never detected, never translated", () => {
    fc.assert(
      fc.property(noise, (text) => {
        expect(languageEvidence(text)).toBe(0);
        expect(hasWords(text)).toBe(false);
        expect(worthDetecting(text)).toBe(false);
      }),
    );
  });

  it("noise around words changes nothing, and texts side by side add up", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(latinWord, hanText), { minLength: 1, maxLength: 6 }), noise, (words, extra) => {
        const plain = words.join(" ");
        expect(languageEvidence(`${extra} ${plain} ${extra}`)).toBe(languageEvidence(plain));
        expect(languageEvidence(plain)).toBe(words.reduce((sum, w) => sum + languageEvidence(w), 0));
      }),
    );
  });

  it("a Han character weighs as three Latin letters, so 你好 and Hola are both too short and 你好吗 is not", () => {
    fc.assert(fc.property(latinWord, hanText, (latin, han) => {
      expect(languageEvidence(latin)).toBe([...latin].length);
      expect(languageEvidence(han)).toBe(3 * [...han].length);
    }));
    expect(worthDetecting("Hola")).toBe(false);
    expect(worthDetecting("你好")).toBe(false);
    expect(worthDetecting("你好吗")).toBe(true);
    expect(worthDetecting("¿Tienen envío a Madrid?")).toBe(true);
    expect(languageEvidence("x".repeat(MIN_EVIDENCE))).toBe(MIN_EVIDENCE);
  });
});

describe("language tags", () => {
  it("normalizing is idempotent, ignores case and region, and keeps Chinese's script", () => {
    fc.assert(
      fc.property(tag, (t) => {
        const once = normalizeLanguage(t);
        expect(once).not.toBeNull();
        expect(normalizeLanguage(once!)).toBe(once);
        expect(normalizeLanguage(t.toUpperCase())).toBe(once);
        expect(sameLanguage(t, t)).toBe(true);
      }),
    );
    expect(["zh", "zh-CN", "zh-Hans", "zh_SG", "zh-Hans-HK"].map(normalizeLanguage)).toEqual(["zh", "zh", "zh", "zh", "zh"]);
    expect(["zh-TW", "zh-HK", "zh-Hant", "zh-Hant-TW", "zh-MO"].map(normalizeLanguage)).toEqual(Array(5).fill("zh-Hant"));
    expect(["es-MX", "EN-gb", "pt-BR"].map(normalizeLanguage)).toEqual(["es", "en", "pt"]);
    expect(["und", "", "1234", "e", "english"].map(normalizeLanguage)).toEqual([null, null, null, null, null]);
  });

  it("sameness is symmetric, and nothing is the same as an unknown language", () => {
    fc.assert(fc.property(tag, tag, (a, b) => sameLanguage(a, b) === sameLanguage(b, a)));
    fc.assert(fc.property(tag, (a) => !sameLanguage(a, null) && !sameLanguage(a, "und") && !sameLanguage(undefined, a)));
    expect(sameLanguage("zh-CN", "zh-TW")).toBe(false);
  });
});

describe("trusting the detector", () => {
  it("takes its most confident answer when it reaches the threshold, in whatever order the answers come", () => {
    fc.assert(
      fc.property(fc.array(detection, { maxLength: 6 }), fc.double({ min: 0.05, max: 1, noNaN: true }), (results, threshold) => {
        const trusted = trustedLanguage(results, threshold);
        if (new Set(results.map((r) => r.confidence)).size === results.length) expect(trustedLanguage([...results].reverse(), threshold)).toBe(trusted);
        const best = Math.max(...results.map((r) => r.confidence), -1);
        if (best < threshold) expect(trusted).toBeNull();
        else expect(trusted).toBe(normalizeLanguage(results.find((r) => r.confidence === best)!.detectedLanguage));
      }),
    );
  });

  it("never trusts \"und\" or a guess under the default threshold", () => {
    expect(trustedLanguage([{ detectedLanguage: "und", confidence: 0.99 }])).toBeNull();
    expect(trustedLanguage([{ detectedLanguage: "es", confidence: TRUSTED_CONFIDENCE - 0.01 }, { detectedLanguage: "pt", confidence: 0.2 }])).toBeNull();
    expect(trustedLanguage([{ detectedLanguage: "es", confidence: 0.93 }, { detectedLanguage: "und", confidence: 0.07 }])).toBe("es");
  });
});

describe("a conversation's language", () => {
  const sample = fc.record({ language: tag, weight: fc.integer({ min: 1, max: 60 }) });

  it("is the language holding more than half of the evidence, whatever the order, or none", () => {
    fc.assert(
      fc.property(fc.array(sample, { maxLength: 12 }), (samples) => {
        const winner = dominantLanguage(samples);
        expect(dominantLanguage([...samples].reverse())).toBe(winner);
        const total = samples.reduce((s, x) => s + x.weight, 0);
        const share = (l: string) => samples.filter((x) => sameLanguage(x.language, l)).reduce((s, x) => s + x.weight, 0);
        if (winner) expect(share(winner) * 2).toBeGreaterThan(total);
        else expect(samples.every((x) => share(x.language) * 2 <= total)).toBe(true);
      }),
    );
  });

  it("one more message in the winning language keeps it, and a unanimous customer is never in doubt", () => {
    fc.assert(
      fc.property(fc.array(sample, { minLength: 1, maxLength: 12 }), sample, (samples, extra) => {
        const winner = dominantLanguage(samples);
        if (winner) expect(dominantLanguage([...samples, { ...extra, language: winner }])).toBe(winner);
        const same = samples.map((s) => ({ ...s, language: extra.language }));
        expect(dominantLanguage(same)).toBe(normalizeLanguage(extra.language));
      }),
    );
  });

  it("comes from this visit's detections first, then this browser's memory, then the server's", () => {
    expect(customerLanguage("es", "pt", "fr")).toBe("es");
    expect(customerLanguage(null, "pt-BR", "fr")).toBe("pt");
    expect(customerLanguage(null, undefined, "zh-TW")).toBe("zh-Hant");
    expect(customerLanguage(null, null, null)).toBeNull();
  });
});

describe("what gets translated", () => {
  it("never a text without words, never into the language it is in, and a message's own detection wins", () => {
    fc.assert(
      fc.property(fc.oneof(latinWord, hanText, noise), fc.option(tag), fc.option(tag), fc.constantFrom("en", "zh"), (text, own, conversation, agent) => {
        const from = translateFrom(text, own, conversation, agent);
        if (!hasWords(text)) expect(from).toBeNull();
        if (from) {
          expect(sameLanguage(from, agent)).toBe(false);
          expect(from).toBe(normalizeLanguage(own ?? conversation!));
        } else if (hasWords(text) && (own ?? conversation)) {
          expect(sameLanguage(own ?? conversation, agent)).toBe(true);
        }
      }),
    );
    expect(translateFrom("gracias", null, "es", "en")).toBe("es");
    expect(translateFrom("OK thank you very much", "en", "es", "en")).toBeNull();
    expect(translateFrom("👍", null, "es", "en")).toBeNull();
  });

  it("a draft goes from its own language (or the agent's) to the customer's, and nowhere when they match or the customer's is unknown", () => {
    fc.assert(
      fc.property(fc.option(tag), fc.constantFrom("en", "zh"), fc.option(tag), (draft, agent, customer) => {
        const pair = draftPair(draft, agent, customer);
        if (!customer) expect(pair).toBeNull();
        if (pair) {
          expect(pair.from).not.toBe(pair.to);
          expect(pair).toEqual({ from: normalizeLanguage(draft ?? agent), to: normalizeLanguage(customer!) });
        } else if (customer) expect(sameLanguage(draft ?? agent, customer)).toBe(true);
      }),
    );
  });

  it("the server is told a language only when it is new to the contact", () => {
    fc.assert(
      fc.property(fc.option(tag, { nil: undefined }), fc.option(tag), (stored, detected) => {
        const detectedTag = detected === null ? null : normalizeLanguage(detected);
        expect(shouldStoreLanguage(stored, detectedTag)).toBe(detectedTag !== null && !sameLanguage(stored, detectedTag));
      }),
    );
  });

  it("languages are named in the panel's language", () => {
    expect(languageName("es", "en")).toBe("Spanish");
    expect(languageName("zh", "en")).toBe("Chinese");
    expect(languageName("es", "zh")).toBe("西班牙语");
    expect(languageName("en", "zh")).toBe("英语");
    expect(languageName("not a tag!", "en")).toBe("not a tag!");
  });
});

describe("what the panel remembers", () => {
  it("keeps at most the newest `limit` entries, the one just set last, the others in their order", () => {
    // As the panel's keys: "phoneNumberId/id" (an integer-like key would be reordered by the object itself).
    const key = fc.string({ unit: fc.constantFrom(..."abc123"), minLength: 1, maxLength: 3 }).map((id) => prefKey("105550100", id));
    fc.assert(
      fc.property(fc.array(fc.tuple(key, fc.option(fc.string(), { nil: undefined })), { maxLength: 30 }), fc.integer({ min: 1, max: 8 }), (steps, limit) => {
        let record: Record<string, string> = {};
        for (const [k, v] of steps) {
          const before = Object.keys(record).filter((x) => x !== k);
          record = withEntry(record, k, v, limit);
          const keys = Object.keys(record);
          expect(keys.length).toBeLessThanOrEqual(limit);
          if (v === undefined) expect(k in record).toBe(false);
          else {
            expect(keys.at(-1)).toBe(k);
            expect(record[k]).toBe(v);
          }
          const kept = keys.filter((x) => x !== k);
          expect(kept).toEqual(before.slice(before.length - kept.length));
        }
      }),
    );
  });
});
