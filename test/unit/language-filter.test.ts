import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Conversation } from "../../shared/inbox";
import { languagesIn, matchesLanguage } from "../../extension/options/language-filter";

const conversation = (id: number, language: string | null): Conversation => ({
  id: String(id),
  phoneNumberId: "105550100",
  contact: { id: String(id), waId: `86138000000${id}`, name: null, language },
  status: "open",
  assigneeId: "lina",
  assignmentReason: null,
  queuedAt: null,
  teamId: null,
  createdAt: 0,
  lastMessageAt: 0,
  lastMessagePreview: "",
  unread: 0,
  windowClosesAt: null,
  snoozedUntil: null,
  tags: [],
  resolveReason: null,
  csat: null,
});

const detected = fc.constantFrom<string | null>("zh", "zh-Hant", "zh-CN", "en", "en-GB", "es", "pt-BR", null);

describe("the floor's filter by customer language", () => {
  it("offers each base language once, and its choices split the list: every conversation under exactly one", () => {
    fc.assert(
      fc.property(fc.array(detected, { maxLength: 30 }), (languages) => {
        const list = languages.map((l, i) => conversation(i, l));
        const { languages: offered, undetected } = languagesIn(list);
        expect(new Set(offered).size).toBe(offered.length);
        expect(offered.every((code) => !code.includes("-"))).toBe(true);
        const choices = [...offered, ...(undetected ? [""] : [])];
        for (const c of list) expect(choices.filter((choice) => matchesLanguage(c, choice))).toHaveLength(1);
        expect(list.filter((c) => matchesLanguage(c, null))).toHaveLength(list.length);
      }),
    );
  });

  it("a base language finds its variants, as the server's ?language= does, and no other language sharing its letters", () => {
    expect(matchesLanguage(conversation(1, "zh-Hant"), "zh")).toBe(true);
    expect(matchesLanguage(conversation(1, "zh"), "zh-Hant")).toBe(false);
    expect(matchesLanguage(conversation(1, "zha"), "zh")).toBe(false);
    expect(matchesLanguage(conversation(1, null), "")).toBe(true);
    expect(matchesLanguage(conversation(1, "en"), "")).toBe(false);
  });
});
