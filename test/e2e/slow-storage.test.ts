import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../scripts/demo-data.ts";
import { DEFAULT_ATTENTION, type AttentionSettings } from "../../extension/lib/attention-policy.ts";
import { launchWithExtension, openSidePanel, openThenLoseServer, replyPending, serviceWorker, type ChromeApi } from "./browser.ts";
import { startStack, type Stack } from "./stack.ts";

/**
 * A fresh profile or a busy browser can take a long moment to answer the panel's first storage reads. Whatever the
 * agent types or ticks meanwhile must stand: the late answer fills in only what they have not touched.
 */
let stack: Stack;
let browser: Awaited<ReturnType<typeof launchWithExtension>>;
const READ_DELAY_MS = 1_500;

beforeAll(async () => {
  stack = await startStack();
  browser = await launchWithExtension();
  // Every storage read of the extension's pages (not its background) answers late.
  await browser.context.addInitScript((delay: number) => {
    const chrome = (globalThis as unknown as { chrome?: { storage?: { local?: { get: (...args: unknown[]) => Promise<unknown> } } } }).chrome;
    const area = chrome?.storage?.local;
    if (!area) return;
    const read = area.get.bind(area);
    // Read when asked, answered late: a write made meanwhile is not in the answer.
    area.get = (...args: unknown[]) => {
      const answer = read(...args);
      return new Promise((resolve) => setTimeout(resolve, delay)).then(() => answer);
    };
  }, READ_DELAY_MS);
});

afterAll(async () => {
  await browser?.close();
  await stack?.dispose();
});

const storedAttention = async () =>
  (await serviceWorker(browser.context)).evaluate(async () => {
    const { attention } = await (globalThis as unknown as { chrome: ChromeApi }).chrome.storage.local.get("attention");
    return attention as AttentionSettings | undefined;
  });

describe("the panel while storage answers late", () => {
  it("signs in to the server the agent typed, not the one remembered from before", async () => {
    const panel = await openSidePanel(browser.context);
    const server = panel.getByLabel("Server URL");
    // Typed at once, before the remembered server (the default, 127.0.0.1:8787) has been read.
    await server.fill(stack.workerUrl);
    await panel.getByLabel("Email").fill("lina@acme.test");
    await panel.getByLabel("Password").fill(DEMO_PASSWORD);
    await panel.waitForTimeout(READ_DELAY_MS * 2);
    expect(await server.inputValue()).toBe(stack.workerUrl);
    await panel.getByRole("button", { name: "Sign in" }).click();
    await panel.getByRole("button", { name: "Away" }).waitFor();
    await panel.close();
  });

  it("a setting changed as the settings open keeps every other saved setting", async () => {
    // Saved earlier: sound on and quiet hours on, both unlike the defaults.
    const saved: AttentionSettings = { ...DEFAULT_ATTENTION, sound: true, quietHours: { ...DEFAULT_ATTENTION.quietHours, enabled: true } };
    await (await serviceWorker(browser.context)).evaluate(async (attention) => {
      await (globalThis as unknown as { chrome: ChromeApi }).chrome.storage.local.set({ attention });
    }, saved);
    const panel = await openSidePanel(browser.context);
    await panel.getByRole("button", { name: "Settings" }).click();
    const settings = panel.getByRole("region", { name: "Settings" });
    // Clicked as soon as it shows: it can only take effect on the saved settings, never on the defaults.
    await settings.getByRole("checkbox", { name: "A new customer message in my conversations" }).uncheck();

    await expect.poll(storedAttention).toEqual({ ...saved, kinds: { ...saved.kinds, message: false } });
    expect(await settings.getByRole("checkbox", { name: "Play a sound with each notification" }).isChecked()).toBe(true);
    expect(await settings.getByRole("checkbox", { name: "A new customer message in my conversations" }).isChecked()).toBe(false);
    await panel.close();
  });

  it("replies typed offline in quick succession are all kept, with one an earlier version left, and the background delivers them in order, each once", async () => {
    const panel = await openSidePanel(browser.context);
    await panel.getByRole("button", { name: "Available" }).click();
    await panel.getByRole("status").filter({ hasText: "Live" }).waitFor();
    await openThenLoseServer(panel, stack, { phone: "8613700138888", name: "钱多多", text: "我的订单发货了吗？" });
    // Each is kept while the one before is still being written.
    const replies = ["今天下午发货。", "顺丰快递，单号稍后发您。", "预计后天送达。"];
    await replyPending(panel, replies);
    await panel.waitForTimeout(READ_DELAY_MS * 2);
    // The agent closes the panel; the background sends what waited once the server is back.
    await panel.close();
    // A reply an earlier version kept in its one list (under "outbox"), typed a minute before these: sent first.
    const earlier = "您好，我们已收到您的订单。";
    await (await serviceWorker(browser.context)).evaluate(async (text) => {
      const local = (globalThis as unknown as { chrome: ChromeApi }).chrome.storage.local;
      const kept = Object.entries(await local.get(null)).filter(([key]) => key.startsWith("outbox:")).map(([, reply]) => reply as { createdAt: number; request: object });
      const first = kept.reduce((a, b) => (a.createdAt <= b.createdAt ? a : b));
      await local.set({ outbox: [{ ...first, request: { type: "text", text, clientId: crypto.randomUUID() }, createdAt: first.createdAt - 60_000 }] });
    }, earlier);
    await stack.startWorkerAgain();
    const delivered = async () => (await stack.simulatorMessages("8613700138888")).filter((m) => m.direction === "out").map((m) => m.text);
    await expect.poll(delivered, { timeout: 30_000 }).toHaveLength(replies.length + 1);
    // Give a second delivery every chance to show up, then check there is none.
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await delivered()).toEqual([earlier, ...replies]);
  });
});
