import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../scripts/demo-data.ts";
import { EXTENSION_ID, launchWithExtension, openSidePanel, readyAgent, screenshot, signIn } from "./browser.ts";
import { seriousViolations } from "./axe.ts";
import { startStack, type Stack } from "./stack.ts";


/** The options page opens in a full tab. */
const TAB = { width: 1280, height: 860 };

let stack: Stack;
const browsers: Awaited<ReturnType<typeof launchWithExtension>>[] = [];
let admin: Page;
let supervisor: Page;
let zhouting: Page;
let supervisorContext: BrowserContext;
/** Everything the worker answered, every socket frame: searched for the access token at the end. */
const seen: string[] = [];

async function browser(): Promise<BrowserContext> {
  const launched = await launchWithExtension();
  browsers.push(launched);
  return launched.context;
}

function record(page: Page) {
  page.on("response", async (response) => {
    if (!response.url().startsWith(stack.workerUrl)) return;
    seen.push(`${response.url()} ${await response.text().catch(() => "")}`);
  });
  page.on("websocket", (ws) => ws.on("framereceived", (frame) => seen.push(String(frame.payload))));
}

async function openOptions(context: BrowserContext, email: string, password = DEMO_PASSWORD): Promise<Page> {
  const page = await context.newPage();
  record(page);
  await page.setViewportSize(TAB);
  await page.goto(`chrome-extension://${EXTENSION_ID}/options.html`);
  await signIn(page, stack.workerUrl, email, password);
  await page.getByRole("navigation", { name: "Console sections" }).waitFor();
  return page;
}

async function section(page: Page, name: string) {
  await page.getByRole("navigation", { name: "Console sections" }).getByRole("link", { name, exact: true }).click();
  await page.getByRole("heading", { level: 1, name }).waitFor();
}

async function apiToken(email: string): Promise<string> {
  const response = await fetch(`${stack.workerUrl}/api/sessions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email, password: DEMO_PASSWORD }),
  });
  return ((await response.json()) as { token: string }).token;
}

async function api<T>(token: string, method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(`${stack.workerUrl}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return (await response.json()) as T;
}

beforeAll(async () => {
  stack = await startStack();
  // The product brief's workspace has an admin; a supervisor, 刘洋, runs the floor day to day.
  const adminToken = await apiToken("wang@acme.test");
  await api(adminToken, "POST", "/people", { name: "刘洋", email: "liuyang@acme.test", password: DEMO_PASSWORD, role: "supervisor" });
  admin = await openOptions(await browser(), "wang@acme.test");
});

afterAll(async () => {
  for (const b of browsers) await b.close();
  await stack?.dispose();
});

describe("supervisor console in the options page", () => {
  it("an admin invites an agent by link; she accepts it, joins 售前, signs into the side panel and receives a conversation", async () => {
    await section(admin, "People");
    const invite = admin.getByRole("form", { name: "Invite someone" });
    await invite.getByLabel("Role").selectOption("agent");
    await invite.getByLabel("Capacity").fill("5");
    await invite.getByLabel(/Note/).fill("新同事 周婷");
    await invite.getByRole("group", { name: "Numbers they work on" }).getByRole("checkbox").first().check();
    await invite.getByRole("button", { name: "Create invitation link" }).click();
    const link = await admin.getByRole("textbox", { name: "Invitation link" }).inputValue();
    expect(link).toMatch(new RegExp(`^${stack.workerUrl}/invite/w`));
    await screenshot(admin, "options/people.png", { fullPage: true });

    // The invitee opens the link in any browser: the worker's own page, no extension needed.
    const agentContext = await browser();
    const page = await agentContext.newPage();
    await page.goto(link);
    await page.getByLabel("Your name").fill("周婷");
    await page.getByLabel("Email").fill("zhouting@acme.test");
    await page.getByLabel(/^Password/).fill("zhouting-2026");
    await page.getByRole("button", { name: "Create my account" }).click();
    await page.getByRole("status").filter({ hasText: "sign in as zhouting@acme.test" }).waitFor();
    await page.close();

    // The admin puts her in 售前, the team the number's rotation names.
    await section(admin, "Teams");
    await admin.getByRole("button", { name: "Edit 售前" }).click();
    const team = admin.getByRole("dialog", { name: "Edit team 售前" });
    await team.getByRole("group", { name: "Members" }).getByRole("checkbox", { name: "周婷" }).check();
    await team.getByRole("button", { name: "Save team" }).click();
    await team.waitFor({ state: "detached" });

    zhouting = await openSidePanel(agentContext);
    record(zhouting);
    await readyAgent(zhouting, stack.workerUrl, "zhouting@acme.test", "zhouting-2026");
    await stack.customerWrites("8613900001111", "孙悦", "请问这款保温杯有粉色吗？");
    await zhouting.locator(".conversation-row", { hasText: "孙悦" }).waitFor({ timeout: 5_000 });
  });

  it("a supervisor creates a team and puts it first in the number's rotation; the rules say in a sentence what they do", async () => {
    supervisorContext = await browser();
    supervisor = await openOptions(supervisorContext, "liuyang@acme.test");
    await section(supervisor, "Teams");
    const form = supervisor.getByRole("region", { name: "New team" });
    await form.getByLabel("Team name").fill("VIP 服务");
    await form.getByRole("group", { name: "Members" }).getByRole("checkbox", { name: "周婷" }).check();
    await form.getByRole("group", { name: "Members" }).getByRole("checkbox", { name: "李娜" }).check();
    await form.getByRole("group", { name: "Team supervisors" }).getByRole("checkbox", { name: "刘洋" }).check();
    await form.getByRole("radio", { name: "Least loaded" }).check();
    await form.getByRole("button", { name: "Create team" }).click();
    await supervisor.getByRole("button", { name: "Edit VIP 服务" }).waitFor();
    await screenshot(supervisor, "options/teams.png", { fullPage: true });

    await section(supervisor, "Assignment rules");
    const add = supervisor.getByLabel("Add an agent or a team");
    const vip = await add.locator("option", { hasText: "VIP 服务" }).getAttribute("value");
    await add.selectOption(vip!);
    await supervisor.getByRole("button", { name: "Add to rotation" }).click();
    await supervisor.getByRole("button", { name: "Move Team VIP 服务 up" }).click();
    await supervisor.getByRole("spinbutton", { name: /Reassign when the agent has not replied/ }).fill("15");
    const rotation = supervisor.getByRole("list", { name: "Rotation" });
    expect(await rotation.getByRole("listitem").allInnerTexts()).toEqual([expect.stringContaining("VIP 服务"), expect.stringContaining("售前")]);
    await supervisor.getByRole("button", { name: "Save rules" }).click();
    await supervisor.getByRole("status").filter({ hasText: "the next conversation follows these rules" }).waitFor();
    expect(await supervisor.locator("#rule-rotation").innerText()).toMatch(/VIP 服务/);
    await screenshot(supervisor, "options/rules.png", { fullPage: true });

    const token = await apiToken("liuyang@acme.test");
    const rules = await api<{ rotation: { type: string; id: string }[]; noReplyMinutes: number }>(token, "GET", "/numbers/105550100/routing");
    expect(rules.rotation.map((e) => e.type)).toEqual(["team", "team"]);
    expect(rules.noReplyMinutes).toBe(15);

    await supervisor.getByLabel("语言 / Language").selectOption("zh");
    await supervisor.getByRole("heading", { level: 1, name: "分配规则" }).waitFor();
    await screenshot(supervisor, "options/rules-zh.png", { fullPage: true });
    await supervisor.getByLabel("语言 / Language").selectOption("en");
  });

  it("a supervisor creates a tag group and a canned response, and the agent uses both without reloading", async () => {
    await section(supervisor, "Tags");
    await supervisor.getByLabel("Group name").fill("渠道 / Channel");
    await supervisor.getByRole("button", { name: "Add group" }).click();
    await supervisor.getByRole("checkbox", { name: "Single choice: 渠道 / Channel" }).waitFor();
    const newTag = supervisor.getByRole("form", { name: "New tag" });
    await newTag.getByLabel("Tag name").fill("抖音");
    await newTag.getByRole("combobox").selectOption({ label: "渠道 / Channel" });
    await newTag.getByRole("button", { name: "Add tag" }).click();
    await supervisor.getByRole("button", { name: "Rename 抖音" }).waitFor();
    await screenshot(supervisor, "options/tags.png", { fullPage: true });

    await section(supervisor, "Canned responses");
    await supervisor.getByLabel("Shortcode").fill("coupon");
    await supervisor.getByLabel("Title").fill("优惠券");
    await supervisor.getByLabel("Text").fill("您好 {customer name}，这是您的专属优惠码 ACME20，下单立减 20 元。");
    await supervisor.getByRole("button", { name: "Add to library" }).click();
    await supervisor.getByRole("button", { name: "Edit /coupon" }).waitFor();

    // The agent's panel fetched the catalog again when the supervisor changed it.
    await zhouting.locator(".conversation-row", { hasText: "孙悦" }).click();
    const composer = zhouting.getByLabel("Reply");
    await composer.fill("/coup");
    await zhouting.locator(".canned-picker li", { hasText: "/coupon" }).first().waitFor({ timeout: 5_000 });
    await composer.press("Enter");
    expect(await composer.inputValue()).toBe("您好 孙悦，这是您的专属优惠码 ACME20，下单立减 20 元。");
    await composer.press("Enter");
    await expect.poll(async () => (await stack.simulatorMessages("8613900001111")).some((m) => m.text?.includes("ACME20")), { timeout: 5_000 }).toBe(true);

    await zhouting.getByRole("button", { name: "Customer", exact: true }).click();
    await zhouting.getByLabel("Add a tag").fill("抖");
    await zhouting.getByRole("option", { name: /抖音/ }).click();
    await zhouting.locator(".customer-panel .tag-chip", { hasText: "抖音" }).waitFor();
    await zhouting.getByRole("button", { name: "Customer", exact: true }).click();
    await zhouting.getByRole("button", { name: "Back to the list" }).click();
  });

  it("imports canned responses from CSV: the bad row is reported by number and the rest are imported", async () => {
    const csv = [
      "shortcode,title,body,language,teams",
      'shipping,发货时间,"您好 {customer name}，现货订单 48 小时内发货，顺丰包邮。",zh,售前',
      "bad shortcode!,坏行,这一行的快捷码不合法,zh,",
      'shipping,Shipping,"Hi {customer name}, in-stock orders ship within 48 hours, free by SF Express.",en,',
      "warranty,保修,整机保修一年，配件保修半年。,zh,不存在的团队",
    ].join("\r\n");
    await supervisor.getByLabel("Import CSV").setInputFiles({ name: "canned.csv", mimeType: "text/csv", buffer: Buffer.from(csv, "utf8") });
    await supervisor.getByText("2 imported, 0 updated.").waitFor();
    await supervisor.getByText(/Row 3: shortcode/).waitFor();
    await supervisor.getByText(/Row 5: teams: no team named 不存在的团队/).waitFor();
    await supervisor.getByRole("button", { name: "Edit /shipping" }).first().waitFor();
    await screenshot(supervisor, "options/canned.png", { fullPage: true });
  });

  it("defines a contact attribute", async () => {
    await section(supervisor, "Contact attributes");
    await supervisor.getByLabel("Key").fill("会员等级");
    await supervisor.getByLabel("Label (中文)").fill("会员等级");
    await supervisor.getByLabel("Label (English)").fill("Membership");
    await supervisor.getByLabel("Type").selectOption("single_choice");
    await supervisor.getByLabel("Options, one per line").fill("普通会员\n黄金会员\n白金会员");
    await supervisor.getByRole("button", { name: "Create attribute" }).click();
    await supervisor.getByRole("button", { name: "Edit 会员等级" }).waitFor();
    await screenshot(supervisor, "options/attributes.png", { fullPage: true });
  });

  it("the floor shows agents and the queue live; the supervisor sends a forgotten agent Away and assigns a waiting customer", async () => {
    await section(supervisor, "Live floor");
    const row = supervisor.getByRole("row", { name: /周婷/ });
    await row.filter({ hasText: "Available" }).waitFor();

    await section(supervisor, "People");
    await supervisor.getByRole("button", { name: "Send Away 周婷" }).click();
    await supervisor.getByRole("button", { name: "Set Available 周婷" }).waitFor();
    await zhouting.getByRole("button", { name: "Away", pressed: true }).waitFor(); // her own panel follows

    await section(supervisor, "Live floor");
    await supervisor.getByRole("row", { name: /周婷/ }).filter({ hasText: "Away" }).waitFor();
    // Nobody is Available: a new customer waits, and appears on the floor without a reload.
    await stack.customerWrites("8613900002222", "钱多多", "下单后能改地址吗？");
    const assign = supervisor.getByLabel("Assign 钱多多 to");
    await assign.waitFor({ timeout: 5_000 });
    await supervisor.waitForTimeout(2_100); // the wait time ticks
    await screenshot(supervisor, "options/floor.png", { fullPage: true });
    await supervisor.getByLabel("语言 / Language").selectOption("zh");
    await supervisor.getByRole("heading", { level: 1, name: "实时看板" }).waitFor();
    await screenshot(supervisor, "options/floor-zh.png", { fullPage: true });
    await supervisor.getByLabel("语言 / Language").selectOption("en");

    await assign.selectOption((await assign.locator("option", { hasText: "周婷" }).getAttribute("value"))!);
    await supervisor.getByRole("button", { name: "Assign 钱多多" }).click();
    await supervisor.getByLabel("Assign 钱多多 to").waitFor({ state: "detached", timeout: 5_000 });
    await zhouting.locator(".conversation-row", { hasText: "钱多多" }).waitFor({ timeout: 5_000 });

    // Any conversation, not only a waiting one: the supervisor opens 周婷's and hands 孙悦 to 李娜, whose own
    // list is open too and receives it from the number's socket. 钱多多 stays with 周婷 (the tests below use it).
    const showLina = supervisor.getByRole("button", { name: "Show 李娜's conversations" });
    await showLina.click();
    expect(await showLina.getAttribute("aria-expanded")).toBe("true");
    const linas = supervisor.getByRole("list", { name: "李娜's conversations" }).or(supervisor.getByText("李娜 has no open conversations."));
    await linas.waitFor();
    const showZhou = supervisor.getByRole("button", { name: "Show 周婷's conversations" });
    expect(await showZhou.getAttribute("aria-expanded")).toBe("false");
    await showZhou.press("Enter"); // a real button: the keyboard opens it too
    expect(await showZhou.getAttribute("aria-expanded")).toBe("true");
    const hers = supervisor.getByRole("list", { name: "周婷's conversations" });
    await hers.getByRole("listitem").filter({ hasText: "钱多多" }).waitFor({ timeout: 5_000 });
    const sunyue = hers.getByRole("listitem").filter({ hasText: "孙悦" });
    await sunyue.filter({ hasText: "ACME20" }).waitFor(); // the last message, the canned response sent above
    await sunyue.getByText(/^last message /).waitFor();
    // The customers' languages (as agents' devices detected them) filter the list: 钱多多 writes Chinese, 孙悦's
    // language was never detected (set here as the assignee's device would). It reaches this list live, through the socket.
    const liuyang = await apiToken("liuyang@acme.test");
    const listed = await api<{ conversations: { contact: { id: string; name: string | null } }[] }>(liuyang, "GET", "/numbers/105550100/conversations?view=all&limit=200");
    const qian = listed.conversations.find((c) => c.contact.name === "钱多多")!.contact.id;
    const detected = await api<{ language?: string }>(liuyang, "PUT", `/numbers/105550100/contacts/${qian}/language`, { language: "zh" });
    expect(detected.language).toBe("zh");
    const language = supervisor.getByLabel("Customer language");
    await language.locator("option", { hasText: "(zh)" }).waitFor({ state: "attached", timeout: 5_000 });
    await language.selectOption("zh");
    await sunyue.waitFor({ state: "detached" });
    expect(await hers.getByRole("listitem").allInnerTexts()).toEqual([expect.stringContaining("钱多多")]);
    await language.selectOption({ label: "Not detected" });
    expect(await hers.getByRole("listitem").allInnerTexts()).toEqual([expect.stringContaining("孙悦")]);
    await screenshot(supervisor, "options/floor-language-filter.png", { fullPage: true });
    await language.selectOption({ label: "All languages" });
    await hers.getByRole("listitem").filter({ hasText: "钱多多" }).waitFor();
    const transfer = supervisor.getByLabel("Transfer 孙悦 to");
    expect(await transfer.locator("option", { hasText: "周婷" }).count()).toBe(0); // not to whom it is with
    await transfer.selectOption((await transfer.locator("option", { hasText: "李娜" }).getAttribute("value"))!);
    await screenshot(supervisor, "options/floor-transfer.png", { fullPage: true });
    await supervisor.getByLabel("语言 / Language").selectOption("zh");
    await supervisor.getByRole("list", { name: "周婷 的会话" }).getByLabel("将 孙悦 转接给").waitFor();
    await screenshot(supervisor, "options/floor-transfer-zh.png", { fullPage: true });
    await supervisor.getByLabel("语言 / Language").selectOption("en");

    await supervisor.getByRole("button", { name: "Transfer 孙悦" }).click();
    await sunyue.waitFor({ state: "detached", timeout: 5_000 });
    await supervisor.getByRole("status").filter({ hasText: "孙悦 was transferred to 李娜." }).waitFor({ state: "attached" });
    expect(await hers.getByRole("listitem").allInnerTexts()).toEqual([expect.stringContaining("钱多多")]);
    await supervisor.getByRole("list", { name: "李娜's conversations" }).getByRole("listitem").filter({ hasText: "孙悦" }).waitFor({ timeout: 5_000 });
    await zhouting.locator(".conversation-row", { hasText: "孙悦" }).waitFor({ state: "detached", timeout: 5_000 });

    const token = await apiToken("liuyang@acme.test");
    const { people } = await api<{ people: { id: string; name: string }[] }>(token, "GET", "/people");
    const lina = people.find((p) => p.name === "李娜")!.id;
    const { conversations } = await api<{ conversations: { contact: { name: string | null }; assigneeId: string | null }[] }>(
      token,
      "GET",
      "/numbers/105550100/conversations?view=all&limit=200",
    );
    expect(conversations.find((c) => c.contact.name === "孙悦")?.assigneeId).toBe(lina);
    expect(conversations.find((c) => c.contact.name === "钱多多")?.assigneeId).toBe(people.find((p) => p.name === "周婷")!.id);
  });

  it("the audit log lists who changed what, filtered by person", async () => {
    await section(supervisor, "Audit log");
    await supervisor.getByLabel("Person").selectOption({ label: "刘洋" });
    await supervisor.getByRole("button", { name: "Apply filters" }).click();
    const table = supervisor.getByRole("table");
    // Each stored action code in the reader's words (routing.update, team.create…).
    await table.getByRole("cell", { name: "Changed assignment rules" }).first().waitFor();
    for (const action of ["Created a team", "Created a tag", "Imported canned responses", "Changed a person's status", "Created a contact attribute"]) {
      await table.getByRole("cell", { name: action }).first().waitFor();
    }
    expect(await table.getByRole("cell", { name: "Invited someone" }).count()).toBe(0); // that was the admin
    await screenshot(supervisor, "options/audit.png", { fullPage: true });
  });

  it("a number's access token is checked with Meta, used for sending, and never appears in a response, a socket frame, a log line or the extension's storage", async () => {
    const token = `EAAGsimulated${Date.now()}PerNumberSecretZZ9q`;
    // The worker's output reaches this process through wrangler's logger: console calls and raw stream writes.
    const logs: string[] = [];
    const restores: (() => void)[] = [];
    for (const method of ["log", "info", "warn", "error", "debug"] as const) {
      const original = console[method];
      console[method] = (...args: unknown[]) => {
        logs.push(args.map(String).join(" "));
        original(...args);
      };
      restores.push(() => (console[method] = original));
    }
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write;
      stream.write = function (this: NodeJS.WriteStream, chunk: unknown, ...rest: unknown[]) {
        logs.push(String(chunk));
        return (original as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
      } as typeof stream.write;
      restores.push(() => (stream.write = original));
    }
    try {
      await fetch(`${stack.simulator.url}/simulator/graph/tokens`, { method: "POST", body: JSON.stringify({ token }) });
      await section(admin, "Numbers");
      const card = admin.getByRole("article", { name: "Acme Store 客服" });
      // Unticked in the member list and not saved yet: saving the token must leave that choice as it is.
      const lina = card.getByRole("group", { name: "Who works on this number" }).getByRole("checkbox", { name: "李娜" });
      await lina.uncheck();
      await card.getByLabel("New access token").fill(token);
      await card.getByRole("button", { name: "Save name and token" }).click();
      await card.getByText(/own token|own access token/i).waitFor();
      expect(await card.getByLabel("New access token").inputValue()).toBe("");
      expect(await lina.isChecked()).toBe(false);
      await lina.check();
      await screenshot(admin, "options/numbers.png", { fullPage: true });

      // A reply now goes out with the number's own token.
      await zhouting.locator(".conversation-row", { hasText: "钱多多" }).click();
      await zhouting.getByLabel("Reply").fill("可以的，发货前都能改，请把新地址发给我。");
      await zhouting.getByLabel("Reply").press("Enter");
      const sent = async () =>
        ((await (await fetch(`${stack.simulator.url}/simulator/graph/sent?to=8613900002222`)).json()) as { sent: { tokenTail: string }[] }).sent;
      await expect.poll(async () => (await sent()).map((s) => s.tokenTail), { timeout: 5_000 }).toEqual([token.slice(-4)]);

      // The worker's log is captured: an unconnected number's webhook is logged, and that line is here.
      await fetch(`${stack.simulator.url}/simulator/webhooks`, { method: "POST", body: JSON.stringify({ metadata: { phone_number_id: "999000111", display_phone_number: "1" }, statuses: [] }) });
      await expect.poll(() => logs.join("").includes("999000111"), { timeout: 5_000 }).toBe(true);

      const readStorage = "chrome.storage.local.get(null).then((all) => JSON.stringify(all))";
      const storage = await admin.evaluate<string>(readStorage);
      const panelStorage = await zhouting.evaluate<string>(readStorage);
      expect(storage).toContain("wang@acme.test"); // the dump is real: the session is in there
      expect(seen.length).toBeGreaterThan(50);
      for (const [where, text] of [["responses and socket frames", seen.join("\n")], ["worker log", logs.join("")], ["admin's extension storage", storage], ["agent's extension storage", panelStorage]] as const) {
        expect({ where, leaked: text.includes(token) }).toEqual({ where, leaked: false });
      }
    } finally {
      for (const restore of restores) restore();
    }
  });

  it("the supervisor's floor, people, rules, automation, canned responses and audit log have no serious or critical axe findings", async () => {
    // Each section once it has loaded what it shows, so axe checks the real content rather than a blank page.
    const sections: [string, (page: Page) => Promise<unknown>][] = [
      ["Live floor", (page) => page.getByRole("button", { name: "Show 周婷's conversations" }).waitFor()],
      ["People", (page) => page.getByRole("button", { name: /^(Send Away|Set Available) 周婷$/ }).waitFor()],
      ["Assignment rules", (page) => page.getByRole("button", { name: "Save rules" }).waitFor()],
      ["Automation", (page) => page.getByRole("button", { name: "Save automation" }).waitFor()],
      ["Canned responses", (page) => page.getByRole("button", { name: "Edit /coupon" }).waitFor()],
      ["Audit log", (page) => page.getByRole("table").getByRole("cell", { name: "Changed assignment rules" }).first().waitFor()],
    ];
    const found: Record<string, string[]> = {};
    for (const [name, loaded] of sections) {
      await section(supervisor, name);
      await loaded(supervisor);
      if (name === "Live floor") {
        // The floor with an agent's conversations open, as a supervisor uses it to transfer.
        await supervisor.getByRole("button", { name: "Show 周婷's conversations" }).click();
        await supervisor.getByRole("list", { name: "周婷's conversations" }).waitFor();
      }
      found[name] = await seriousViolations(supervisor);
    }
    const clean = Object.fromEntries(sections.map(([name]) => [name, []]));
    expect(found, Object.entries(found).flatMap(([name, v]) => v.map((line) => `${name}: ${line}`)).join("\n")).toEqual(clean);
  });
});
