import { describe, expect, it } from "vitest";
import { fillKnown, nextPlaceholder, unfilledPlaceholders } from "../../extension/lib/placeholders.ts";

describe("canned response placeholders", () => {
  const values = { customerName: "王芳", agentName: "李娜", numberName: "Acme Store 客服", attributes: { 备注: "老客户" } };

  it("fills known variables in English or Chinese and any attribute, and leaves unknown ones", () => {
    expect(fillKnown("您好 {customer name}，我是 {客服姓名}（{number name}）。备注：{备注} {unknown}", values)).toBe(
      "您好 王芳，我是 李娜（Acme Store 客服）。备注：老客户 {unknown}",
    );
    expect(fillKnown("Hi {customer name}", { ...values, customerName: null })).toBe("Hi {customer name}");
  });

  it("finds the bracketed placeholders the agent must fill, and Tab's next one", () => {
    const text = "请先试试 [解决步骤]；如果还不行，请发我 [所需信息]。";
    expect(unfilledPlaceholders(text)).toEqual(["[解决步骤]", "[所需信息]"]);
    const first = nextPlaceholder(text, 0)!;
    expect(text.slice(first.start, first.end)).toBe("[解决步骤]");
    const second = nextPlaceholder(text, first.end)!;
    expect(text.slice(second.start, second.end)).toBe("[所需信息]");
    expect(nextPlaceholder(text, second.end)).toEqual(first);
    expect(unfilledPlaceholders("收货后 7 天内都可以申请退换")).toEqual([]);
  });
});
