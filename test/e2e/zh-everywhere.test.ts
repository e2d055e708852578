import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Conversation } from "../../shared/inbox";
import { DEMO_PASSWORD, demoWorkspace } from "../../scripts/demo-data.ts";
import { englishRuns } from "../support/english-runs.ts";
import { EXTENSION_ID, launchWithExtension, openSidePanel, readyAgent, screenshot, shownNotifications, signIn, waitUntil } from "./browser.ts";
import { startStack, type Stack } from "./stack.ts";

/**
 * A 中文 agent's and a 中文 supervisor's day, driven so that every kind of line the server composes shows up: assignments
 * with their reasons (round robin, transfers by someone not on the number), a skipped automatic message, an
 * auto-resolve, a survey rating, a bulk action, refusals (a transfer the server turns down, an invalid input), a
 * notification raised by the background, and every page of the console with its audit log. The visible text of each is
 * read and searched for English sentences (test/support/english-runs.ts).
 */
const NUMBER = demoWorkspace.number.phoneNumberId;
let stack: Stack;
let browser: Awaited<ReturnType<typeof launchWithExtension>>;
const consoles: Awaited<ReturnType<typeof launchWithExtension>>[] = [];
let panel: Page;
let adminToken: string;
const ids: Record<string, string> = {};
/** What the reader saw, by where they saw it. */
const seen: { where: string; text: string }[] = [];

const EMILY = { phone: "8613833330002", name: "Emily Zhang", text: "Do you ship to Hong Kong? I'd like two of the blue mugs." };
/**
 * English a 中文 reader may rightly see: what customers wrote in English, and what the business itself wrote in English
 * for English-speaking customers (the demo's English canned responses, the English version of each automatic message).
 */
const allowed: string[] = [EMILY.name, EMILY.text, "Chen Jing" /* the console's sample customer in its English preview */];
/** Business-written English, by clause: previews fill its placeholders and show parts of it apart. */
const clauses = (text: string) => text.split(/\{[^}]*\}|[.!?;,()]/).map((c) => c.trim()).filter((c) => c.includes(" "));

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${stack.workerUrl}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function conversationOf(name: string): Promise<Conversation> {
  for (const view of ["all", "resolved"]) {
    const found = (await api<{ conversations: Conversation[] }>("GET", `/numbers/${NUMBER}/conversations?view=${view}&limit=200`)).conversations.find((c) => c.contact.name === name);
    if (found) return found;
  }
  throw new Error(`no conversation with ${name}`);
}

/** The page's visible text, without `<code>` and `<pre>` (machine values and commands, shown as they are: ids, JSON, a shell command). */
async function read(page: Page, where: string): Promise<string> {
  const text = await page.evaluate(() => {
    const hidden = [...document.querySelectorAll<HTMLElement>("code, pre")].filter((e) => e.style.display !== "none");
    hidden.forEach((e) => (e.style.display = "none"));
    const visible = document.body.innerText;
    hidden.forEach((e) => (e.style.display = ""));
    return visible;
  });
  seen.push({ where, text });
  return text;
}

const findings = () => seen.flatMap(({ where, text }) => englishRuns(text, allowed).map((run) => `${where}: ${run}`));

async function open(name: string) {
  if (await panel.getByRole("button", { name: "返回列表" }).count()) await panel.getByRole("button", { name: "返回列表" }).click();
  await panel.locator(".conversation-row", { hasText: name }).first().click();
  await panel.locator(".conversation h2", { hasText: name }).waitFor();
}

beforeAll(async () => {
  stack = await startStack();
  const session = await fetch(`${stack.workerUrl}/api/sessions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: demoWorkspace.admin.email, password: DEMO_PASSWORD }),
  });
  adminToken = ((await session.json()) as { token: string }).token;
  for (const p of (await api<{ people: { id: string; email: string }[] }>("GET", "/people")).people) ids[p.email.split("@")[0]!] = p.id;
  // Open all week, a welcome, the survey, and conversations resolved after a minute of the customer's silence.
  const current = await api<Record<string, { enabled?: boolean; text?: { en: string }; closingText?: { en: string }; question?: { en: string }; thanks?: { en: string } }>>("GET", `/numbers/${NUMBER}/automation`);
  const allDay = Array.from({ length: 7 }, () => [{ start: "00:00", end: "00:00" }]);
  await api("PUT", `/numbers/${NUMBER}/automation`, {
    ...current,
    businessHours: { timeZone: "Asia/Shanghai", weekly: allDay, specialDates: [] },
    welcome: { ...current.welcome, enabled: true },
    csat: { ...current.csat, enabled: true },
    autoResolve: { ...current.autoResolve, enabled: true, afterMinutes: 1 },
  });
  for (const part of Object.values(current)) for (const text of [part?.text, part?.closingText, part?.question, part?.thanks]) if (text?.en) allowed.push(...clauses(text.en));
  for (const c of demoWorkspace.canned) if (c.language === "en") allowed.push(c.title, ...clauses(c.body));

  browser = await launchWithExtension();
  panel = await openSidePanel(browser.context);
  await readyAgent(panel, stack.workerUrl, "lina@acme.test", DEMO_PASSWORD);
  await panel.getByRole("button", { name: "Settings" }).click();
  await panel.getByRole("radio", { name: "中文" }).check();
  await panel.getByRole("button", { name: "返回收件箱" }).click();
  await panel.getByRole("tab", { name: /我的/ }).waitFor();
}, 120_000);

afterAll(async () => {
  for (const c of consoles) await c.close();
  await browser?.close();
  await stack?.dispose();
});

describe("every sentence in the reader's language (中文)", () => {
  it("the side panel and its notifications: assignments, transfers, refusals, a skipped message, a rating, an auto-resolve, a bulk action", async () => {
    const now = Date.now();
    // Round robin hands 李娜 each new customer; a welcome goes out to each, but not to 周强, whose message WhatsApp
    // delivered a day late: the 24-hour window had closed, and the log says the welcome was skipped.
    await stack.customerWrites("8613833330001", "陈静", "你好，我上周买的空气炸锅不加热了");
    await stack.customerWrites(EMILY.phone, EMILY.name, EMILY.text);
    await stack.customerWrites("8613833330004", "周强", "昨天下午发的消息，你们收到了吗？", now - 25 * 3600_000);
    // 孙悦 wrote a minute and a half ago; once 李娜 answers, the minute of silence resolves it automatically.
    await stack.customerWrites("8613833330005", "孙悦", "发票已经收到了，谢谢", now - 90_000);
    await open("孙悦");
    await panel.getByRole("textbox", { name: "回复" }).fill("不客气，祝您生活愉快！");
    await panel.getByRole("textbox", { name: "回复" }).press("Enter");
    await panel.locator(".message.out", { hasText: "不客气" }).waitFor();

    await open("陈静");
    await panel.locator(".activity-line", { hasText: "李娜" }).first().waitFor();
    expect(await read(panel, "panel: 陈静 (round robin)")).toContain("已分配给 李娜 · 轮流分配");
    await open("周强");
    await panel.locator('.activity-line[data-activity="automation_skipped"]').waitFor();
    expect(await read(panel, "panel: 周强 (skipped welcome)")).toContain("自动消息 · 欢迎语未发送：24 小时服务窗口已关闭");

    // A transfer the server refuses: 陈伟 is offline, and an agent cannot force it.
    await open(EMILY.name);
    await panel.getByRole("button", { name: "转接", exact: true }).click();
    const dialog = panel.getByRole("dialog", { name: "转接此会话" });
    await dialog.getByRole("radio", { name: /陈伟/ }).check();
    await dialog.getByRole("button", { name: "转接", exact: true }).click();
    await dialog.locator(".error, [role=alert]").first().waitFor();
    expect(await dialog.locator(".error, [role=alert]").first().innerText()).toBe("陈伟 处于离开状态");
    await read(panel, "panel: refused transfer");
    await panel.keyboard.press("Escape");
    await dialog.waitFor({ state: "detached" });

    // 王经理, who is not on the number, moves Emily's conversation to 陈伟 and back from the console; 李娜's panel is
    // closed by then, so the background tells her in a notification.
    const emily = await conversationOf(EMILY.name);
    await api("POST", `/numbers/${NUMBER}/conversations/${emily.id}/transfer`, { toAgentId: ids.chenwei, force: true });
    await panel.close();
    await api("POST", `/numbers/${NUMBER}/conversations/${emily.id}/transfer`, { toAgentId: ids.lina, force: true, note: "客户要两个蓝色杯子，请跟进" });
    const notice = await waitUntil("a notification of the transfer", async () =>
      Object.values(await shownNotifications(browser.context)).find((n) => n?.title.includes(EMILY.name) || n?.message.includes(EMILY.name)),
    );
    seen.push({ where: "notification", text: `${notice.title}\n${notice.message}` });
    expect(`${notice.title} ${notice.message}`).toContain("王经理");
    panel = await openSidePanel(browser.context);
    await panel.getByRole("status").filter({ hasText: "实时" }).waitFor();
    await open(EMILY.name);
    // The person who acted is named even though the panel's list of the number's people does not hold them.
    await waitUntil("both transfers in the log", async () => (await panel.locator('.activity-line[data-activity="transferred"]').count()) >= 2);
    const transfers = await panel.locator('.activity-line[data-activity="transferred"]').allInnerTexts();
    expect.soft(transfers.filter((line) => line.includes("王经理 转接"))).toHaveLength(2);
    await read(panel, "panel: transfers by 王经理");
    await screenshot(panel, "sidepanel/zh-everywhere-panel.png");

    // The survey: 郑丽 is answered, resolved, and rates 4 stars.
    await stack.customerWrites("8613833330006", "郑丽", "保温杯能刻字吗？");
    await open("郑丽");
    await panel.getByRole("textbox", { name: "回复" }).fill("可以的，下单时在备注里写上要刻的字就行。");
    await panel.getByRole("textbox", { name: "回复" }).press("Enter");
    await panel.getByRole("group", { name: "会话状态" }).getByRole("button", { name: "已解决" }).click();
    const lines = () => stack.simulatorMessages("8613833330006") as Promise<{ body: { type?: string; interactive?: { action: { sections: { rows: { id: string; title: string; description?: string }[] }[] } } } }[]>;
    const survey = await waitUntil("the survey", async () => (await lines()).find((l) => l.body?.type === "interactive"));
    const four = survey.body.interactive!.action.sections[0]!.rows.find((r) => r.title === "★★★★")!;
    await fetch(`${stack.simulator.url}/simulator/choices`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ waId: "8613833330006", name: "郑丽", id: four.id, title: four.title, description: four.description }),
    });
    await panel.locator('.activity-line[data-activity="rated"]').waitFor({ timeout: 10_000 });
    expect(await read(panel, "panel: 郑丽 (rating)")).toContain("客户评分 ★★★★ 4/5");

    // An invalid input: a shortcode with a space in it.
    await panel.getByRole("button", { name: "我的快捷回复" }).click();
    const mine = panel.getByRole("dialog");
    await mine.getByLabel("快捷码（输入 /快捷码）").fill("退货 说明");
    await mine.getByLabel("标题").fill("退货说明");
    await mine.getByLabel(/^内容/).fill("收货后 7 天内可以申请退货。");
    await mine.getByRole("button", { name: "添加" }).click();
    await mine.locator(".error, [role=alert]").first().waitFor();
    expect(await read(panel, "panel: invalid shortcode")).toContain("请求无效：请检查字段 shortcode。");
    await mine.getByRole("button", { name: "关闭" }).click();
    await mine.waitFor({ state: "detached" });

    // A bulk action: the first two of 李娜's conversations marked pending.
    await panel.getByRole("button", { name: "返回列表" }).click();
    await panel.locator(".list-scroll").evaluate((list) => (list.scrollTop = 0));
    await panel.locator('li[data-index="0"] .pick').click();
    await panel.keyboard.press("Shift+ArrowDown");
    await panel.getByText("已选 2 个", { exact: true }).waitFor();
    await panel.getByRole("button", { name: "标为待处理", exact: true }).click();
    await panel.getByRole("status").filter({ hasText: "已将 2 个标为待处理" }).waitFor();
    await read(panel, "panel: bulk pending");

    // 孙悦's conversation, resolved for the customer's silence.
    await panel.getByRole("tab", { name: /已解决/ }).click();
    await waitUntil("孙悦 resolved automatically", async () => (await conversationOf("孙悦")).status === "resolved", 60_000);
    await panel.locator(".conversation-row", { hasText: "孙悦" }).click();
    await panel.locator(".activity-line", { hasText: "已自动解决" }).waitFor();
    expect(await read(panel, "panel: 孙悦 (auto-resolved)")).toContain("已自动解决 · 客户 1 分钟 未回复");

    expect(findings()).toEqual([]);
  });

  it("every page of the console, the audit log and a conversation's review included", async () => {
    seen.length = 0;
    // The supervisor's own browser: the panel's browser is signed in as 李娜.
    const console = await launchWithExtension();
    consoles.push(console);
    const page = await console.context.newPage();
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.goto(`chrome-extension://${EXTENSION_ID}/options.html`);
    await signIn(page, stack.workerUrl, demoWorkspace.admin.email, DEMO_PASSWORD);
    const nav = page.getByRole("navigation", { name: /Console sections|后台栏目/ });
    await nav.waitFor();
    if ((await page.locator("html").getAttribute("lang")) !== "zh-CN") await page.getByLabel("语言 / Language").selectOption("zh");
    await page.waitForFunction(() => document.documentElement.lang === "zh-CN");
    // A settings change the audit log then lists.
    await api("PUT", "/workspace/settings", { graceSeconds: 90 });
    const links = await nav.getByRole("link").all();
    expect(links.length).toBeGreaterThan(10);
    for (const link of links) {
      const name = await link.innerText();
      await link.click();
      await page.getByRole("heading", { level: 1, name }).waitFor();
      await page.waitForLoadState("networkidle").catch(() => undefined);
      await page.waitForTimeout(300);
      for (const tab of await page.getByRole("main").getByRole("tab").all()) {
        await tab.click();
        await page.waitForTimeout(300);
        await read(page, `console: ${name} / ${await tab.innerText()}`);
      }
      await read(page, `console: ${name}`);
      if ((await page.url()).includes("#audit")) await screenshot(page, "options/zh-everywhere-console.png");
    }
    const emily = await conversationOf(EMILY.name);
    await page.goto(`chrome-extension://${EXTENSION_ID}/options.html#review/${NUMBER}/${emily.id}`);
    await page.locator(".review-timeline").waitFor();
    await page.waitForTimeout(500);
    await read(page, "console: review of Emily's conversation");
    expect(findings()).toEqual([]);
  });
});
