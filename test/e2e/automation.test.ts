import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../scripts/demo-data.ts";
import { EXTENSION_ID, launchWithExtension, openSidePanel, readyAgent, screenshot, signIn } from "./browser.ts";
import { startStack, type Stack } from "./stack.ts";

const NUMBER = "105550100";
let stack: Stack;
const browsers: Awaited<ReturnType<typeof launchWithExtension>>[] = [];
let adminToken: string;

async function api<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const response = await fetch(`${stack.workerUrl}/api${path}`, {
    method,
    headers: { authorization: `Bearer ${adminToken}`, ...(body ? { "content-type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: (await response.json()) as T };
}

type SimLine = { direction: string; text: string | null; body: { type?: string; interactive?: { action: { sections: { rows: { id: string; title: string; description?: string }[] }[] } } } };
const simulatorLines = (waId: string) => stack.simulatorMessages(waId) as Promise<SimLine[]>;

beforeAll(async () => {
  stack = await startStack();
  const response = await fetch(`${stack.workerUrl}/api/sessions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "wang@acme.test", password: DEMO_PASSWORD }),
  });
  adminToken = ((await response.json()) as { token: string }).token;
});

afterAll(async () => {
  for (const b of browsers) await b.close();
  await stack?.dispose();
});

describe("automation", () => {
  it("a supervisor sets business hours with a holiday and turns on welcome, away and the survey in the options page", async () => {
    const browser = await launchWithExtension();
    browsers.push(browser);
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 860 });
    await page.goto(`chrome-extension://${EXTENSION_ID}/options.html#automation`);
    await signIn(page, stack.workerUrl, "wang@acme.test", DEMO_PASSWORD);
    await page.getByRole("heading", { level: 1, name: "Automation" }).waitFor();

    await page.getByLabel("Time zone").selectOption("Asia/Shanghai");
    await page.getByRole("button", { name: "Add interval to Saturday" }).click();
    await page.getByLabel("Saturday, interval 1, start").fill("10:00");
    await page.getByLabel("Saturday, interval 1, end").fill("16:00");
    await page.getByRole("button", { name: "Add special date" }).click();
    await page.getByLabel("Special date 1: Date").fill("2026-10-01");
    await page.getByLabel("Special date 1: Name").fill("国庆节");
    const preview = page.getByRole("region", { name: "Schedule preview" });
    await preview.getByRole("list", { name: "Next openings and closings" }).getByRole("listitem").first().waitFor();
    expect(await preview.getByRole("listitem").count()).toBe(6);
    await page.evaluate(() => window.scrollTo(0, 0));
    await screenshot(page, "options/hours.png");

    await page.getByRole("checkbox", { name: "Send a welcome message" }).check();
    await page.getByRole("checkbox", { name: "Send an away message" }).check();
    await page.getByRole("checkbox", { name: "Send a satisfaction survey" }).check();
    await page.getByRole("button", { name: "Save automation" }).click();
    await page.getByRole("status").filter({ hasText: "the next customer message follows these settings" }).waitFor();
    await page.getByRole("group", { name: "Away message" }).scrollIntoViewIfNeeded();
    await screenshot(page, "options/automation.png", { fullPage: true });

    const saved = await api<{ businessHours: { weekly: { start: string; end: string }[][]; specialDates: { name: string }[] }; welcome: { enabled: boolean }; csat: { enabled: boolean } }>(
      "GET",
      `/numbers/${NUMBER}/automation`,
    );
    expect(saved.body.businessHours.weekly[6]).toEqual([{ start: "10:00", end: "16:00" }]);
    expect(saved.body.businessHours.specialDates.map((d) => d.name)).toEqual(["国庆节"]);
    expect(saved.body.welcome.enabled && saved.body.csat.enabled).toBe(true);

    await page.getByLabel("语言 / Language").selectOption("zh");
    await page.getByRole("heading", { level: 1, name: "自动化" }).waitFor();
    await screenshot(page, "options/automation-zh.png", { fullPage: true });
  });

  it("the worker restarted between a customer's message and the alarm still sends the away message once", async () => {
    // Closed all week: every message gets the away message; its first sends fail so it is still queued at the restart.
    const current = await api<Record<string, unknown>>("GET", `/numbers/${NUMBER}/automation`);
    const settings = { ...current.body, businessHours: { timeZone: "Asia/Shanghai", weekly: [[], [], [], [], [], [], []], specialDates: [] }, welcome: { ...(current.body.welcome as object), enabled: false } };
    expect((await api("PUT", `/numbers/${NUMBER}/automation`, settings)).status).toBe(200);
    const phone = "8613700009999";
    await fetch(`${stack.simulator.url}/simulator/graph/failures`, { method: "POST", body: JSON.stringify({ code: 0, httpStatus: 500, count: 3, to: phone }) });
    const { workerStatus } = await stack.customerWrites(phone, "吴昊", "晚上还有人吗？");
    expect(workerStatus).toBe(200);
    await stack.restartWorker();
    await expect.poll(async () => (await simulatorLines(phone)).filter((l) => l.direction === "out").length, { timeout: 20_000, interval: 250 }).toBe(1);
    await new Promise((r) => setTimeout(r, 3_000));
    const out = (await simulatorLines(phone)).filter((l) => l.direction === "out");
    expect(out).toHaveLength(1);
    // No opening hours at all: the message cannot name a time, so it says "during business hours".
    expect(out[0]!.text).toBe("您好，我们现在不在线，将在工作时间内回复您。");
  });

  it("the survey's 4 ★ shows on the resolved conversation in the agent's panel, with the customer's comment", async () => {
    const current = await api<Record<string, unknown>>("GET", `/numbers/${NUMBER}/automation`);
    const open: { start: string; end: string }[] = [{ start: "00:00", end: "00:00" }];
    await api("PUT", `/numbers/${NUMBER}/automation`, { ...current.body, businessHours: { timeZone: "Asia/Shanghai", weekly: Array.from({ length: 7 }, () => open), specialDates: [] } });
    const browser = await launchWithExtension();
    browsers.push(browser);
    const lina: Page = await openSidePanel(browser.context);
    await readyAgent(lina, stack.workerUrl, "lina@acme.test", DEMO_PASSWORD);
    const phone = "8613700008888";
    await stack.customerWrites(phone, "郑丽", "保温杯能刻字吗？");
    await lina.locator(".conversation-row", { hasText: "郑丽" }).click();
    await lina.getByLabel("Reply").fill("可以的，下单时在备注里写上要刻的字就行。");
    await lina.getByLabel("Reply").press("Enter");
    await lina.getByRole("group", { name: "Conversation status" }).getByRole("button", { name: "Resolved" }).click();

    await expect.poll(async () => (await simulatorLines(phone)).some((l) => l.body?.type === "interactive"), { timeout: 10_000 }).toBe(true);
    const survey = (await simulatorLines(phone)).find((l) => l.body?.type === "interactive")!;
    const four = survey.body.interactive!.action.sections[0]!.rows.find((r) => r.title === "★★★★")!;
    await new Promise((r) => setTimeout(r, 1_200)); // the customer reads the survey before tapping
    await fetch(`${stack.simulator.url}/simulator/choices`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ waId: phone, name: "郑丽", id: four.id, title: four.title, description: four.description }),
    });
    await new Promise((r) => setTimeout(r, 1_200));
    await stack.customerWrites(phone, "郑丽", "回复很快，赞！");
    await lina.getByRole("button", { name: "Back to the list" }).click();
    await lina.getByRole("tab", { name: /Resolved/ }).click();
    await lina.locator(".conversation-row", { hasText: "郑丽" }).click();
    const rating = lina.getByRole("note").filter({ hasText: "Rated 4 of 5 for 李娜" });
    await rating.waitFor({ timeout: 5_000 });
    await rating.filter({ hasText: "回复很快，赞！" }).waitFor({ timeout: 5_000 });
    await lina.locator(".automation-label", { hasText: "satisfaction survey" }).waitFor();
    await screenshot(lina, "sidepanel/csat.png");
    const conversations = await api<{ conversations: { contact: { waId: string }; status: string }[] }>("GET", `/numbers/${NUMBER}/conversations?view=resolved`);
    expect(conversations.body.conversations.find((c) => c.contact.waId === phone)?.status).toBe("resolved");
  });
});
