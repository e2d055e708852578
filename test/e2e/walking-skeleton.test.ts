import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../scripts/demo-data.ts";
import { launchWithExtension, openSidePanel, openThenLoseServer, replyPending, screenshot, shownNotifications, signIn, waitUntil } from "./browser.ts";
import { startStack, type Stack } from "./stack.ts";

let stack: Stack;
let browser: Awaited<ReturnType<typeof launchWithExtension>>;
let panel: Page;

beforeAll(async () => {
  stack = await startStack();
  browser = await launchWithExtension();
  panel = await openSidePanel(browser.context);
});

afterAll(async () => {
  await browser?.close();
  await stack?.dispose();
});

describe("walking skeleton: customer → Available agent's side panel → reply → customer", () => {
  it("delivers a customer's message to the agent within 2 s and the reply back, ticking to read", async () => {
    await signIn(panel, stack.workerUrl, "lina@acme.test", DEMO_PASSWORD);
    const away = panel.getByRole("button", { name: "Away" });
    const available = panel.getByRole("button", { name: "Available" });
    await away.waitFor();
    expect(await away.getAttribute("aria-pressed")).toBe("true");
    await available.click();
    await panel.waitForSelector('.status.available[aria-pressed="true"]');
    await panel.getByRole("status").filter({ hasText: "Live" }).waitFor();

    const sentAt = Date.now();
    const { workerStatus } = await stack.customerWrites("8613800138000", "赵磊", "你好，我的订单 #1024 什么时候发货？");
    expect(workerStatus).toBe(200);
    const row = panel.locator(".conversation-row", { hasText: "赵磊" });
    await row.waitFor({ timeout: 2_000 });
    const arrivalMs = Date.now() - sentAt;
    expect(arrivalMs).toBeLessThan(2_000);
    await expect(row.textContent()).resolves.toContain("订单 #1024");
    // The background raised one desktop notification for the new conversation (its id names it)...
    const id = await waitUntil("a notification for the new conversation", async () =>
      Object.keys(await shownNotifications(browser.context)).find((n) => n.startsWith("conversation:105550100:")),
    );
    // ...and a further message while the agent looks at the list updates that same one instead of stacking another.
    await stack.customerWrites("8613800138000", "赵磊", "麻烦尽快，谢谢");
    const updated = await waitUntil("the notification to show the new message", async () => {
      const shown = (await shownNotifications(browser.context))[id];
      return shown?.message === "麻烦尽快，谢谢" && shown;
    });
    expect(updated.title).toContain("赵磊");
    expect(Object.keys(await shownNotifications(browser.context)).filter((n) => n.startsWith("conversation:105550100:"))).toEqual([id]);

    await row.click();
    await panel.locator(".message.in", { hasText: "麻烦尽快" }).waitFor();
    await panel.getByLabel("Reply").fill("您好赵先生，订单 #1024 今天下午发出，明天送达。");
    await panel.getByLabel("Reply").press("Enter");

    const received = await waitUntil("the simulator to receive the reply", async () =>
      (await stack.simulatorMessages("8613800138000")).find((m) => m.direction === "out"),
    );
    expect(received.text).toBe("您好赵先生，订单 #1024 今天下午发出，明天送达。");
    expect(received.body).toMatchObject({ messaging_product: "whatsapp", to: "8613800138000", type: "text" });

    await panel.locator('.message.out .tick[data-status="read"]').waitFor({ timeout: 10_000 });
    expect((await stack.simulatorMessages("8613800138000")).filter((m) => m.direction === "out")).toHaveLength(1);
    await screenshot(panel, "sidepanel/walking-skeleton.png");
  });

  it("reconnects after the worker restarts and catches up on a message sent meanwhile", async () => {
    await panel.getByRole("button", { name: "Back to the list" }).click();
    await stack.stopWorker();
    await panel.getByRole("status").filter({ hasText: "Offline" }).waitFor({ timeout: 10_000 });
    // Meta keeps retrying while the worker is down; the simulator does the same.
    const pending = stack.customerWrites("8613900139000", "孙丽", "请问可以开发票吗？");
    await new Promise((r) => setTimeout(r, 1_000));
    await stack.startWorkerAgain();
    expect((await pending).workerStatus).toBe(200);
    await panel.getByRole("status").filter({ hasText: "Live" }).waitFor({ timeout: 15_000 });
    await panel.locator(".conversation-row", { hasText: "孙丽" }).waitFor({ timeout: 5_000 });
    await panel.locator(".conversation-row", { hasText: "赵磊" }).waitFor();
    await screenshot(panel, "sidepanel/reconnected.png");
  });
});

describe("offline-safe sending", () => {
  it("replies typed while the worker is down survive closing the panel and are delivered in order, each exactly once", async () => {
    await openThenLoseServer(panel, stack, { phone: "8613700137777", name: "马丽", text: "到货了吗？" });
    // Three replies in quick succession: each is kept, none overwrites another.
    const replies = ["已经发货了，预计明天到。", "快递单号稍后发您。", "还有其他问题吗？"];
    await replyPending(panel, replies);
    await screenshot(panel, "sidepanel/offline-pending.png");

    // The agent closes the panel; the reply is kept by the extension.
    await panel.close();
    panel = await openSidePanel(browser.context);
    await panel.locator(".conversation-row", { hasText: "马丽" }).waitFor({ timeout: 5_000 }).catch(() => undefined);
    await stack.startWorkerAgain();
    await panel.getByRole("status").filter({ hasText: "Live" }).waitFor({ timeout: 15_000 });

    const delivered = async () => (await stack.simulatorMessages("8613700137777")).filter((m) => m.direction === "out");
    for (let i = 0; i < 100 && (await delivered()).length < replies.length; i++) await new Promise((r) => setTimeout(r, 100));
    // Give a second delivery every chance to show up, then check there is none.
    await new Promise((r) => setTimeout(r, 1_500));
    const sent = await delivered();
    expect(sent.map((m) => m.text)).toEqual(replies);
    await panel.locator(".conversation-row", { hasText: "马丽" }).click();
    for (const reply of replies) {
      await panel.locator(".message.out", { hasText: reply }).locator('.tick[data-status="read"]').waitFor({ timeout: 10_000 });
      expect(await panel.locator(".message.out", { hasText: reply }).count()).toBe(1);
    }
  });
});
