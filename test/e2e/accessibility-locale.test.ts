import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../scripts/demo-data.ts";
import { launchWithExtension, openSidePanel, readyAgent, screenshot } from "./browser.ts";
import { seriousViolations } from "./axe.ts";
import { startStack, type Stack } from "./stack.ts";

let stack: Stack;
let browser: Awaited<ReturnType<typeof launchWithExtension>>;
let panel: Page;

beforeAll(async () => {
  stack = await startStack();
  browser = await launchWithExtension();
  panel = await openSidePanel(browser.context);
  await readyAgent(panel, stack.workerUrl, "lina@acme.test", DEMO_PASSWORD);
  for (const [phone, name, text] of [
    ["8613833330001", "陈静", "你好，我上周买的空气炸锅不加热了"],
    ["8613833330002", "Emily Zhang", "Do you ship to Hong Kong? I'd like two of the blue mugs."],
    ["8613833330003", "黄磊", "订单 #3321 可以开增值税发票吗？"],
  ] as const) {
    await stack.customerWrites(phone, name, text);
  }
  await panel.locator(".conversation-row", { hasText: "黄磊" }).waitFor();
  // All three, whatever order the list's first page and the live events arrived in.
  await panel.locator(".conversation-row", { hasText: "Emily Zhang" }).waitFor();
  await panel.locator(".conversation-row", { hasText: "陈静" }).waitFor();
});

afterAll(async () => {
  await browser?.close();
  await stack?.dispose();
});

describe("accessibility and the two languages", () => {
  it("the inbox, a conversation and the customer panel have no serious or critical axe findings", async () => {
    expect(await seriousViolations(panel)).toEqual([]);
    await panel.locator(".conversation-row", { hasText: "陈静" }).click();
    await panel.locator(".message.in", { hasText: "空气炸锅" }).waitFor();
    await panel.getByLabel("Reply").fill("很抱歉给您添麻烦了，请问是哪个型号？");
    await panel.getByLabel("Reply").press("Enter");
    await panel.locator('.message.out .tick[data-status="read"]').waitFor({ timeout: 10_000 });
    await screenshot(panel, "sidepanel/conversation.png");
    expect(await seriousViolations(panel)).toEqual([]);
    await panel.getByRole("button", { name: "Customer" }).click();
    await panel.getByLabel("Add a tag").waitFor();
    expect(await seriousViolations(panel)).toEqual([]);
    await panel.getByRole("button", { name: "Close the customer panel" }).click();
  });

  it("works without a mouse: list, open, reply, resolve, views, status, search, and ? for the shortcuts", async () => {
    if (await panel.getByRole("button", { name: "Back to the list" }).count()) await panel.getByRole("button", { name: "Back to the list" }).click();
    await panel.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await panel.keyboard.press("?");
    await panel.getByRole("dialog", { name: "Keyboard shortcuts" }).waitFor();
    await screenshot(panel, "sidepanel/shortcuts.png");
    await panel.keyboard.press("Escape");
    await panel.getByRole("dialog").waitFor({ state: "detached" });
    await panel.locator(".conversation-row").first().focus();
    await panel.keyboard.press("ArrowDown");
    await panel.waitForFunction(() => document.activeElement?.closest("li")?.getAttribute("data-index") === "1");
    await panel.keyboard.press("Enter");
    await panel.locator(".conversation h2").waitFor();
    const opened = await panel.locator(".conversation h2").innerText();
    await panel.keyboard.press("r");
    expect(await panel.evaluate(() => document.activeElement?.id)).toBe("composer-text");
    await panel.keyboard.press("Escape");
    await panel.keyboard.press("e");
    await panel.locator('.status-control button[aria-pressed="true"]', { hasText: "Resolved" }).waitFor();
    await panel.keyboard.press("Escape");
    await panel.keyboard.press("3");
    await panel.locator(".conversation-row", { hasText: opened }).waitFor();
    await panel.keyboard.press("1");
    await panel.keyboard.press("a");
    await panel.locator('.status.away[aria-pressed="true"]').waitFor();
    await panel.keyboard.press("a");
    await panel.locator('.status.available[aria-pressed="true"]').waitFor();
    await panel.keyboard.press("/");
    expect(await panel.evaluate(() => document.activeElement?.id)).toBe("search");
    await panel.keyboard.press("Escape");
  });

  it("switches to 中文 for every string, and back", async () => {
    await panel.getByLabel("Search conversations").fill("");
    await panel.locator(".conversation-row", { hasText: "陈静" }).click();
    // The language lives in the agent's settings, not in the header.
    await panel.getByRole("button", { name: "Settings" }).click();
    expect(await seriousViolations(panel)).toEqual([]);
    await panel.getByRole("radio", { name: "中文" }).check();
    await panel.getByRole("button", { name: "返回收件箱" }).click();
    await panel.getByRole("button", { name: "客户", exact: true }).waitFor();
    expect(await panel.getByRole("textbox", { name: "回复" }).getAttribute("placeholder")).toBe("输入回复。Enter 发送，Shift+Enter 换行");
    await screenshot(panel, "sidepanel/conversation-zh.png");
    await panel.getByRole("button", { name: "返回列表" }).click();
    await panel.getByRole("tab", { name: /我的/ }).waitFor();
    expect(await panel.locator(".conversation-row").count()).toBe(2);
    await screenshot(panel, "sidepanel/inbox-zh.png");
    expect(await seriousViolations(panel)).toEqual([]);
    await panel.getByRole("button", { name: "设置" }).click();
    await panel.getByRole("radio", { name: "English" }).check();
    await panel.getByRole("button", { name: "Back to the inbox" }).click();
    await panel.getByRole("tab", { name: /Mine/ }).waitFor();
  });
});
