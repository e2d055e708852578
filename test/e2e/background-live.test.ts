import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Conversation } from "../../shared/inbox";
import type { Floor } from "../../shared/floor";
import { DEMO_PASSWORD } from "../../scripts/demo-data.ts";
import { badge, EXTENSION_ID, launchWithExtension, openSidePanel, readyAgent, screenshot, serviceWorker, shownNotifications, waitUntil, type ChromeApi } from "./browser.ts";
import { startStack, type Stack } from "./stack.ts";

/**
 * The agent's day beyond the side panel: the background service worker holds the live sockets, so with no panel
 * open she stays present, receives conversations, and is told by desktop notifications and the toolbar badge.
 */
let stack: Stack;
let browser: Awaited<ReturnType<typeof launchWithExtension>>;
let panel: Page | null = null;
let adminToken: string;
const NUMBER = "105550100";
/** The workspace's grace period for this test: short, so "longer than the grace" takes seconds, not a minute. */
const GRACE_S = 2;

async function admin<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${stack.workerUrl}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

const lina = async () => (await admin<Floor>("GET", "/floor")).agents.find((a) => a.name === "李娜")!;
const conversationOf = async (name: string) =>
  (await admin<{ conversations: Conversation[] }>("GET", `/numbers/${NUMBER}/conversations?view=all&limit=200`)).conversations.find((c) => c.contact.name === name);
const panelPages = () => browser.context.pages().filter((p) => p.url().includes("/sidepanel.html"));

async function closePanel(): Promise<void> {
  await panel?.close();
  panel = null;
  expect(panelPages()).toEqual([]);
}

async function reopenPanel(): Promise<Page> {
  panel = await openSidePanel(browser.context);
  await panel.getByRole("status").filter({ hasText: "Live" }).waitFor();
  return panel;
}

/** A click on a notification (or one of its buttons) the way Chrome delivers it, with `sidePanel.open` recorded. */
async function clickNotification(id: string, button?: number): Promise<{ openedSynchronously: { windowId?: number }[] }> {
  const worker = await serviceWorker(browser.context);
  return worker.evaluate(
    ({ id, button }) => {
      const chrome = (globalThis as unknown as { chrome: ChromeApi }).chrome;
      const inbox = (globalThis as unknown as { teamInbox: { onNotificationClicked(id: string): void; onNotificationButtonClicked(id: string, button: number): void } }).teamInbox;
      // Automation cannot open a real side panel (nor click a desktop notification): record the request instead.
      const calls: { windowId?: number }[] = [];
      chrome.sidePanel.open = async (options) => void calls.push(options);
      if (button === undefined) inbox.onNotificationClicked(id);
      else inbox.onNotificationButtonClicked(id, button);
      // Read before any await: the panel may only be opened while the click's user gesture lasts.
      return { openedSynchronously: [...calls] };
    },
    { id, button },
  );
}

beforeAll(async () => {
  stack = await startStack();
  const session = await fetch(`${stack.workerUrl}/api/sessions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "wang@acme.test", password: DEMO_PASSWORD }),
  });
  adminToken = ((await session.json()) as { token: string }).token;
  await admin("PUT", "/workspace/settings", { graceSeconds: GRACE_S });
  browser = await launchWithExtension();
  panel = await openSidePanel(browser.context);
  await readyAgent(panel, stack.workerUrl, "lina@acme.test", DEMO_PASSWORD);
});

afterAll(async () => {
  await browser?.close();
  await stack?.dispose();
});

describe("the agent's settings", () => {
  it("language, notification kinds, sound, quiet hours and Away-on-close live in a settings view, in English and 中文", async () => {
    const page = panel!;
    // The header holds the work only: no language select, no sound checkbox.
    expect(await page.locator("header.bar.top select").count()).toBe(0);
    expect(await page.locator("header.bar.top").getByRole("checkbox").count()).toBe(0);
    await page.getByRole("button", { name: "Settings" }).click();
    const settings = page.getByRole("region", { name: "Settings" });
    await settings.getByRole("checkbox", { name: "A new customer message in my conversations" }).waitFor();
    await settings.getByRole("checkbox", { name: "Play a sound with each notification" }).check();
    await screenshot(page, "sidepanel/settings-notifications.png");

    await settings.getByRole("radio", { name: "中文" }).check();
    await page.getByRole("region", { name: "设置" }).getByRole("checkbox", { name: "我的会话中有客户新消息" }).waitFor();
    await screenshot(page, "sidepanel/settings-notifications-zh.png");
    await page.getByRole("radio", { name: "English" }).check();

    // Kept by the extension, where the background reads them.
    const stored = await (await serviceWorker(browser.context)).evaluate(async () =>
      (await (globalThis as unknown as { chrome: ChromeApi }).chrome.storage.local.get("attention")),
    );
    expect(stored.attention).toMatchObject({ sound: true, kinds: { assigned: true, message: true, mention: true, waiting: true }, awayOnPanelClose: false });
    await page.getByRole("button", { name: "Back to the inbox" }).click();
    await page.getByRole("tab", { name: /Mine/ }).waitFor();
  });
});

describe("with the side panel closed", () => {
  it("a customer's message raises one notification per conversation and a badge count; a click opens the panel on it", async () => {
    await closePanel();
    await stack.customerWrites("8613855550001", "周杰", "你好，我想改一下收货地址");
    const first = await waitUntil("a notification for 周杰", async () =>
      Object.entries(await shownNotifications(browser.context)).find(([, n]) => n?.title.includes("周杰") || n?.message.includes("周杰")),
    );
    const [firstId] = first;
    expect(firstId).toMatch(new RegExp(`^conversation:${NUMBER}:\\d+$`));
    // Sound is on (see the settings test): a service worker has no audio, so an offscreen page plays the chime.
    // The chime follows the notification, so its page may open a moment after the notification shows; while it
    // loads, Chromium lists the context with an empty URL.
    const chimePage = `chrome-extension://${EXTENSION_ID}/offscreen.html`;
    const offscreen = await waitUntil("the offscreen page that plays the chime", async () => {
      const urls = await (await serviceWorker(browser.context)).evaluate(async () =>
        (await (globalThis as unknown as { chrome: { runtime: { getContexts(f: object): Promise<{ documentUrl: string }[]> } } }).chrome.runtime.getContexts({ contextTypes: ["OFFSCREEN_DOCUMENT"] })).map((c) => c.documentUrl),
      );
      return urls.includes(chimePage) && urls;
    });
    expect(offscreen).toEqual([chimePage]);
    await waitUntil("the badge to count 1 unread conversation", async () => (await badge(browser.context)).text === "1");

    // The same customer again: the same notification, updated, not a second one.
    await stack.customerWrites("8613855550001", "周杰", "新地址是上海市徐汇区漕溪北路 88 号");
    const updated = await waitUntil("the notification to show the newest message", async () => {
      const n = (await shownNotifications(browser.context))[firstId];
      return n?.message.includes("漕溪北路") && n;
    });
    expect(updated.messages).toBe(2);
    expect(Object.keys(await shownNotifications(browser.context))).toEqual([firstId]);

    await stack.customerWrites("8613855550002", "吴敏", "请问今天能发货吗？");
    const secondId = await waitUntil("a notification for 吴敏", async () =>
      Object.keys(await shownNotifications(browser.context)).find((id) => id !== firstId),
    );
    await waitUntil("the badge to count 2", async () => (await badge(browser.context)).text === "2");

    // "Mark read" reads 周杰's conversation without opening anything.
    const marked = await clickNotification(firstId, 1);
    expect(marked.openedSynchronously).toEqual([]);
    await waitUntil("the badge to count 1 after Mark read", async () => (await badge(browser.context)).text === "1");
    expect((await conversationOf("周杰"))?.unread).toBe(0);

    // A click on 吴敏's: the panel is asked to open within the click itself, and opens on her conversation.
    const clicked = await clickNotification(secondId);
    expect(clicked.openedSynchronously).toHaveLength(1);
    expect(typeof clicked.openedSynchronously[0]!.windowId).toBe("number");
    await waitUntil("the clicked notification to go", async () => !(secondId in (await shownNotifications(browser.context))));
    const page = await reopenPanel();
    await page.locator(".conversation h2", { hasText: "吴敏" }).waitFor();
    await page.locator(".message.in", { hasText: "今天能发货吗" }).waitFor();
    await waitUntil("the badge to clear once the conversation is read", async () => (await badge(browser.context)).text === "");
  });

  it("an Available agent with the panel closed stays present past the grace period and receives a round-robin assignment", async () => {
    await closePanel();
    await new Promise((r) => setTimeout(r, (GRACE_S + 2) * 1000));
    // Her browser still holds the connection: the floor shows her connected and Available, with the panel closed.
    expect(await lina()).toMatchObject({ status: "available", connected: true, panelOpen: false });
    await stack.customerWrites("8613855550003", "郑爽", "I'd like to return the blue mug");
    const conversation = await waitUntil("郑爽's conversation to be assigned", async () => {
      const c = await conversationOf("郑爽");
      return c?.assigneeId ? c : null;
    });
    expect(conversation.assigneeId).toBe((await lina()).id);
    expect(conversation.assignmentReason).toMatch(/round robin/);
    const id = `conversation:${NUMBER}:${conversation.id}`;
    await waitUntil("her notification for it", async () => (await shownNotifications(browser.context))[id]);

    // "Reply" opens the panel on it with the cursor in the reply box.
    expect((await clickNotification(id, 0)).openedSynchronously).toHaveLength(1);
    const page = await reopenPanel();
    await page.locator(".conversation h2", { hasText: "郑爽" }).waitFor();
    await waitUntil("the floor to see her panel open again", async () => (await lina()).panelOpen === true);
    await page.waitForFunction(() => document.activeElement?.id === "composer-text");
    await screenshot(page, "sidepanel/toolbar-icons.png");
  });

  it("with “go Away when I close the side panel” on, closing it sets her Away and new customers wait", async () => {
    const page = panel!;
    await page.getByRole("button", { name: "Back to the list" }).click();
    await page.getByRole("button", { name: "Settings" }).click();
    await page.getByRole("checkbox", { name: "Go Away when I close the side panel" }).check();
    await closePanel();
    await waitUntil("李娜 to be Away on the floor", async () => (await lina()).status === "away");
    expect((await lina()).connected).toBe(true);
    await stack.customerWrites("8613855550004", "冯云", "有人在吗？");
    const waiting = await waitUntil("冯云 in the queue", async () => conversationOf("冯云"));
    expect(waiting.assigneeId).toBeNull();
    expect(waiting.queuedAt).not.toBeNull();
  });
});

describe("sign-out", () => {
  it("closes the background's sockets: the agent is no longer connected", async () => {
    const page = await reopenPanel();
    await page.getByRole("button", { name: "Settings" }).click();
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByLabel(/Server URL/).waitFor();
    await waitUntil("李娜 to be disconnected", async () => !(await lina()).connected);
    expect(await badge(browser.context)).toMatchObject({ text: "" });
  });
});
