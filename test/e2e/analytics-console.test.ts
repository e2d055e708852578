import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { BrowserContext, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../scripts/demo-data.ts";
import { parseCsv } from "../../shared/csv.ts";
import { seriousViolations } from "./axe.ts";
import { EXTENSION_ID, launchWithExtension, openSidePanel, readyAgent, screenshot, signIn } from "./browser.ts";
import { startStack, type Stack } from "./stack.ts";

/** The options page opens in a full tab. */
const TAB = { width: 1280, height: 860 };
const NUMBER = "105550100";

let stack: Stack;
const browsers: Awaited<ReturnType<typeof launchWithExtension>>[] = [];
let admin: Page;
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};
const sockets: WebSocket[] = [];

async function browser(): Promise<BrowserContext> {
  const launched = await launchWithExtension();
  browsers.push(launched);
  return launched.context;
}

async function signInApi(email: string): Promise<string> {
  const response = await fetch(`${stack.workerUrl}/api/sessions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  return ((await response.json()) as { token: string }).token;
}

async function api<T>(who: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${stack.workerUrl}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${tokens[who]}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) throw new Error(`${who} ${method} ${path}: HTTP ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** The conversation a customer's message opened on the demo number. */
async function conversationOf(waId: string): Promise<string> {
  let id: string | undefined;
  await expect
    .poll(
      async () => {
        const { conversations } = await api<{ conversations: { id: string; contact: { waId: string | null }; status: string }[] }>(
          "admin",
          "GET",
          `/numbers/${NUMBER}/conversations?view=all&limit=200`,
        );
        id = conversations.find((c) => c.contact.waId === waId && c.status !== "resolved")?.id;
        return id;
      },
      { timeout: 5_000 },
    )
    .toBeDefined();
  return id!;
}

async function reply(who: string, conversationId: string, text: string) {
  await api(who, "POST", `/numbers/${NUMBER}/conversations/${conversationId}/messages`, { type: "text", text, clientId: randomUUID() });
}

type SimLine = { direction: string; body: { type?: string; interactive?: { action: { sections: { rows: { id: string; title: string; description?: string }[] }[] } } } };

/** The customer answers the satisfaction survey the number sent on resolve, then adds a comment. */
async function rate(waId: string, name: string, stars: number, comment: string) {
  const survey = async () => ((await stack.simulatorMessages(waId)) as SimLine[]).findLast((l) => l.body?.type === "interactive");
  await expect.poll(survey, { timeout: 10_000 }).toBeDefined();
  const row = (await survey())!.body.interactive!.action.sections[0]!.rows.find((r) => r.title === "★".repeat(stars))!;
  await new Promise((r) => setTimeout(r, 800)); // the customer reads the survey before tapping
  await fetch(`${stack.simulator.url}/simulator/choices`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ waId, name, id: row.id, title: row.title, description: row.description }),
  });
  await new Promise((r) => setTimeout(r, 800));
  await stack.customerWrites(waId, name, comment);
}

/** An agent's side panel as far as the number can tell: its socket, open. */
async function panelSocket(who: string): Promise<WebSocket> {
  const { ticket } = await api<{ ticket: string }>(who, "POST", "/socket-ticket", { phoneNumberId: NUMBER });
  const socket = new WebSocket(`${stack.workerUrl.replace(/^http/, "ws")}/api/numbers/${NUMBER}/socket?ticket=${encodeURIComponent(ticket)}`);
  await new Promise((open, fail) => {
    socket.addEventListener("open", open, { once: true });
    socket.addEventListener("error", fail, { once: true });
  });
  return socket;
}

/** The morning's conversations, by customer, for the steps that follow it. */
const morning: Record<string, string> = {};

/** The device of the agent serving the customer detected their language (the side panel reports it so). */
async function detectLanguage(who: string, conversationId: string, language: string) {
  const { conversation } = await api<{ conversation: { contact: { id: string } } }>("admin", "GET", `/numbers/${NUMBER}/conversations/${conversationId}/review`);
  await api(who, "PUT", `/numbers/${NUMBER}/contacts/${conversation.contact.id}/language`, { language });
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function section(page: Page, name: string) {
  await page.getByRole("navigation", { name: "Console sections" }).getByRole("link", { name, exact: true }).click();
  await page.getByRole("heading", { level: 1, name }).waitFor();
}

/** One figure of the demo number's row on the live board. */
const figure = (page: Page, name: string): Locator => page.getByRole("table", { name: "By number" }).locator(`tr[data-row="${NUMBER}"] [data-figure="${name}"]`);
const figureText = async (page: Page, name: string) => (await figure(page, name).textContent())?.trim();

beforeAll(async () => {
  stack = await startStack();
  tokens.admin = await signInApi("wang@acme.test");
  for (const key of ["lina", "chenwei", "zhangmin"]) tokens[key] = await signInApi(`${key}@acme.test`);
  const { people } = await api<{ people: { id: string; email: string }[] }>("admin", "GET", "/people");
  for (const p of people) ids[p.email.split("@")[0]!] = p.id;
  // Open around the clock (so no away message), with the satisfaction survey on: every resolve asks for a rating.
  const current = await api<Record<string, unknown>>("admin", "GET", `/numbers/${NUMBER}/automation`);
  const always = Array.from({ length: 7 }, () => [{ start: "00:00", end: "00:00" }]);
  await api("admin", "PUT", `/numbers/${NUMBER}/automation`, {
    ...current,
    businessHours: { timeZone: "Asia/Shanghai", weekly: always, specialDates: [] },
    csat: { ...(current.csat as object), enabled: true },
  });
  await api("admin", "PUT", "/workspace/settings", { timeZone: "Asia/Shanghai" });
  // 陈伟 and 张敏 have their side panels open but are Away: online, so what they hold stays theirs, but not given
  // new customers (the queue waits for someone Available). Their panels are sockets here; 李娜's is a real one below.
  for (const who of ["chenwei", "zhangmin"]) sockets.push(await panelSocket(who));
});

afterAll(async () => {
  for (const socket of sockets) socket.close();
  for (const b of browsers) await b.close();
  await stack?.dispose();
});

describe("live board, reports and conversation review in the console", () => {
  it("a morning's work: customers write, agents reply, one conversation is transferred to 售后, and two customers rate", async () => {
    // 孙悦 waits longest; 陈伟 answers, the supervisor moves her to 张敏 in 售后, who resolves; she rates 2 ★.
    await stack.customerWrites("8613900003001", "孙悦", "我买的保温杯漏水，怎么办？");
    const sunyue = await conversationOf("8613900003001");
    await api("admin", "POST", `/numbers/${NUMBER}/conversations/${sunyue}/transfer`, { toAgentId: ids.chenwei, force: true });
    await pause(3_000);
    await reply("chenwei", sunyue, "您好，很抱歉给您带来不便，我帮您转给售后同事处理。");
    await api("admin", "POST", `/numbers/${NUMBER}/conversations/${sunyue}/transfer`, { toAgentId: ids.zhangmin, force: true, note: "漏水，需要换货" });
    await reply("zhangmin", sunyue, "您好，我是售后张敏。请拍一张漏水位置的照片，我们马上给您换新。");
    // WhatsApp stamps a customer's message to the second: a moment apart, so the timeline reads in order.
    await pause(1_100);
    await stack.customerWrites("8613900003001", "孙悦", "好的，照片已发，谢谢。");
    await pause(1_100);
    await reply("zhangmin", sunyue, "收到，换货单已提交，明天发出。");
    await api("zhangmin", "POST", `/numbers/${NUMBER}/conversations/${sunyue}/resolve`);
    await rate("8613900003001", "孙悦", 2, "等了好久才有人回复。");

    // 周杰 asks before buying; 陈伟 answers quickly and resolves; he rates 5 ★.
    await stack.customerWrites("8613900003002", "周杰", "这款保温杯能装开水吗？");
    const zhoujie = await conversationOf("8613900003002");
    await api("admin", "POST", `/numbers/${NUMBER}/conversations/${zhoujie}/transfer`, { toAgentId: ids.chenwei, force: true });
    await pause(1_000);
    await reply("chenwei", zhoujie, "可以的，304 不锈钢内胆，装开水没问题。");
    await api("chenwei", "POST", `/numbers/${NUMBER}/conversations/${zhoujie}/resolve`);
    await rate("8613900003002", "周杰", 5, "回复很快，谢谢！");

    // 吴昊's order question is with 张敏, still open.
    await stack.customerWrites("8613900003003", "吴昊", "我的订单什么时候发货？");
    const wuhao = await conversationOf("8613900003003");
    await api("admin", "POST", `/numbers/${NUMBER}/conversations/${wuhao}/transfer`, { toAgentId: ids.zhangmin, force: true });
    await pause(1_500);
    await reply("zhangmin", wuhao, "您好，您的订单今天下午发出，顺丰快递。");
    Object.assign(morning, { sunyue, zhoujie, wuhao });
  });

  it("the live board follows a customer waiting, 李娜 going Available, her reply and resolve, without a reload", async () => {
    admin = await (await browser()).newPage();
    await admin.setViewportSize(TAB);
    await admin.goto(`chrome-extension://${EXTENSION_ID}/options.html#live`);
    await signIn(admin, stack.workerUrl, "wang@acme.test", DEMO_PASSWORD);
    await admin.getByRole("heading", { level: 1, name: "Live board" }).waitFor();
    await admin.getByText("Today since 00:00 Asia/Shanghai").waitFor();
    await admin.locator(".live-line.state-live").waitFor({ timeout: 10_000 });
    // Agents only ever see their own profile and canned responses: the board and reports are in the supervisors' list.
    const nav = admin.getByRole("navigation", { name: "Console sections" });
    expect((await nav.getByRole("link").allInnerTexts()).slice(0, 3)).toEqual(["Live floor", "Live board", "Reports"]);

    await expect.poll(() => figureText(admin, "resolved")).toBe("2");
    expect(await figureText(admin, "waiting")).toBe("0");
    expect(await figureText(admin, "csat")).toBe("3.5 ★ 2 ratings");
    const teams = admin.getByRole("table", { name: "By team" });
    await teams.getByRole("row", { name: /售后/ }).waitFor();
    await admin.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    // Nobody is Available: 赵雪 waits, and the board says so as soon as the number pushes it.
    await stack.customerWrites("8613900003004", "赵雪", "你好，请问粉色的保温杯还有货吗？");
    await expect.poll(() => figureText(admin, "waiting"), { timeout: 5_000 }).toBe("1");
    await admin.getByRole("status").filter({ hasText: "waiting 0 → 1" }).waitFor({ state: "attached" });
    await expect.poll(() => figureText(admin, "longest-wait")).toMatch(/^\d+ s$/);

    // 李娜 goes Available in her side panel and the queue hands 赵雪 to her.
    const lina = await openSidePanel(await browser());
    await readyAgent(lina, stack.workerUrl, "lina@acme.test", DEMO_PASSWORD);
    await expect.poll(() => figureText(admin, "waiting"), { timeout: 5_000 }).toBe("0");
    await expect.poll(() => figureText(admin, "available"), { timeout: 5_000 }).toBe("1");

    await lina.locator(".conversation-row", { hasText: "赵雪" }).click();
    await lina.getByLabel("Reply").fill("您好，粉色还有现货，今天下单明天就能发货。");
    await lina.getByLabel("Reply").press("Enter");
    await lina.getByRole("group", { name: "Conversation status" }).getByRole("button", { name: "Resolved" }).click();
    await expect.poll(() => figureText(admin, "resolved"), { timeout: 5_000 }).toBe("3");
    await rate("8613900003004", "赵雪", 4, "很耐心，谢谢。");
    await expect.poll(() => figureText(admin, "csat"), { timeout: 5_000 }).toBe("3.7 ★ 3 ratings");

    const page = await admin.evaluate(() => ({
      notReloaded: (window as unknown as { notReloaded?: boolean }).notReloaded,
      marks: performance.getEntriesByName("board-updated").length,
      updates: ((window as unknown as { __boardUpdates?: { phoneNumberId: string; at: number }[] }).__boardUpdates ?? []).filter((u) => u.phoneNumberId === "105550100").length,
    }));
    expect(page.notReloaded).toBe(true);
    expect(page.marks).toBeGreaterThanOrEqual(4);
    expect(page.updates).toBe(page.marks);
    // 售前 (李娜's team) took 赵雪 today and resolved her.
    expect(await teams.getByRole("row", { name: /售前/ }).locator('[data-figure="resolved"]').textContent()).toMatch(/^[1-9]/);

    await screenshot(admin, "options/live.png", { fullPage: true });
    await admin.getByLabel("语言 / Language").selectOption("zh");
    await admin.getByRole("heading", { level: 1, name: "实时指标" }).waitFor();
    await admin.getByText("今天（Asia/Shanghai 时间 00:00 起）").waitFor();
    await screenshot(admin, "options/live-zh.png", { fullPage: true });
    await admin.getByLabel("语言 / Language").selectOption("en");
  });

  it("reports: the last 7 days' chart and tables, the agents' CSV the same cells as the screen", async () => {
    await section(admin, "Reports");
    await admin.getByLabel("Range").selectOption("last7");
    const overview = admin.getByRole("table", { name: "Overview" });
    await overview.waitFor();
    await admin.locator(".chart-box canvas").first().waitFor();
    await admin.getByRole("img", { name: /Conversations per day/ }).waitFor();
    // Today's bucket holds the morning: four new conversations, three resolved, and one hand-over (陈伟's customer
    // moved to 张敏); the supervisor's three assignments from the queue are not transfers.
    const total = await overview.getByRole("row", { name: /^total/ }).evaluate((tr) => Array.from(tr.children).map((c) => c.textContent));
    const columns = await overview.locator("thead th").evaluateAll((ths) => ths.map((th) => th.getAttribute("data-column")));
    const cell = (name: string) => total[columns.indexOf(name)];
    expect([cell("conversations_new"), cell("conversations_resolved"), cell("conversations_transferred")]).toEqual(["4", "3", "1"]);
    await screenshot(admin, "options/report-overview.png", { fullPage: true });

    await admin.getByRole("tab", { name: "Agents" }).click();
    const agents = admin.getByRole("table", { name: "Agents" });
    await agents.getByRole("row", { name: /张敏/ }).waitFor();
    await screenshot(admin, "options/report-agents.png", { fullPage: true });
    const onScreen = await agents.evaluate((table) => [
      Array.from(table.querySelectorAll("thead th")).map((th) => th.getAttribute("data-column") ?? ""),
      ...Array.from(table.querySelectorAll("tbody tr")).map((tr) => Array.from(tr.children).map((c) => c.textContent ?? "")),
    ]);
    const [download] = await Promise.all([admin.waitForEvent("download"), admin.getByRole("button", { name: "Download CSV" }).click()]);
    expect(download.suggestedFilename()).toBe("report-agents.csv");
    const rows = parseCsv(readFileSync((await download.path())!, "utf8"));
    expect(rows).toEqual(onScreen);
    expect(rows.map((r) => r[0])).toEqual(expect.arrayContaining(["agent", "李娜", "陈伟", "张敏"]));
  });

  it("reports by customer language: the languages agents' devices detected, the never-detected apart, adding up to the overview", async () => {
    await detectLanguage("zhangmin", morning.sunyue!, "zh");
    await detectLanguage("chenwei", morning.zhoujie!, "zh");
    await detectLanguage("zhangmin", morning.wuhao!, "zh-Hant");
    await admin.getByRole("tab", { name: "Overview" }).click();
    const overview = admin.getByRole("table", { name: "Overview" });
    const totalNew = await overview.getByRole("row", { name: /^total/ }).evaluate((tr, column) => {
      const columns = Array.from(tr.closest("table")!.querySelectorAll("thead th")).map((th) => th.getAttribute("data-column"));
      return tr.children[columns.indexOf(column)]?.textContent;
    }, "conversations_new");
    // The tab reads the report again: the languages were set after it was loaded.
    await admin.reload();
    await admin.getByRole("tab", { name: "Languages" }).click();
    const languages = admin.getByRole("table", { name: "Languages" });
    await languages.getByRole("row", { name: /^zh\b/ }).first().waitFor();
    const rows = await languages.evaluate((table) =>
      Array.from(table.querySelectorAll("tbody tr")).map((tr) => Array.from(tr.children).map((c) => c.textContent ?? "")),
    );
    const header = await languages.locator("thead th").evaluateAll((ths) => ths.map((th) => th.getAttribute("data-column")));
    expect(header.slice(0, 3)).toEqual(["language", "conversations", "resolved"]);
    expect(await languages.locator("thead th").first().textContent()).toBe("Customer language");
    const byCode = Object.fromEntries(rows.map((r) => [r[0], r]));
    // 孙悦 and 周杰 (both resolved), 吴昊 in traditional Chinese, still open.
    expect(byCode.zh?.slice(1, 3)).toEqual(["2", "2"]);
    expect(byCode["zh-Hant"]?.slice(1, 3)).toEqual(["1", "0"]);
    expect(String(rows.reduce((sum, r) => sum + Number(r[1]), 0))).toBe(totalNew);
    await screenshot(admin, "options/report-languages.png", { fullPage: true });
  });

  it("a conversation worth a look opens read-only with its whole story, and leads back to the report", async () => {
    await admin.getByRole("tab", { name: "Worth a look" }).click();
    await admin.getByRole("table", { name: "Worth a look" }).getByRole("link", { name: "孙悦" }).first().click();
    await admin.getByRole("heading", { level: 1, name: "Conversation review" }).waitFor();
    const head = admin.getByRole("region", { name: /孙悦/ });
    await head.getByText("2 of 5, credited to 张敏").waitFor();
    await head.getByText("等了好久才有人回复。").waitFor();
    await head.getByText("Resolved by 张敏").waitFor();
    expect(await head.getByRole("definition").allInnerTexts()).toEqual(expect.arrayContaining(["Acme Store 客服", "Resolved", "张敏"]));
    const timeline = admin.getByRole("list", { name: "Conversation" });
    await timeline.locator('[data-activity="transferred"]').first().waitFor();
    await timeline.getByText(/Automatic · satisfaction survey/).waitFor();
    await timeline.getByText("我买的保温杯漏水，怎么办？").waitFor();
    await screenshot(admin, "options/review.png", { fullPage: true });

    await admin.getByRole("link", { name: "Back to the report" }).click();
    await admin.getByRole("tab", { name: "Worth a look", selected: true }).waitFor();
    await admin.getByRole("table", { name: "Worth a look" }).waitFor();
  });

  it("the workspace time zone is saved from the reports page", async () => {
    await admin.getByLabel("Workspace time zone").selectOption("Asia/Hong_Kong");
    await admin.getByRole("button", { name: "Save time zone" }).click();
    await admin.getByRole("status").filter({ hasText: "Saved. Days now start at 00:00 Asia/Hong_Kong." }).waitFor();
    expect((await api<{ timeZone: string }>("admin", "GET", "/workspace/settings")).timeZone).toBe("Asia/Hong_Kong");
    await admin.getByText("Days start at 00:00 Asia/Hong_Kong, the workspace's time zone.").waitFor();
    await admin.getByLabel("Workspace time zone").selectOption("Asia/Shanghai");
    await admin.getByRole("button", { name: "Save time zone" }).click();
    await admin.getByRole("status").filter({ hasText: "Asia/Shanghai" }).waitFor();
  });

  it("the live board, the report's overview and agents, and the review have no serious or critical axe findings", async () => {
    const found: Record<string, string[]> = {};
    await section(admin, "Live board");
    await figure(admin, "waiting").waitFor();
    found.live = await seriousViolations(admin);
    await section(admin, "Reports");
    await admin.getByRole("tab", { name: "Overview" }).click();
    await admin.locator(".chart-box canvas").first().waitFor();
    found.overview = await seriousViolations(admin);
    await admin.getByRole("tab", { name: "Agents" }).click();
    await admin.getByRole("table", { name: "Agents" }).waitFor();
    found.agents = await seriousViolations(admin);
    await admin.getByRole("tab", { name: "Worth a look" }).click();
    await admin.getByRole("table", { name: "Worth a look" }).getByRole("link").first().click();
    await admin.getByRole("list", { name: "Conversation" }).waitFor();
    found.review = await seriousViolations(admin);
    expect(found).toEqual({ live: [], overview: [], agents: [], review: [] });
  });
});
