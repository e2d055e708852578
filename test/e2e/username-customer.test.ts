import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../scripts/demo-data.ts";
import { EXTENSION_ID, launchWithExtension, readyAgent, screenshot, waitUntil } from "./browser.ts";
import { startStack, type Stack } from "./stack.ts";

/**
 * A customer who chose a WhatsApp username and shares no phone number (issue #23): the panel lists and heads the
 * conversation by the username, the agent answers as with anyone, and the reply reaches the customer addressed to
 * the business-scoped user id. Screenshots: sidepanel/username-customer.png and -zh.png.
 */

const MEI = { userId: "CN.1349120865530274191", username: "mei.tea" };
const QUESTION = "你好，请问乌龙茶还有250克装的吗？";
const REPLY = "有的，今天下单明天发货。";

let stack: Stack;
let browser: Awaited<ReturnType<typeof launchWithExtension>>;
let panel: Page;

async function bsuidCustomerWrites(text: string) {
  const response = await fetch(`${stack.simulator.url}/simulator/webhooks`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      contacts: [{ profile: { username: MEI.username }, user_id: MEI.userId }],
      messages: [{ from_user_id: MEI.userId, id: `wamid.U${Date.now()}`, timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: text } }],
    }),
  });
  expect(((await response.json()) as { workerStatus: number }).workerStatus).toBe(200);
}

beforeAll(async () => {
  stack = await startStack();
  browser = await launchWithExtension();
  panel = await browser.context.newPage();
  await panel.goto(`chrome-extension://${EXTENSION_ID}/sidepanel.html`);
  await readyAgent(panel, stack.workerUrl, "lina@acme.test", DEMO_PASSWORD);
  await stack.customerWrites("8613800138000", "王芳", "你好，我的订单什么时候到？");
  await bsuidCustomerWrites(QUESTION);
});

afterAll(async () => {
  await browser?.close();
  await stack?.dispose();
});

describe("a customer known by username only", () => {
  it("is listed and headed as @username, and the reply reaches them by their business-scoped id", async () => {
    const row = panel.locator(".conversation-row", { hasText: `@${MEI.username}` });
    await row.waitFor();
    await row.click();
    await panel.locator(".conversation h2", { hasText: `@${MEI.username}` }).waitFor();
    await panel.getByLabel("Reply").fill(REPLY);
    await panel.getByRole("button", { name: "Send" }).click();
    await waitUntil("the reply at the customer's phone", async () =>
      (await stack.simulatorMessages(MEI.userId)).some((m) => m.direction === "out" && m.text === REPLY),
    );
    const [sent] = (await stack.simulatorMessages(MEI.userId)).filter((m) => m.direction === "out");
    expect(sent!.body).toMatchObject({ recipient: MEI.userId });
    expect(sent!.body).not.toHaveProperty("to");
    await panel.locator(".message.out", { hasText: REPLY }).waitFor();
    await screenshot(panel, "sidepanel/username-customer.png");

    await panel.getByRole("button", { name: /^(Back to the list)$/ }).click();
    await panel.getByRole("button", { name: /^(Settings)$/ }).click();
    await panel.getByRole("radio", { name: "中文" }).check();
    await panel.getByRole("button", { name: /^(返回收件箱)$/ }).click();
    await panel.locator(".conversation-row", { hasText: `@${MEI.username}` }).click();
    await panel.locator(".message.out", { hasText: REPLY }).waitFor();
    await screenshot(panel, "sidepanel/username-customer-zh.png");
  });
});
