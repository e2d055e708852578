import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../scripts/demo-data.ts";
import { EXTENSION_ID, launchWithExtension, openSidePanel, readyAgent, screenshot, signIn, waitUntil } from "./browser.ts";
import { seriousViolations } from "./axe.ts";
import { startStack, type Stack } from "./stack.ts";

/**
 * Issue #23, "New conversation by template": 李娜 writes first to a customer from the side panel — a phone number
 * with its country code, the approved order_update template with its variables, a live preview — and the
 * conversation is in her list at once, the template at the customer's phone (the simulator), and the customer's
 * answer lands in it, still hers. Then, in 中文, the same dialog finds that customer by name and refuses a
 * number without a country code in Chinese. A supervisor starts one from the console's Floor for team 售前, and it
 * reaches 李娜, its Available member. Screenshots: sidepanel/new-conversation.png and -zh.png.
 */

const PHONE = { typed: "+86 139-1234 5678", waId: "8613912345678" };

let stack: Stack;
let browser: Awaited<ReturnType<typeof launchWithExtension>>;
let panel: Page;

beforeAll(async () => {
  stack = await startStack();
  browser = await launchWithExtension();
  panel = await openSidePanel(browser.context);
  await readyAgent(panel, stack.workerUrl, "lina@acme.test", DEMO_PASSWORD);
  // A customer already talking to her, so the list is a working day's, not empty.
  await stack.customerWrites("8613800138000", "王芳", "你好，我的订单什么时候到？");
  await panel.locator(".conversation-row", { hasText: "王芳" }).waitFor();
});

afterAll(async () => {
  await browser?.close();
  await stack?.dispose();
});

describe("a conversation started from the side panel with a template", () => {
  it("previews the filled template, reaches her list and the customer at once, and the reply lands in it, assigned to her", async () => {
    await panel.getByRole("button", { name: "New conversation" }).click();
    const dialog = panel.getByRole("dialog", { name: "New conversation" });
    await dialog.waitFor();

    await dialog.getByLabel("Customer").fill(PHONE.typed);
    await dialog.getByText("Country code +86").waitFor();
    await dialog.getByRole("button", { name: `Write to +${PHONE.waId}` }).click();
    await dialog.getByText(`+${PHONE.waId}`).waitFor();

    // Chinese templates come first for a +86 number.
    const template = dialog.locator("#new-conversation-template");
    expect(await template.locator("optgroup").first().getAttribute("label")).toMatch(/^In the customer's language \(Chinese/);
    await template.selectOption("order_update|zh_CN");
    await dialog.getByLabel("Header variable {{1}}").fill("#2048");
    await dialog.getByLabel("Body variable {{1}}").fill("刘先生");
    await dialog.getByLabel("Body variable {{2}}").fill("#2048");
    const preview = dialog.locator(".template-bubble");
    // Live: what is typed shows at once, and the variables not yet filled stay visible as {{3}}.
    await expect(preview.locator(".bubble-body").textContent()).resolves.toBe("您好 刘先生，您的订单 #2048 已发货，预计 {{3}} 送达。");
    await dialog.getByLabel("Body variable {{3}}").fill("明天");
    await expect(preview.locator(".bubble-header").textContent()).resolves.toBe("订单 #2048");
    await expect(preview.locator(".bubble-body").textContent()).resolves.toBe("您好 刘先生，您的订单 #2048 已发货，预计 明天 送达。");
    await expect(preview.locator(".bubble-footer").textContent()).resolves.toBe("Acme Store 客服");
    expect(await preview.locator(".bubble-buttons span").allTextContents()).toEqual(["查看物流", "联系客服"]);
    expect(await dialog.locator("#new-conversation-assign").inputValue()).toBe("me");
    expect(await seriousViolations(panel)).toEqual([]);
    await screenshot(panel, "sidepanel/new-conversation.png");

    const sentAt = Date.now();
    await dialog.getByRole("button", { name: "Send template" }).click();
    await dialog.waitFor({ state: "detached" });
    const row = panel.locator(".conversation-row", { hasText: `+${PHONE.waId}` });
    await row.waitFor({ timeout: 2_000 });
    expect(Date.now() - sentAt).toBeLessThan(2_000);
    // "My conversations" is the view shown: the row there is hers.
    expect(await panel.getByRole("tab", { selected: true }).textContent()).toMatch(/My conversations|Mine/);

    const atPhone = await waitUntil("the template at the customer's phone", async () =>
      (await stack.simulatorMessages(PHONE.waId)).find((m) => m.direction === "out"),
    );
    expect(atPhone.text).toMatch(/^\[template order_update\]/);
    expect(atPhone.text).toContain("刘先生");
    expect(atPhone.body).toMatchObject({ to: PHONE.waId, type: "template", template: { name: "order_update", language: { code: "zh_CN" } } });

    // The customer answers: the same row, now with their name, still in her list.
    expect((await stack.customerWrites(PHONE.waId, "刘洋", "好的，谢谢！明天家里有人。")).workerStatus).toBe(200);
    const answered = panel.locator(".conversation-row", { hasText: "刘洋" });
    await answered.waitFor({ timeout: 5_000 });
    await expect(answered.textContent()).resolves.toContain("明天家里有人");
    expect(await panel.locator(".conversation-row").count()).toBe(2);
    await answered.click();
    await panel.locator(".message.in", { hasText: "明天家里有人" }).waitFor();
    await panel.locator(".message.out", { hasText: "刘先生" }).waitFor();
    await panel.getByRole("button", { name: "Back to the list" }).click();
  });

  it("in 中文: finds the customer by name, refuses a number without a country code in Chinese, previews the Chinese template", async () => {
    await panel.getByRole("button", { name: "Settings" }).click();
    await panel.getByRole("radio", { name: "中文" }).check();
    await panel.getByRole("button", { name: "返回收件箱" }).click();

    await panel.getByRole("button", { name: "发起新会话" }).click();
    const dialog = panel.getByRole("dialog", { name: "发起新会话" });
    await dialog.waitFor();
    const customer = dialog.getByLabel("客户");
    await customer.fill("0139 1234 5678");
    await dialog.getByText("请以 + 和国家区号开头，例如 +86 138 0013 8000。").waitFor();

    await customer.fill("刘洋");
    await dialog.getByRole("button", { name: /刘洋/ }).click();
    await dialog.getByText("刘洋").waitFor();
    const template = dialog.locator("#new-conversation-template");
    expect(await template.locator("optgroup").first().getAttribute("label")).toMatch(/^客户的语言（中文/);
    await template.selectOption("follow_up|zh_CN");
    await dialog.getByLabel("正文变量 {{1}}").fill("刘先生");
    await expect(dialog.locator(".bubble-body").textContent()).resolves.toBe("您好 刘先生，我们在跟进您的问题，回复本消息即可继续沟通。");
    await screenshot(panel, "sidepanel/new-conversation-zh.png");

    // Sent to a customer whose conversation is still open: it goes into that conversation, no second row.
    await dialog.getByRole("button", { name: "发送模板" }).click();
    await dialog.waitFor({ state: "detached" });
    await waitUntil("the second template at the customer's phone", async () =>
      (await stack.simulatorMessages(PHONE.waId)).filter((m) => m.direction === "out").length === 2,
    );
    expect(await panel.locator(".conversation-row").count()).toBe(2);
  });

  it("from the console: a supervisor on no roster is told to pick a team, and started for 售前 it reaches 李娜, its Available member", async () => {
    // His own browser: the extension's session is one per browser, and this one is 李娜's.
    const his = await launchWithExtension();
    const console = await his.context.newPage();
    await console.setViewportSize({ width: 1280, height: 800 });
    await console.goto(`chrome-extension://${EXTENSION_ID}/options.html`);
    await signIn(console, stack.workerUrl, "wang@acme.test", DEMO_PASSWORD);
    await console.getByRole("button", { name: "New conversation" }).click();
    const dialog = console.getByRole("dialog", { name: "New conversation" });
    await dialog.getByLabel("Customer").fill("+1 (415) 555-0123");
    await dialog.getByRole("button", { name: "Write to +14155550123" }).click();
    await dialog.locator("#new-conversation-template").selectOption("follow_up|en_US");
    await dialog.getByLabel("Body variable {{1}}").fill("Sam");
    await expect(dialog.locator(".bubble-body").textContent()).resolves.toMatch(/^Hi Sam, we are following up/);

    // 王经理 works on no number's roster himself: "Me" is refused, in words, and nothing is sent.
    await dialog.getByRole("button", { name: "Send template" }).click();
    await dialog.getByRole("alert").filter({ hasText: "You do not work on this number: start it for one of its teams." }).waitFor();
    expect(await stack.simulatorMessages("14155550123")).toEqual([]);

    await dialog.locator("#new-conversation-assign").selectOption({ label: "Team 售前" });
    await screenshot(console, "options/new-conversation.png");
    await dialog.getByRole("button", { name: "Send template" }).click();
    await dialog.waitFor({ state: "detached" });
    // 李娜 is 售前's Available member (in 中文 now, from the test before): the conversation is in her list.
    await panel.locator(".conversation-row", { hasText: "+14155550123" }).waitFor({ timeout: 5_000 });
    await waitUntil("the template at the customer's phone", async () => (await stack.simulatorMessages("14155550123")).some((m) => m.direction === "out"));
    await his.close();
  });
});
