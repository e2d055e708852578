import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD, demoWorkspace } from "../../scripts/demo-data.ts";
import type { Conversation } from "../../shared/inbox";
import { launchWithExtension, openSidePanel, readyAgent, screenshot, shownNotifications, signIn, waitUntil } from "./browser.ts";
import { startStack, type Stack } from "./stack.ts";

/**
 * Bulk work in the side panel (issue #22): a supervisor selects 50 conversations with the mouse and the keyboard,
 * assigns, tags and resolves them in one action each, and one click on Undo puts all 50 back as they were.
 */
const NUMBER = demoWorkspace.number.phoneNumberId;
const CUSTOMERS = 50;
let stack: Stack;
const browsers: Awaited<ReturnType<typeof launchWithExtension>>[] = [];
const tokens: Record<string, string> = {};
const ids: Record<string, string> = {};

async function api<T>(who: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${stack.workerUrl}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${tokens[who]}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function signInApi(email: string): Promise<string> {
  const response = await fetch(`${stack.workerUrl}/api/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email, password: DEMO_PASSWORD }) });
  return ((await response.json()) as { token: string }).token;
}

/** The demo customers' conversations as the server has them, open and resolved. */
async function serverState() {
  const open = await api<{ conversations: Conversation[] }>("admin", "GET", `/numbers/${NUMBER}/conversations?view=all&limit=200`);
  const resolved = await api<{ conversations: Conversation[] }>("admin", "GET", `/numbers/${NUMBER}/conversations?view=resolved&limit=200`);
  return [...open.conversations, ...resolved.conversations].filter((c) => c.contact.name?.startsWith("顾客"));
}

async function panelFor(email: string, locale?: string): Promise<Page> {
  const browser = await launchWithExtension(locale ? { locale } : {});
  browsers.push(browser);
  const panel = await openSidePanel(browser.context);
  if (locale) {
    await signIn(panel, stack.workerUrl, email, DEMO_PASSWORD);
    await panel.getByRole("button", { name: "离开" }).waitFor();
    await panel.getByRole("button", { name: "在线" }).click();
    await panel.getByRole("status").filter({ hasText: "实时" }).waitFor();
  } else await readyAgent(panel, stack.workerUrl, email, DEMO_PASSWORD);
  return panel;
}

/** Selects the first `count` rows: a click on the first row's box, then Shift+↓ held down to the last. */
async function selectAll(panel: Page, count: number, label: (n: number) => string) {
  await panel.locator(".list-scroll").evaluate((list) => (list.scrollTop = 0));
  await panel.locator('li[data-index="0"] .pick').click();
  await panel.getByText(label(1)).waitFor();
  for (let n = 2; n <= count; n++) await panel.keyboard.press("Shift+ArrowDown");
  await panel.getByText(label(count), { exact: true }).waitFor();
}

beforeAll(async () => {
  stack = await startStack();
  tokens.admin = await signInApi(demoWorkspace.admin.email);
  const { people } = await api<{ people: { id: string; email: string }[] }>("admin", "GET", "/people");
  for (const p of people) ids[p.email.split("@")[0]!] = p.id;
  // A supervisor on the demo number, who works across the agents.
  ids.zhou = (await api<{ id: string }>("admin", "POST", "/people", { name: "周主管", email: "zhou@acme.test", password: DEMO_PASSWORD, role: "supervisor" })).id;
  await api("admin", "PUT", `/numbers/${NUMBER}`, { displayName: demoWorkspace.number.displayName, memberIds: [ids.lina, ids.chenwei, ids.zhangmin, ids.zhou] });
}, 120_000);

afterAll(async () => {
  for (const browser of browsers) await browser.close();
  await stack?.dispose();
});

describe("bulk work in the side panel", () => {
  it("a supervisor assigns, tags and resolves 50 conversations, each in one action with one undo", async () => {
    // 李娜 is the only one of 售前 online: round robin hands her all 50.
    await panelFor("lina@acme.test");
    for (let i = 1; i <= CUSTOMERS; i++) await stack.customerWrites(`86139000${String(i).padStart(5, "0")}`, `顾客${String(i).padStart(2, "0")}`, `第 ${i} 个订单什么时候发货？`);
    await waitUntil("50 conversations with 李娜", async () => (await serverState()).filter((c) => c.assigneeId === ids.lina).length === CUSTOMERS, 30_000);
    const original = (await serverState()).map((c) => ({ id: c.id, assigneeId: c.assigneeId, status: c.status, tags: c.tags }));
    const asBefore = async () => (await serverState()).map((c) => ({ id: c.id, assigneeId: c.assigneeId, status: c.status, tags: c.tags }));

    const zhou = await panelFor("zhou@acme.test");
    await zhou.getByRole("tab", { name: /All/ }).click();
    await zhou.locator(".conversation-row", { hasText: "顾客50" }).waitFor();
    const selected = (n: number) => `${n} selected`;
    const undo = zhou.getByRole("status").filter({ hasText: /Undo/ }).getByRole("button", { name: "Undo" });
    const tag = (await api<{ tags: { id: string; name: string }[] }>("admin", "GET", "/catalog")).tags.find((t) => t.name === "高优先级")!;

    // Assign all 50 to 陈伟 (offline: a supervisor's assignment forces it), then undo.
    await selectAll(zhou, CUSTOMERS, selected);
    await screenshot(zhou, "sidepanel/bulk-select.png");
    await zhou.getByRole("combobox", { name: "Assign to…" }).selectOption({ label: "陈伟" });
    await zhou.getByRole("status").filter({ hasText: "Assigned 50" }).waitFor();
    expect((await serverState()).filter((c) => c.assigneeId === ids.chenwei)).toHaveLength(CUSTOMERS);
    await undo.click();
    await zhou.getByRole("status").filter({ hasText: "Undone: 50 restored" }).waitFor();
    expect(await asBefore()).toEqual(original);

    // Tag all 50 高优先级, then undo.
    await selectAll(zhou, CUSTOMERS, selected);
    await zhou.getByRole("combobox", { name: "Add tag…" }).selectOption({ label: "高优先级" });
    await zhou.getByRole("status").filter({ hasText: "Tagged 50" }).waitFor();
    expect((await serverState()).filter((c) => c.tags.includes(tag.id))).toHaveLength(CUSTOMERS);
    await waitUntil("the tags in the list", async () => (await zhou.locator(".conversation-row .row-tags", { hasText: "高优先级" }).count()) > 5);
    await undo.click();
    await zhou.getByRole("status").filter({ hasText: "Undone: 50 restored" }).waitFor();
    expect(await asBefore()).toEqual(original);

    // Resolve all 50: the list empties, live; undo brings them back, open, with 李娜.
    await selectAll(zhou, CUSTOMERS, selected);
    await zhou.getByRole("button", { name: "Resolve", exact: true }).click();
    await zhou.getByRole("status").filter({ hasText: "Resolved 50" }).waitFor();
    expect((await serverState()).filter((c) => c.status === "resolved")).toHaveLength(CUSTOMERS);
    await zhou.locator(".conversation-row").first().waitFor({ state: "detached" });
    await undo.click();
    await zhou.getByRole("status").filter({ hasText: "Undone: 50 restored" }).waitFor();
    expect(await asBefore()).toEqual(original);
    // Back in the list, live: the tab counts them again and the rows are drawn.
    await zhou.getByRole("tab", { name: /All/ }).filter({ hasText: "50" }).waitFor();
    await zhou.locator(".conversation-row").first().waitFor();
  }, 240_000);

  it("an agent's selection: x toggles, Esc clears, Shift+↓ extends, and the action applies to what is selected", async () => {
    const lina = await openSidePanel(browsers[0]!.context);
    await lina.locator(".conversation-row", { hasText: "顾客50" }).waitFor();
    // One of 李娜's goes to 张敏, so her own list holds 49, and the other agent's rules apply to it.
    const [first] = (await serverState()).filter((c) => c.contact.name === "顾客50");
    await api("admin", "POST", `/numbers/${NUMBER}/conversations/${first!.id}/transfer`, { toAgentId: ids.zhangmin, force: true });
    await lina.locator(".conversation-row", { hasText: "顾客50" }).waitFor({ state: "detached" });
    await lina.locator(".conversation-row").first().focus();
    await lina.keyboard.press("x");
    await lina.getByText("1 selected", { exact: true }).waitFor();
    await lina.keyboard.press("Escape");
    await lina.getByText("1 selected", { exact: true }).waitFor({ state: "detached" });
    await lina.keyboard.press("x");
    await lina.keyboard.press("Shift+ArrowDown");
    await lina.getByText("2 selected", { exact: true }).waitFor();
    await lina.getByRole("button", { name: "Mark pending" }).click();
    await lina.getByRole("status").filter({ hasText: "Marked 2 pending" }).waitFor();
    expect((await serverState()).filter((c) => c.status === "pending")).toHaveLength(2);
  }, 120_000);

  it("中文: the selection bar and its words in Chinese (screenshot), and the activity lines' reasons", async () => {
    const zhou = await panelFor("zhou@acme.test", "zh-CN");
    await zhou.getByRole("tab", { name: /全部/ }).click();
    await zhou.locator(".conversation-row", { hasText: "顾客48" }).waitFor();
    await selectAll(zhou, 6, (n) => `已选 ${n} 个`);
    await zhou.getByRole("region", { name: "批量操作" }).getByRole("button", { name: "解决" }).waitFor();
    await screenshot(zhou, "sidepanel/bulk-select-zh.png");

    // The reasons in a conversation's log come as codes and read in Chinese, the bulk assignment and its undo too.
    await zhou.keyboard.press("Escape");
    await zhou.getByText("已选 6 个", { exact: true }).waitFor({ state: "detached" });
    await zhou.locator(".conversation-row", { hasText: "顾客47" }).click();
    const lines = zhou.locator(".activity-line");
    await lines.filter({ hasText: "已分配给 李娜 · 轮流分配" }).waitFor();
    await lines.filter({ hasText: "已转接给 陈伟 · 周主管 转接" }).waitFor();
    for (const text of await lines.allInnerTexts()) expect(text).not.toMatch(/[A-Za-z]{2,}\s+[A-Za-z]{2,}/);

    // A conversation transferred to her: the desktop notification's title and body are in Chinese too.
    const target = (await serverState()).find((c) => c.contact.name === "顾客46")!;
    await api("admin", "POST", `/numbers/${NUMBER}/conversations/${target.id}/transfer`, { toAgentId: ids.zhou, force: true });
    const shown = await waitUntil("her notification", async () => (await shownNotifications(browsers[browsers.length - 1]!.context))[`conversation:${NUMBER}:${target.id}`]);
    expect({ title: shown.title, message: shown.message }).toEqual({ title: "转给您的会话", message: "顾客46：王经理 转接" });
  }, 120_000);
});
