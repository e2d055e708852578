import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { englishRuns } from "../support/english-runs";

describe("englishRuns", () => {
  it("finds the English phrase in a half-translated line", () => {
    expect(englishRuns("已分配给 李娜 · round robin")).toEqual(["round robin"]);
    expect(englishRuns("转接失败：陈伟 is offline")).toEqual(["is offline"]);
    expect(englishRuns("保存失败：invalid request: field shortcode")).toEqual(["invalid request: field shortcode"]);
    expect(englishRuns("String must contain at least 1 character")).toEqual(["String must contain at least"]);
  });

  it("lets single words, numbers, times, emails, URLs and identifiers through", () => {
    expect(englishRuns("需求类型 / Need · Enter 发送，Shift+Enter 换行 · x 选择")).toEqual([]);
    expect(englishRuns("等待 5 min · 10:42 · 2026-12-04 · HTTP 404")).toEqual([]);
    expect(englishRuns("时区 Asia/Shanghai · 对象 canned:ckbmrhnzigcab")).toEqual([]);
    expect(englishRuns("已登录：wang@acme.test · http://127.0.0.1:8787/api/sessions · 模板 order_update_v2 · wamid.HBgL")).toEqual([]);
  });

  it("lets brand names and what the caller allows through, and nothing more", () => {
    expect(englishRuns("通过 WhatsApp Cloud API 连接 Acme Store 客服")).toEqual([]);
    expect(englishRuns("Emily Zhang：Do you ship to Hong Kong?", ["Emily Zhang", "Do you ship to Hong Kong?"])).toEqual([]);
    expect(englishRuns("Emily Zhang：Do you ship to Hong Kong? Sent by bot", ["Emily Zhang", "Do you ship to Hong Kong?"])).toEqual(["Sent by bot"]);
  });

  it("reads each line of a page on its own: two one-word labels on two lines are not a phrase", () => {
    expect(englishRuns("号码 ID\nWhatsApp\t状态")).toEqual([]);
    expect(englishRuns("号码 ID WhatsApp")).toEqual(["ID WhatsApp"]);
  });

  it("does not take a word inside another for an allowed name", () => {
    expect(englishRuns("Acme Stores are closed", ["Acme Store"])).toEqual(["Acme Stores are closed"]);
  });
});

const cjk = fc.string({ unit: fc.constantFrom(..."已分配给李娜轮流转接客户等待中，。：、·（）0123456789"), minLength: 1, maxLength: 12 });
const word = fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"), minLength: 1, maxLength: 10 });
/** A line as a 中文 panel shows it: Chinese text, digits, punctuation, and English words standing alone between them. */
const chineseLine = fc.array(fc.tuple(cjk, fc.option(word, { nil: "" })), { minLength: 1, maxLength: 8 }).map((parts) => parts.map(([c, w]) => `${c}${w}`).join("") + "。");
const phrase = fc.array(word, { minLength: 2, maxLength: 6 }).chain((words) => fc.constantFrom(" ", ", ", " - ", ": ").map((sep) => words.join(sep)));

describe("englishRuns, for any line", () => {
  it("a Chinese line with lone English words has no finding", () => {
    fc.assert(fc.property(chineseLine, (line) => {
        expect(englishRuns(line)).toEqual([]);
      }));
  });

  it("an English phrase put anywhere in a Chinese line is found, whole", () => {
    fc.assert(
      fc.property(chineseLine, phrase, fc.nat(), (line, english, at) => {
        const cut = at % (line.length + 1);
        // Kept apart from a lone word beside it by a Chinese character, as a translated line would be.
        const text = `${line.slice(0, cut)}：${english}。${line.slice(cut)}`;
        expect(englishRuns(text)).toEqual([english]);
      }),
    );
  });

  it("the same phrase, once allowed, is not found", () => {
    fc.assert(fc.property(chineseLine, phrase, (line, english) => {
        expect(englishRuns(`${line}${english}。`, [english])).toEqual([]);
      }));
  });
});
