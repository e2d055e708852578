import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../scripts/demo-data.ts";
import { launchWithExtension, openSidePanel, readyAgent, screenshot } from "./browser.ts";
import { startStack, type Stack } from "./stack.ts";

/**
 * Issue #18 end to end: an agent attaches a picture and a PDF with 📎 in the side panel; the customer (the
 * simulator's chat) receives each with its file, byte for byte, and the panel's ticks go sent, then delivered.
 */
let stack: Stack;
let browser: Awaited<ReturnType<typeof launchWithExtension>>;
let panel: Page;

const CUSTOMER = { waId: "8613700137001", name: "周婷" };

interface SimulatorLine {
  direction: string;
  body: Record<string, unknown>;
  media?: { kind: string; url: string; mimeType: string | null; filename: string | null; caption: string | null };
}

async function waitUntil<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What a receipt photo looks like: rendered by the browser itself, so the bytes are a real PNG. */
async function receiptPng(context: BrowserContext): Promise<Buffer> {
  const page = await context.newPage();
  await page.setViewportSize({ width: 360, height: 240 });
  await page.setContent(`<body style="margin:0;font:16px sans-serif;background:#fffdf5">
    <div style="padding:18px;border:2px dashed #999;margin:10px;height:180px;box-sizing:border-box">
      <b style="font-size:20px">Acme Store 收据</b><br>订单 #1024 · 2026-12-04<br>蓝牙耳机 ×1 ¥299.00<br>运费 ¥0.00<br><b>合计 ¥299.00</b>
    </div></body>`);
  const png = await page.screenshot({ type: "png" });
  await page.close();
  return png;
}

/** An invoice as a real PDF, printed by the browser. */
async function invoicePdf(context: BrowserContext): Promise<Buffer> {
  const page = await context.newPage();
  await page.setContent(`<h1>Invoice 发票 #1024</h1><p>Acme Store · Bluetooth earphones × 1 · ¥299.00</p>`);
  const pdf = await page.pdf({ format: "A6" });
  await page.close();
  return pdf;
}

/** Records, per message kind, each delivery status the panel shows for the agent's outbound message, in order. */
async function recordTicks(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: Record<string, string[]> = {};
    (globalThis as unknown as { ticks: Record<string, string[]> }).ticks = seen;
    const record = () =>
      document.querySelectorAll(".message.out[data-kind]").forEach((li) => {
        const kind = li.getAttribute("data-kind")!;
        const status = li.querySelector(".tick")?.getAttribute("data-status");
        const list = (seen[kind] ??= []);
        if (status && list[list.length - 1] !== status) list.push(status);
      });
    new MutationObserver(record).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ["data-status"] });
  });
}
const ticksOf = (page: Page, kind: string) =>
  page.evaluate((k) => (globalThis as unknown as { ticks: Record<string, string[]> }).ticks[k] ?? [], kind);

async function sentFile(kind: string): Promise<SimulatorLine> {
  return waitUntil(`the simulator to receive the ${kind}`, async () => {
    const lines = (await stack.simulatorMessages(CUSTOMER.waId)) as SimulatorLine[];
    return lines.find((l) => l.direction === "out" && l.media?.kind === kind);
  });
}

async function download(url: string): Promise<Buffer> {
  const response = await fetch(new URL(url, stack.simulator.url));
  expect(response.status).toBe(200);
  return Buffer.from(await response.arrayBuffer());
}

beforeAll(async () => {
  stack = await startStack();
  browser = await launchWithExtension();
  panel = await openSidePanel(browser.context);
});

afterAll(async () => {
  await browser?.close();
  await stack?.dispose();
});

describe("attachments from the side panel reach the customer with their file", () => {
  it("sends a picture and a PDF attached with 📎; the customer downloads both, and each ticks sent then delivered", async () => {
    const png = await receiptPng(browser.context);
    const pdf = await invoicePdf(browser.context);
    await readyAgent(panel, stack.workerUrl, "lina@acme.test", DEMO_PASSWORD);
    expect((await stack.customerWrites(CUSTOMER.waId, CUSTOMER.name, "我要退货，请把收据和发票发给我")).workerStatus).toBe(200);
    await panel.locator(".conversation-row", { hasText: CUSTOMER.name }).click();
    await panel.locator(".message.in", { hasText: "收据和发票" }).waitFor();
    await recordTicks(panel);

    // The picture, with the draft as its caption, as an agent does it: type, then 📎.
    await panel.getByLabel("Reply").fill("这是您的收据");
    await panel.locator('input[type="file"]').setInputFiles({ name: "receipt-1024.png", mimeType: "image/png", buffer: png });
    const image = await sentFile("image");
    expect(image.body).toMatchObject({ type: "image", image: { id: expect.stringMatching(/^\d+$/), caption: "这是您的收据" } });
    expect(image.media).toMatchObject({ mimeType: "image/png", caption: "这是您的收据" });
    expect((await download(image.media!.url)).equals(png)).toBe(true);

    await panel.locator('input[type="file"]').setInputFiles({ name: "invoice-1024.pdf", mimeType: "application/pdf", buffer: pdf });
    const document = await sentFile("document");
    expect(document.body).toMatchObject({ type: "document", document: { id: expect.stringMatching(/^\d+$/), filename: "invoice-1024.pdf" } });
    expect(document.media).toMatchObject({ mimeType: "application/pdf", filename: "invoice-1024.pdf" });
    expect((await download(document.media!.url)).equals(pdf)).toBe(true);

    // The panel shows each as sent, then delivered, as the simulator's status webhooks arrive.
    for (const kind of ["image", "document"]) {
      await panel.locator(`.message.out[data-kind="${kind}"] .tick[data-status="read"]`).waitFor({ timeout: 15_000 });
      const ticks = await ticksOf(panel, kind);
      expect(ticks.indexOf("sent"), `${kind} ticks: ${ticks.join(" → ")}`).toBeGreaterThanOrEqual(0);
      expect(ticks.indexOf("delivered"), `${kind} ticks: ${ticks.join(" → ")}`).toBeGreaterThan(ticks.indexOf("sent"));
    }
    await panel.locator('.message.out[data-kind="image"] img').first().evaluate((img) => (img as HTMLImageElement).decode());
    await screenshot(panel, "sidepanel/attachment-sent.png");

    // The customer's side: the picture shows inline and the PDF is a download named as the agent's file.
    const chat = await browser.context.newPage();
    await chat.setViewportSize({ width: 420, height: 760 });
    await chat.goto(stack.simulator.url);
    await chat.locator("#waId").fill(CUSTOMER.waId);
    const picture = chat.locator("li.out img.media");
    await picture.waitFor();
    expect(await picture.evaluate((img) => (img as HTMLImageElement).decode().then(() => (img as HTMLImageElement).naturalWidth))).toBe(360);
    const file = chat.locator("li.out a.file");
    await file.waitFor();
    expect(await file.getAttribute("download")).toBe("invoice-1024.pdf");
    expect((await download((await file.getAttribute("href"))!)).equals(pdf)).toBe(true);
    await screenshot(chat, "simulator/attachment-received.png");
    await chat.close();
  });
});
