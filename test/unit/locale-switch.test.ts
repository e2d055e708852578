import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { getLocale, setLocale, t, type Locale } from "../../extension/lib/i18n";

afterEach(() => setLocale("en"));

describe("setLocale: the language picked last is the one in force", () => {
  it("whatever order the dictionaries arrive in, only the last pick switches the language", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom<Locale>("en", "zh"), { minLength: 1, maxLength: 6 }), async (picks) => {
        // Picked in one go, as an agent clicking 中文 then English does before either dictionary is in.
        const outcomes = await Promise.all(picks.map((locale) => setLocale(locale)));
        const last = picks.at(-1)!;
        expect(getLocale()).toBe(last);
        expect(outcomes).toEqual(picks.map((locale) => locale === last));
        expect(t("settings.language")).toBe(last === "zh" ? "语言" : "Language");
      }),
      { numRuns: 60 },
    );
  });
});
