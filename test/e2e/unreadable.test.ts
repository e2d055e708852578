import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../scripts/demo-data.ts";
import { seriousViolations } from "./axe.ts";
import { EXTENSION_ID, launchWithExtension, screenshot, signIn } from "./browser.ts";
import { startStack, type Stack } from "./stack.ts";

/**
 * The options page's "Unreadable deliveries" (issue #19): what Meta's signed webhooks carried that no conversation
 * could hold — here a message without any sender, one too large for a conversation's row, and an item that is not a message —
 * is listed per number with when, why and the JSON as sent, in English and 中文, and a supervisor dismisses it.
 * The ordinary message delivered in the same POST reaches its conversation.
 */

const TAB = { width: 1280, height: 860 };
let stack: Stack;
let browser: Awaited<ReturnType<typeof launchWithExtension>>;
let page: Page;

beforeAll(async () => {
  stack = await startStack();
  browser = await launchWithExtension();
  page = await browser.context.newPage();
  await page.setViewportSize(TAB);
  await page.goto(`chrome-extension://${EXTENSION_ID}/options.html`);
  await signIn(page, stack.workerUrl, "wang@acme.test", DEMO_PASSWORD);
  await page.getByRole("navigation", { name: "Console sections" }).waitFor();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.dispose();
});

async function conversationsOf(token: string): Promise<{ contact: { waId: string | null } }[]> {
  const response = await fetch(`${stack.workerUrl}/api/numbers/105550100/conversations?view=all&limit=200`, { headers: { authorization: `Bearer ${token}` } });
  return ((await response.json()) as { conversations: { contact: { waId: string | null } }[] }).conversations;
}

describe("unreadable deliveries in the options page", () => {
  it("lists what no conversation could hold, with when, why and the JSON as sent; a supervisor dismisses one", async () => {
    const seconds = String(Math.floor(Date.now() / 1000));
    const ordinary = "8613900139000";
    const response = await fetch(`${stack.simulator.url}/simulator/webhooks`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        // Two senders named, so the message with an empty sender cannot be anyone's by elimination.
        contacts: [
          { profile: { name: "韩梅梅" }, wa_id: ordinary },
          { profile: { name: "李雷" }, wa_id: "8613900139001" },
        ],
        messages: [
          { from: "", id: "wamid.HBgNODYxMzkwMDEzOTAwMBUCABIYFjNFQjA", timestamp: seconds, type: "text", text: { body: "你好，我的订单到了吗？" } },
          { from: ordinary, id: "wamid.HBgNODYxMzkwMDEzOTAwMBUCABIYFjNFQjE", timestamp: seconds, type: "text", text: { body: "请问还有红色的吗？" } },
          // Too large for a conversation's row: 李雷's conversation shows its start, the whole JSON is listed here.
          { from: "8613900139001", id: "wamid.HBgNODYxMzkwMDEzOTAwMRUCABIYFjNFQjI", timestamp: seconds, type: "document", document: { mime_type: "application/pdf", filename: "order-2026-1204.pdf", id: "1479537139650973", caption: `订单明细 ${"明细".repeat(110_000)}` } },
          "reaction_removed",
        ],
      }),
    });
    expect(((await response.json()) as { workerStatus: number }).workerStatus).toBe(200);

    await page.getByRole("navigation", { name: "Console sections" }).getByRole("link", { name: "Unreadable deliveries", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Unreadable deliveries" }).waitFor();
    const number = page.locator(".unreadable-number").first();
    await number.getByText("3 listed").waitFor();
    const items = number.locator("li.unreadable");
    expect(await items.count()).toBe(3);
    const text = await number.innerText();
    for (const shown of ["No sender", "Too large for a conversation", "Not a message", "from is empty", "the message is text, not an object", "你好，我的订单到了吗？", "order-2026-1204.pdf"]) {
      expect(text, shown).toContain(shown);
    }
    // The large one's list entry shows its start; the whole JSON comes on request.
    const large = items.filter({ hasText: "Too large for a conversation" });
    await large.getByRole("button", { name: "Show all of it" }).click();
    await large.getByRole("button", { name: "Show all of it" }).waitFor({ state: "detached" });
    expect((await large.locator("pre").innerText()).length).toBeGreaterThan(220_000);
    await page.reload();
    await page.locator(".unreadable-number").first().getByText("3 listed").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await screenshot(page, "options/unreadable.png");

    // The ordinary message of the same POST is in its conversation.
    const token = ((await (await fetch(`${stack.workerUrl}/api/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: "wang@acme.test", password: DEMO_PASSWORD }) })).json()) as { token: string }).token;
    const conversations = await conversationsOf(token);
    expect(conversations.some((c) => c.contact.waId === ordinary)).toBe(true);
    expect(conversations.some((c) => c.contact.waId === "8613900139001")).toBe(true);

    // In 中文.
    await page.getByLabel("语言 / Language").selectOption("zh");
    await number.getByText("共 3 条").waitFor();
    expect(await number.innerText()).toContain("没有发送者");
    await screenshot(page, "options/unreadable-zh.png");
    await page.getByLabel("语言 / Language").selectOption("en");

    // Dismissing asks first, then the delivery leaves the list, also after a reload.
    const noSender = items.filter({ hasText: "No sender" });
    await noSender.getByRole("button", { name: /^Dismiss/ }).click();
    const dialog = page.getByRole("dialog", { name: "Dismiss this delivery?" });
    await dialog.getByRole("button", { name: "Dismiss" }).click();
    await number.getByText("2 listed").waitFor();
    await page.reload();
    await page.locator(".unreadable-number").first().getByText("2 listed").waitFor();
    expect(await page.locator(".unreadable-number").first().innerText()).not.toContain("No sender");
  }, 120_000);
});
