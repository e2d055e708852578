import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../scripts/demo-data.ts";
import { launchWithExtension, openSidePanel, screenshot, signIn } from "./browser.ts";
import { startStack, type Stack } from "./stack.ts";

let stack: Stack;
const browsers: Awaited<ReturnType<typeof launchWithExtension>>[] = [];
let lina: Page;
let manager: Page;

async function panelFor(email: string): Promise<Page> {
  const browser = await launchWithExtension();
  browsers.push(browser);
  const panel = await openSidePanel(browser.context);
  await signIn(panel, stack.workerUrl, email, DEMO_PASSWORD);
  await panel.getByRole("button", { name: "Away" }).waitFor();
  return panel;
}

beforeAll(async () => {
  stack = await startStack();
  lina = await panelFor("lina@acme.test");
  await lina.getByRole("button", { name: "Available" }).click();
  await lina.getByRole("status").filter({ hasText: "Live" }).waitFor();
  manager = await panelFor("wang@acme.test");
  await stack.customerWrites("8613822220001", "王芳", "我买的保温杯想退货，可以吗？");
  await lina.locator(".conversation-row", { hasText: "王芳" }).click();
  await lina.locator(".message.in", { hasText: "保温杯" }).waitFor();
});

afterAll(async () => {
  for (const browser of browsers) await browser.close();
  await stack?.dispose();
});

describe("customer panel and canned responses", () => {
  it("inserts a canned response with /, and refuses to send until [天数] is filled", async () => {
    const composer = lina.getByLabel("Reply");
    await composer.fill("/ret");
    await lina.locator(".canned-picker li", { hasText: "/return" }).first().waitFor();
    await screenshot(lina, "sidepanel/canned-picker.png");
    await composer.press("Enter");
    // The placeholder is selected, ready to type over.
    const selected = await composer.evaluate((t: HTMLTextAreaElement) => t.value.slice(t.selectionStart, t.selectionEnd));
    expect(selected).toBe("[天数]");
    await composer.press("Enter");
    const refusal = lina.locator(".composer .error");
    await refusal.waitFor();
    expect(await refusal.innerText()).toBe("Fill in [天数] before sending. Tab jumps to the next one.");
    await screenshot(lina, "sidepanel/placeholders.png");
    expect((await stack.simulatorMessages("8613822220001")).filter((m) => m.direction === "out")).toHaveLength(0);

    await composer.press("Tab");
    await lina.keyboard.type("7");
    await composer.press("Enter");
    const sent = await (async () => {
      for (let i = 0; i < 50; i++) {
        const out = (await stack.simulatorMessages("8613822220001")).find((m) => m.direction === "out");
        if (out) return out;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error("the reply never reached the simulator");
    })();
    // The panel is in English, so the English /return came first.
    expect(sent.text).toBe("Sorry the item didn't work out. You can request a return within 7 days of delivery from your order page, and we'll handle it quickly.");
  });

  it("a tag one agent adds appears live in a colleague's panel and in the tag filter", async () => {
    await manager.getByRole("tab", { name: /All/ }).click();
    const row = manager.locator(".conversation-row", { hasText: "王芳" });
    await row.waitFor();

    await lina.getByRole("button", { name: "Customer" }).click();
    await lina.getByLabel("Add a tag").fill("黄金");
    await lina.getByRole("option", { name: /黄金客户/ }).click();
    await lina.getByLabel("Add a tag").fill("产品");
    await lina.getByRole("option", { name: /产品投诉/ }).click();
    await lina.locator(".customer-panel .tag-chip", { hasText: "产品投诉" }).waitFor();
    // Tier is single-choice: 白金客户 replaces 黄金客户.
    await lina.getByLabel("Add a tag").fill("白金");
    await lina.getByRole("option", { name: /白金客户/ }).click();
    await lina.locator(".customer-panel .tag-chip", { hasText: "白金客户" }).waitFor();
    expect(await lina.locator(".customer-panel .tag-chip", { hasText: "黄金客户" }).count()).toBe(0);

    await row.locator(".tag-chip", { hasText: "白金客户" }).waitFor({ timeout: 3_000 });
    await manager.getByLabel("Filter by tag").selectOption({ label: "白金客户" });
    await manager.locator(".conversation-row", { hasText: "王芳" }).waitFor();
    await manager.getByLabel("Filter by tag").selectOption({ label: "黄金客户" });
    await manager.locator(".conversation-row", { hasText: "王芳" }).waitFor({ state: "detached" });
    await manager.getByLabel("Filter by tag").selectOption({ label: "All tags" });
  });

  it("an attribute edited in place is still there after the panel reloads", async () => {
    await lina.getByLabel("Note", { exact: true }).fill("老客户，偏好顺丰，杯盖破损已拍照");
    await lina.getByRole("button", { name: "Save Note" }).click();
    await lina.locator(".attribute small", { hasText: "Saved by 李娜" }).waitFor();
    await screenshot(lina, "sidepanel/customer-panel.png");
    await lina.reload();
    await lina.locator(".conversation-row", { hasText: "王芳" }).click();
    await lina.getByRole("button", { name: "Customer" }).click();
    const note = lina.getByLabel("Note", { exact: true });
    await note.waitFor();
    await lina.locator(".attribute small", { hasText: "Saved by 李娜" }).waitFor();
    expect(await note.inputValue()).toBe("老客户，偏好顺丰，杯盖破损已拍照");
  });
});

describe("a customer two people have open", () => {
  it("a colleague's edit reaches the open customer panel live, and never replaces what the agent is typing", async () => {
    // 王经理 opens the same customer while 李娜 has them open (the test before left her customer panel open).
    await manager.locator(".conversation-row", { hasText: "王芳" }).click();
    await manager.getByRole("button", { name: "Customer" }).click();
    const managerNote = manager.getByLabel("Note", { exact: true });
    await managerNote.waitFor();
    // The collision guard names him, though he is on no roster of this number.
    await lina.locator(".collision", { hasText: "王经理 also has this open" }).waitFor({ timeout: 3_000 });
    const linaNote = lina.getByLabel("Note", { exact: true });
    const typing = "老客户，偏好顺丰，杯盖破损已拍照，已同意退款";
    await linaNote.fill(typing);

    await managerNote.fill("已换货，勿再退款");
    await manager.getByRole("button", { name: "Save Note" }).click();
    const conflict = lina.locator(".attribute-conflict");
    await conflict.waitFor({ timeout: 3_000 });
    expect(await conflict.innerText()).toContain("王经理 saved “已换货，勿再退款” while you were typing");
    expect(await linaNote.inputValue()).toBe(typing);
    await screenshot(lina, "sidepanel/customer-panel-colleague.png");
    await conflict.getByRole("button", { name: "Use theirs" }).click();
    expect(await linaNote.inputValue()).toBe("已换货，勿再退款");
    await conflict.waitFor({ state: "detached" });

    // Untouched, the field follows the next save as it is made; a tag taken off comes off her panel too.
    await managerNote.fill("已换货，顺丰单号 SF1234567890");
    await manager.getByRole("button", { name: "Save Note" }).click();
    await expect.poll(() => linaNote.inputValue(), { timeout: 3_000 }).toBe("已换货，顺丰单号 SF1234567890");
    await lina.locator(".attribute small", { hasText: "Saved by 王经理" }).waitFor();
    expect(await lina.locator(".attribute-conflict").count()).toBe(0);
    await manager.getByRole("button", { name: "Remove tag 产品投诉" }).click();
    await lina.locator(".customer-panel .tag-chip", { hasText: "产品投诉" }).waitFor({ state: "detached", timeout: 3_000 });

    // Cleared under her typing: the line says so, and taking it empties her field.
    await linaNote.fill("顺丰单号待确认");
    await managerNote.fill("");
    await manager.getByRole("button", { name: "Save Note" }).click();
    await lina.locator(".attribute-conflict", { hasText: "A colleague cleared this field while you were typing" }).waitFor({ timeout: 3_000 });
    expect(await linaNote.inputValue()).toBe("顺丰单号待确认");
    await lina.locator(".attribute-conflict").getByRole("button", { name: "Use theirs" }).click();
    expect(await linaNote.inputValue()).toBe("");
    await manager.getByRole("button", { name: "Back to the list" }).click();
  });
});

describe("what only a side panel can do", () => {
  it("text shared from a page lands in the reply; a phone number opened from a page is searched for", async () => {
    // What the background's context-menu handlers store; the menus themselves cannot be clicked headless.
    const store = (key: string, value: unknown) =>
      lina.evaluate(
        ([k, v]) =>
          new Promise<void>((done) =>
            (globalThis as unknown as { chrome: { storage: { local: { set: (items: object, cb: () => void) => void } } } }).chrome.storage.local.set({ [k as string]: v }, done),
          ),
        [key, value] as const,
      );
    await store("composerInsert", { text: "https://acme.test/orders/3321", at: Date.now() });
    await lina.waitForFunction(() => (document.getElementById("composer-text") as HTMLTextAreaElement | null)?.value.includes("https://acme.test/orders/3321"));
    await lina.getByLabel("Reply").fill("");
    await store("pendingSearch", { q: "+86 138 2222 0001", at: Date.now() });
    await lina.locator(".search-results .conversation-row", { hasText: "王芳" }).waitFor();
    expect(await lina.getByLabel("Search conversations").inputValue()).toBe("+86 138 2222 0001");
  });
});

describe("pending and filters", () => {
  it("marks a conversation pending until the customer replies, filters by status, and wakes it when they write", async () => {
    await lina.getByLabel("Search conversations").fill("");
    await lina.locator(".conversation-row", { hasText: "王芳" }).click();
    // The status control: Pending asks how long, in a small menu.
    await lina.getByRole("group", { name: "Conversation status" }).getByRole("button", { name: "Pending" }).click();
    await lina.getByRole("menuitem", { name: "Until the customer replies" }).click();
    await lina.locator('.status-control button[aria-pressed="true"]', { hasText: "Pending" }).waitFor();
    await lina.getByRole("button", { name: "Back to the list" }).click();
    const row = lina.locator(".conversation-row", { hasText: "王芳" });
    await row.locator(".pending-chip", { hasText: "pending until the customer replies" }).waitFor();
    await lina.getByLabel("Status", { exact: true }).selectOption("open");
    await row.waitFor({ state: "detached" });
    await lina.getByLabel("Status", { exact: true }).selectOption("pending");
    await row.waitFor();
    await lina.getByLabel("Status", { exact: true }).selectOption("");
    await stack.customerWrites("8613822220001", "王芳", "订单号是 #5521");
    await row.locator(".window-left").waitFor();
    expect(await row.locator(".pending-chip").count()).toBe(0);
  });
});

describe("personal canned responses", () => {
  it("are created, used with a known variable filled, edited and deleted in the panel", async () => {
    await lina.locator(".conversation-row", { hasText: "王芳" }).click();
    await lina.getByRole("button", { name: "My responses" }).click();
    const dialog = lina.getByRole("dialog", { name: "My canned responses" });
    await dialog.getByLabel("Shortcode (type /shortcode)").fill("ship");
    await dialog.getByLabel("Title").fill("发货说明");
    await dialog.getByLabel(/^Text/).fill("您好 {customer name}，您的包裹今天发出。");
    await dialog.getByRole("button", { name: "Add" }).click();
    await dialog.locator(".my-responses li", { hasText: "/ship" }).waitFor();
    await dialog.getByRole("button", { name: "Close" }).click();

    await lina.getByLabel("Reply").fill("/ship");
    await lina.locator(".canned-picker li", { hasText: "/ship" }).waitFor();
    await lina.getByLabel("Reply").press("Enter");
    expect(await lina.getByLabel("Reply").inputValue()).toBe("您好 王芳，您的包裹今天发出。");
    await lina.getByLabel("Reply").fill("");

    await lina.getByRole("button", { name: "My responses" }).click();
    await dialog.locator(".my-responses li", { hasText: "/ship" }).getByRole("button", { name: "Edit" }).click();
    await dialog.getByLabel("Title").fill("发货通知");
    await dialog.getByRole("button", { name: "Save changes" }).click();
    await dialog.locator(".my-responses li", { hasText: "发货通知" }).waitFor();
    await dialog.locator(".my-responses li", { hasText: "/ship" }).getByRole("button", { name: "Delete" }).click();
    await dialog.locator(".my-responses li", { hasText: "/ship" }).waitFor({ state: "detached" });
    await dialog.getByRole("button", { name: "Close" }).click();
  });
});
