import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../scripts/demo-data.ts";
import { launchWithExtension, openSidePanel, readyAgent, screenshot } from "./browser.ts";
import { startStack, type Stack } from "./stack.ts";

let stack: Stack;
const browsers: Awaited<ReturnType<typeof launchWithExtension>>[] = [];

async function agentPanel(email: string, status: "Available" | "Away"): Promise<Page> {
  const browser = await launchWithExtension();
  browsers.push(browser);
  const panel = await openSidePanel(browser.context);
  await readyAgent(panel, stack.workerUrl, email, DEMO_PASSWORD, status);
  return panel;
}

beforeAll(async () => {
  stack = await startStack();
});

afterAll(async () => {
  for (const browser of browsers) await browser.close();
  await stack?.dispose();
});

describe("agent workspace: views, queue, transfer", () => {
  it("a transfer to a team arrives live in the receiving agent's panel with the note and the reason", async () => {
    const lina = await agentPanel("lina@acme.test", "Available");
    const zhangmin = await agentPanel("zhangmin@acme.test", "Available");
    for (const [phone, name, text] of [
      ["8613811110001", "王芳", "你们的保温杯有现货吗？"],
      ["8613811110002", "刘洋", "How long does shipping to Shanghai take?"],
      ["8613811110003", "赵磊", "我收到的杯子盖子坏了，想退货"],
    ] as const) {
      await stack.customerWrites(phone, name, text);
    }
    const row = lina.locator(".conversation-row", { hasText: "赵磊" });
    await row.waitFor();
    await lina.getByRole("tab", { name: /Mine/ }).filter({ hasText: "3" }).waitFor();
    await screenshot(lina, "sidepanel/inbox.png");

    await row.click();
    await lina.getByRole("button", { name: "Transfer" }).click();
    // The picker shows colleagues' live status and load.
    await lina.locator(".choice-row", { hasText: "张敏" }).filter({ hasText: "Available · 0 open" }).waitFor();
    await lina.getByRole("radio", { name: "售后" }).check();
    await lina.getByLabel("Note for the next agent (optional)").fill("客户要退货，杯盖破损，已拍照");
    await screenshot(lina, "sidepanel/transfer.png");
    await lina.getByRole("button", { name: "Transfer", exact: true }).last().click();
    await lina.getByRole("dialog").waitFor({ state: "detached" });

    // 张敏 (售后) sees it arrive without reloading, with who sent it, why, and the note.
    const arrived = zhangmin.locator(".conversation-row", { hasText: "赵磊" });
    await arrived.waitFor({ timeout: 3_000 });
    await arrived.click();
    const line = zhangmin.locator('.activity-line[data-activity="transferred"]');
    await line.waitFor();
    expect(await line.innerText()).toMatch(/Transferred to 张敏 · transfer to team 售后 by 李娜/);
    expect(await line.innerText()).toContain("客户要退货，杯盖破损，已拍照");
    // And it left 李娜's list.
    await lina.getByRole("button", { name: "Back to the list" }).click();
    await lina.locator(".conversation-row", { hasText: "赵磊" }).waitFor({ state: "detached" });
  });

  it("searches by phone, by name, and by a Chinese and an English word in an old message, opening at the match", async () => {
    const lina = await openSidePanel(browsers[0]!.context);
    /** Types a query and waits for a result row showing `expected`. */
    const searchFor = async (q: string, expected: string) => {
      await lina.getByLabel("Search conversations").fill(q);
      const rows = lina.locator(".search-results .conversation-row");
      await rows.filter({ hasText: expected }).first().waitFor();
      return rows;
    };
    expect(await (await searchFor("+86 138 1111 0002", "刘洋")).count()).toBe(1);
    expect(await (await searchFor("王芳", "王芳")).first().innerText()).toContain("王芳");
    const english = await searchFor("Shanghai", "Shanghai");
    expect(await english.first().innerText()).toMatch(/刘洋[\s\S]*Shanghai/);
    const chinese = await searchFor("保温杯", "保温杯有现货");
    await screenshot(lina, "sidepanel/search.png");
    await chinese.filter({ hasText: "保温杯有现货" }).first().click();
    const focused = lina.locator(".message.focused");
    await focused.waitFor();
    expect(await focused.innerText()).toContain("你们的保温杯有现货吗？");
    await lina.close();
  });

  it("two agents claiming the same queued conversation at once: exactly one owner, the other is told", async () => {
    // Everyone Away: new customers wait in the queue.
    const chenwei = await agentPanel("chenwei@acme.test", "Away");
    const lina = await openSidePanel(browsers[0]!.context);
    await lina.getByRole("button", { name: "Away" }).click();
    const zhangmin = await openSidePanel(browsers[1]!.context);
    await zhangmin.getByRole("button", { name: "Away" }).click();
    await stack.customerWrites("8613811110009", "孙丽", "请问可以开发票吗？");
    await stack.customerWrites("8613811110010", "周杰", "订单能改地址吗？");
    for (const panel of [lina, chenwei]) {
      await panel.getByRole("tab", { name: /Unassigned/ }).click();
      await panel.locator(".conversation-row", { hasText: "孙丽" }).waitFor();
    }
    await chenwei.getByRole("tab", { name: /Unassigned/ }).filter({ hasText: "2" }).waitFor();
    await screenshot(chenwei, "sidepanel/queue.png");
    // Both buttons are pressed in the same instant, before either panel can hear of the other's claim.
    const buttons = await Promise.all(
      [lina, chenwei].map((panel) => panel.locator(".conversation-item", { hasText: "孙丽" }).getByRole("button", { name: "Assign to me" }).elementHandle()),
    );
    await Promise.all(buttons.map((button) => button!.evaluate((b) => (b as HTMLButtonElement).click())));

    const opened = await Promise.race([
      lina.locator(".conversation h2", { hasText: "孙丽" }).waitFor().then(() => "lina"),
      chenwei.locator(".conversation h2", { hasText: "孙丽" }).waitFor().then(() => "chenwei"),
    ]);
    const loser = opened === "lina" ? chenwei : lina;
    const told = loser.locator(".conversation-item", { hasText: "孙丽" }).locator(".error");
    const removed = loser.locator(".conversation-row", { hasText: "孙丽" }).waitFor({ state: "detached" });
    // The loser is told who has it, unless the winner's claim reached their list first and removed the row.
    await Promise.race([told.waitFor().then(async () => expect(await told.innerText()).toMatch(/taken by (李娜|陈伟)/)), removed]);
    const winner = opened === "lina" ? lina : chenwei;
    await winner.locator(".conversation h2", { hasText: "孙丽" }).waitFor();
    expect(await loser.locator(".conversation h2", { hasText: "孙丽" }).count()).toBe(0);
  });
});

describe("tags between agents", () => {
  it("a tag one agent adds to a waiting customer appears live in a second agent's queue and its tag filter", async () => {
    // 李娜 and 陈伟 are Away from the claim test, so a new customer waits in the queue both can see.
    const lina = await openSidePanel(browsers[0]!.context);
    const chenwei = await openSidePanel(browsers[2]!.context);
    await stack.customerWrites("8613811110020", "吴迪", "请问这款杯子有粉色吗？");
    for (const panel of [lina, chenwei]) {
      await panel.getByRole("tab", { name: /Unassigned/ }).click();
      await panel.locator(".conversation-row", { hasText: "吴迪" }).waitFor();
    }
    await lina.locator(".conversation-row", { hasText: "吴迪" }).click();
    await lina.getByRole("button", { name: "Customer" }).click();
    await lina.getByLabel("Add a tag").fill("新用户");
    await lina.getByRole("option", { name: /新用户咨询/ }).click();
    const row = chenwei.locator(".conversation-row", { hasText: "吴迪" });
    await row.locator(".tag-chip", { hasText: "新用户咨询" }).waitFor({ timeout: 3_000 });
    await chenwei.getByLabel("Filter by tag").selectOption({ label: "新用户咨询" });
    await row.waitFor();
    expect(await chenwei.locator(".conversation-row").count()).toBe(1);
    await chenwei.getByLabel("Filter by tag").selectOption({ label: "高优先级" });
    await row.waitFor({ state: "detached" });
  });
});
