import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { chromium, type BrowserContext, type Page, type Worker } from "playwright-core";
import type { Stack } from "./stack.ts";

const root = resolve(import.meta.dirname, "../..");
export const EXTENSION_ID = "dogfkfociadkkieogbinadpicgbjkaoh";
export const extensionDir = resolve(root, ".output/chrome-mv3");
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

/** A panel-sized window, like Chrome's side panel beside a page. */
export const PANEL = { width: 420, height: 760 };

/** Debian's Chromium with the built extension loaded unpacked, in a fresh profile. */
export async function launchWithExtension(options: { locale?: string } = {}): Promise<{ context: BrowserContext; close: () => Promise<void> }> {
  if (!existsSync(resolve(extensionDir, "manifest.json"))) throw new Error("build the extension first: npm run build");
  const profile = mkdtempSync(join(tmpdir(), "inbox-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    locale: options.locale ?? "en-US",
    viewport: PANEL,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      ...(options.locale ? [`--lang=${options.locale}`] : []),
    ],
  });
  return {
    context,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Automation cannot open the real side panel, so the panel's page is opened in a tab of the same size. */
export async function openSidePanel(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize(PANEL);
  await page.goto(`chrome-extension://${EXTENSION_ID}/sidepanel.html`);
  return page;
}

export async function signIn(page: Page, serverUrl: string, email: string, password: string): Promise<void> {
  await page.getByLabel(/Server URL|服务器地址/).fill(serverUrl);
  await page.getByLabel(/^(Email|邮箱)$/).fill(email);
  await page.getByLabel(/^(Password|密码)$/).fill(password);
  await page.getByRole("button", { name: /^(Sign in|登录)$/ }).click();
}

/** `fullPage` for the options page, whose sections are longer than a screen. */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<void> {
  const path = resolve(root, "test/artifacts", name);
  mkdirSync(dirname(path), { recursive: true });
  await page.screenshot({ path, fullPage: options.fullPage ?? false });
}

/** Signs an agent in on the panel and waits until it is live; Available unless asked otherwise. */
export async function readyAgent(page: Page, serverUrl: string, email: string, password: string, status: "Available" | "Away" = "Available") {
  await signIn(page, serverUrl, email, password);
  await page.getByRole("button", { name: "Away" }).waitFor();
  if (status === "Available") await page.getByRole("button", { name: "Available" }).click();
  await page.getByRole("status").filter({ hasText: "Live" }).waitFor();
}

/** A customer writes and the agent opens their conversation; then the server goes down and the panel says Offline. */
export async function openThenLoseServer(
  panel: Page,
  stack: Pick<Stack, "customerWrites" | "stopWorker">,
  customer: { phone: string; name: string; text: string },
): Promise<void> {
  await stack.customerWrites(customer.phone, customer.name, customer.text);
  await panel.locator(".conversation-row", { hasText: customer.name }).click();
  await panel.locator(".message.in", { hasText: customer.text }).waitFor();
  await stack.stopWorker();
  await panel.getByRole("status").filter({ hasText: "Offline" }).waitFor({ timeout: 10_000 });
}

/** Sends each reply with Enter as an agent would, one after another, then waits until every one shows as pending. */
export async function replyPending(panel: Page, replies: readonly string[]): Promise<void> {
  for (const reply of replies) {
    await panel.getByLabel("Reply").fill(reply);
    await panel.getByLabel("Reply").press("Enter");
  }
  for (const reply of replies) await panel.locator(".message.out", { hasText: reply }).locator('.tick[data-status="pending"]').waitFor();
}

/** The few extension APIs the tests read inside the extension's pages and worker (no @types/chrome here). */
export interface ChromeApi {
  notifications: { getAll(): Promise<Record<string, boolean>> };
  storage: {
    session: { get(key: string): Promise<Record<string, unknown>>; set(items: Record<string, unknown>): Promise<void> };
    local: { get(key: string | null): Promise<Record<string, unknown>>; set(items: Record<string, unknown>): Promise<void> };
  };
  action: { getBadgeText(details: object): Promise<string>; getBadgeBackgroundColor(details: object): Promise<number[]> };
  sidePanel: { open(options: { windowId?: number; tabId?: number }): Promise<void> };
}

/** The extension's background service worker (it holds the live sockets and raises notifications). */
export async function serviceWorker(context: BrowserContext): Promise<Worker> {
  const isOurs = (w: Worker) => w.url().startsWith(`chrome-extension://${EXTENSION_ID}/`);
  return context.serviceWorkers().find(isOurs) ?? (await context.waitForEvent("serviceworker", { predicate: isOurs }));
}

/** What the background shows now: each notification's id, and what its record in session storage says. */
export interface ShownNotification {
  kind: string;
  title: string;
  message: string;
  messages: number;
}
export async function shownNotifications(context: BrowserContext): Promise<Record<string, ShownNotification | undefined>> {
  const worker = await serviceWorker(context);
  return worker.evaluate(async () => {
    const chrome = (globalThis as unknown as { chrome: ChromeApi }).chrome;
    const ids = Object.keys(await chrome.notifications.getAll());
    const { notifications = {} } = (await chrome.storage.session.get("notifications")) as { notifications?: Record<string, ShownNotification> };
    return Object.fromEntries(ids.map((id) => [id, notifications[id.replace(/^conversation:/, "")]]));
  });
}

/** The toolbar badge's text and colour, as the agent sees them. */
export async function badge(context: BrowserContext): Promise<{ text: string; color: number[] }> {
  const worker = await serviceWorker(context);
  return worker.evaluate(async () => {
    const chrome = (globalThis as unknown as { chrome: ChromeApi }).chrome;
    return { text: await chrome.action.getBadgeText({}), color: await chrome.action.getBadgeBackgroundColor({}) };
  });
}

/** Polls until `probe` gives a truthy value. */
export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
