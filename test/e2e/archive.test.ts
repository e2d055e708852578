import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Archive } from "../../shared/archive";
import { DEMO_PASSWORD, demoWorkspace } from "../../scripts/demo-data.ts";
import { seriousViolations } from "./axe.ts";
import { EXTENSION_ID, launchWithExtension, screenshot, signIn } from "./browser.ts";
import { secrets, startStack, type Stack } from "./stack.ts";

/**
 * Moving a workspace between two real deployments: two dev servers with their own state folders. The admin
 * downloads the archive from the options page of the first; the second, fresh, imports it with its setup token.
 */
const root = resolve(import.meta.dirname, "../..");
let before: Stack;
let after: Stack;
let browser: Awaited<ReturnType<typeof launchWithExtension>>;
const NUMBER = demoWorkspace.number.phoneNumberId;

async function call<T>(stack: Stack, method: string, path: string, token: string | null, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${stack.workerUrl}/api${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as T };
}

async function signInApi(stack: Stack, email: string, password = DEMO_PASSWORD): Promise<string> {
  const { status, body } = await call<{ token: string }>(stack, "POST", "/sessions", null, { email, password });
  if (status !== 200) throw new Error(`sign-in of ${email} failed: ${status}`);
  return body.token;
}

/** An agent's side panel, reduced to its socket: present while it is open. */
async function present(stack: Stack, token: string): Promise<WebSocket> {
  const { body } = await call<{ ticket: string }>(stack, "POST", "/socket-ticket", token, { phoneNumberId: NUMBER });
  const socket = new WebSocket(`${stack.workerUrl.replace("http", "ws")}/api/numbers/${NUMBER}/socket?ticket=${body.ticket}`);
  await new Promise((ready, fail) => {
    socket.onopen = ready;
    socket.onerror = fail;
  });
  await call(stack, "PUT", "/me/status", token, { status: "available" });
  return socket;
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 150));
  }
}

interface ConversationRow {
  id: string;
  status: string;
  assigneeId: string | null;
  contact: { id: string; waId: string | null };
}

beforeAll(async () => {
  before = await startStack();
  after = await startStack({ seed: false });
  browser = await launchWithExtension();
});

afterAll(async () => {
  await browser?.close();
  await before?.dispose();
  await after?.dispose();
});

describe("moving a workspace to a fresh deployment", () => {
  let archiveText = "";
  let archive: Archive;
  let archivePath = "";
  /** Each person's link to set a password on the new deployment, by email, as the import command printed them. */
  let links: Record<string, string> = {};

  it("a day's work on the first deployment: conversations, replies, a note, a tag, an attribute, a resolved one", async () => {
    const lina = await signInApi(before, "lina@acme.test");
    const socket = await present(before, lina);
    await before.customerWrites("8613800138001", "刘洋", "你好，我想咨询一下退货");
    await before.customerWrites("8613900139002", "Emma", "Is the blue one back in stock?");
    const mine = await until("both conversations with 李娜", async () => {
      const { body } = await call<{ conversations: ConversationRow[] }>(before, "GET", `/numbers/${NUMBER}/conversations?view=mine`, lina);
      return body.conversations.length === 2 ? body.conversations : undefined;
    });
    const liu = mine.find((c) => c.contact.waId === "8613800138001")!;
    const path = `/numbers/${NUMBER}/conversations/${liu.id}`;
    await call(before, "POST", `${path}/messages`, lina, { type: "text", text: "您好，收货 7 天内都可以退换", clientId: crypto.randomUUID() });
    await call(before, "POST", `${path}/messages`, lina, { type: "note", text: "客户要退蓝色款", clientId: crypto.randomUUID() });
    const { body: catalog } = await call<{ tags: { id: string; name: string }[] }>(before, "GET", "/catalog", lina);
    await call(before, "POST", `/numbers/${NUMBER}/contacts/${liu.contact.id}/tags`, lina, { add: catalog.tags.find((t) => t.name === "黄金客户")!.id });
    await call(before, "PUT", `/numbers/${NUMBER}/contacts/${liu.contact.id}/attributes/${encodeURIComponent("备注")}`, lina, { value: "老客户" });
    await call(before, "POST", `${path}/resolve`, lina);
    socket.close();
  });

  it("the admin downloads the archive from the console's Data section", async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.goto(`chrome-extension://${EXTENSION_ID}/options.html#data`);
    await signIn(page, before.workerUrl, demoWorkspace.admin.email, DEMO_PASSWORD);
    await page.getByRole("heading", { level: 1, name: "Data" }).waitFor();
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download archive" }).click()]);
    expect(download.suggestedFilename()).toMatch(/^workspace-\d{4}-\d{2}-\d{2}\.json$/);
    await page.getByRole("status").filter({ hasText: "Saved the archive" }).waitFor();
    await screenshot(page, "options/data.png", { fullPage: true });
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByLabel("语言 / Language").selectOption("zh");
    await page.getByRole("heading", { level: 1, name: "数据" }).waitFor();
    await screenshot(page, "options/data-zh.png", { fullPage: true });
    archivePath = (await download.path())!;
    archiveText = readFileSync(archivePath, "utf8");
    archive = JSON.parse(archiveText) as Archive;
    expect(archive.workspace.name).toBe(demoWorkspace.workspaceName);
    expect(archive.numbers.map((n) => n.phoneNumberId)).toEqual([NUMBER]);
    // What signs anyone in or sends as the business stays behind.
    for (const secret of Object.values(secrets)) expect(archiveText).not.toContain(secret);
    expect(archiveText).not.toContain(DEMO_PASSWORD);
    expect(archiveText).not.toMatch(/pbkdf2-sha256\$/);
    await page.close();
  });

  it("the fresh deployment refuses the archive without its setup token, then the import command loads it in pages", async () => {
    expect((await call(after, "POST", "/setup/import", "not-the-token", archiveText)).status).toBe(401);
    expect((await call(after, "POST", "/setup/import/begin", "not-the-token", {})).status).toBe(401);
    // Nothing of the workspace exists there yet.
    expect((await call(after, "POST", "/sessions", null, { email: demoWorkspace.admin.email, password: DEMO_PASSWORD })).status).toBe(401);

    // The command a person runs, with pages of 7 rows so every table goes over several requests.
    const output = await new Promise<string>((done, fail) =>
      execFile(
        process.execPath,
        [resolve(root, "scripts/import-archive.ts"), archivePath, "--url", after.workerUrl, "--page-rows", "7"],
        { env: { ...process.env, SETUP_TOKEN: secrets.SETUP_TOKEN }, timeout: 60_000 },
        (error, stdout, stderr) => (error ? fail(new Error(`${error.message}\n${stdout}\n${stderr}`)) : done(stdout)),
      ),
    );
    expect(output).toContain(`Imported "${demoWorkspace.workspaceName}" (${archive.workspace.id}); every table holds as many rows as the file.`);
    links = Object.fromEntries([...output.matchAll(/<([^>]+)> \w+: (\S+)/g)].map((m) => [m[1]!, m[2]!]));
    expect(Object.keys(links).sort()).toEqual([demoWorkspace.admin.email, ...demoWorkspace.agents.map((a) => a.email)].sort());

    // Run again on the finished import, it is refused whole: the workspace exists now.
    const again = await call<{ error: { message: string } }>(after, "POST", "/setup/import", secrets.SETUP_TOKEN, archiveText);
    expect(again.status).toBe(409);
  });

  it("nothing is missing: the second deployment's own export holds every row of the first's", async () => {
    const setPassword = async (email: string) => {
      const link = links[email]!;
      expect(link.startsWith(`${after.workerUrl}/invite/`)).toBe(true);
      const token = decodeURIComponent(link.split("/invite/")[1]!);
      expect((await call(after, "POST", `/invites/${encodeURIComponent(token)}/accept`, null, { password: "moved-and-new-1" })).status).toBe(200);
      return signInApi(after, email, "moved-and-new-1");
    };
    const admin = await setPassword(demoWorkspace.admin.email);
    const response = await fetch(`${after.workerUrl}/api/workspace/export`, { headers: { authorization: `Bearer ${admin}` } });
    const again = (await response.json()) as Archive;

    const missing: string[] = [];
    const compare = (where: string, a: Archive["workspace"]["tables"], b: Archive["workspace"]["tables"]) => {
      for (const [table, rows] of Object.entries(a)) {
        const there = new Set((b[table] ?? []).map((r) => JSON.stringify(r)));
        const lost = rows.filter((r) => !there.has(JSON.stringify(r)));
        if (lost.length) missing.push(`${where}.${table}: ${lost.length} of ${rows.length} rows missing, e.g. ${JSON.stringify(lost[0]).slice(0, 200)}`);
      }
    };
    // People changed one thing since: the admin has set a password there, which the archive never shows.
    compare("workspace", archive.workspace.tables, again.workspace.tables);
    compare(`numbers.${NUMBER}`, archive.numbers[0]!.tables, again.numbers[0]!.tables);
    expect(missing).toEqual([]);
    const counts = (t: Archive["workspace"]["tables"]) => Object.fromEntries(Object.entries(t).map(([k, v]) => [k, v.length]));
    // And nothing doubled: every table of the number holds as many rows as before.
    expect(counts(again.numbers[0]!.tables)).toEqual(counts(archive.numbers[0]!.tables));
  });

  it("work goes on there: a returning customer reaches the agent who served them, with their history and tag", async () => {
    const lina = await (async () => {
      const link = links["lina@acme.test"]!;
      await call(after, "POST", `/invites/${encodeURIComponent(decodeURIComponent(link.split("/invite/")[1]!))}/accept`, null, { password: "lina-new-pass-1" });
      return signInApi(after, "lina@acme.test", "lina-new-pass-1");
    })();
    const socket = await present(after, lina);
    const sent = await after.customerWrites("8613800138001", "刘洋", "我又来了，退货单号是多少？");
    expect(sent.workerStatus).toBe(200);
    const back = await until("刘洋's conversation with 李娜", async () => {
      const { body } = await call<{ conversations: ConversationRow[] }>(after, "GET", `/numbers/${NUMBER}/conversations?view=mine`, lina);
      return body.conversations.find((c) => c.contact.waId === "8613800138001" && c.status === "open");
    });
    const { body } = await call<{ messages: { direction: string; text: string | null }[] }>(after, "GET", `/numbers/${NUMBER}/conversations/${back.id}/messages`, lina);
    expect(body.messages.map((m) => m.text)).toEqual(expect.arrayContaining(["你好，我想咨询一下退货", "您好，收货 7 天内都可以退换", "客户要退蓝色款", "我又来了，退货单号是多少？"]));
    const profile = await call<{ tags: { tagId: string }[]; attributes: { key: string; value: unknown }[] }>(after, "GET", `/numbers/${NUMBER}/contacts/${back.contact.id}`, lina);
    expect(profile.body.tags).toHaveLength(1);
    expect(profile.body.attributes).toContainEqual(expect.objectContaining({ key: "备注", value: "老客户" }));
    socket.close();
  });
});
