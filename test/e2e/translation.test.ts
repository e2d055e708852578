import type { BrowserContext, Page, Request } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import { DEMO_PASSWORD } from "../../scripts/demo-data.ts";
import { EXTENSION_ID, launchWithExtension, PANEL, readyAgent, screenshot, waitUntil } from "./browser.ts";
import { installFakeAi, type FakeAiOptions, type FakeAiRecord } from "./fake-translator.ts";
import { startStack, type Stack } from "./stack.ts";

/**
 * On-device translation in the side panel. This Chromium defines Chrome's Translator and LanguageDetector but cannot
 * download their models, so every test here runs with a stubbed Translator (test/e2e/fake-translator.ts): the panel's
 * code is real, the translations come from a dictionary of the demo sentences.
 */
const LUCIA = { waId: "34611220033", name: "Lucía Fernández" };
const CHEN_JING = { waId: "8613833330001", name: "陈静" };
const EMILY = { waId: "85291230001", name: "Emily Zhang" };
const MATEO = { waId: "34622110044", name: "Mateo Ruiz" };

const SPANISH_QUESTION = "Hola, ¿tienen envío a Madrid? Quiero dos tazas azules.";
const AIR_FRYER = "你好，我上周买的空气炸锅不加热了";
const PARCEL = "Buenas tardes, el paquete llegó abierto y falta una taza.";
const MUGS = "Do you ship to Hong Kong? I'd like two of the blue mugs.";
const SORRY_DRAFT = "Sorry about that. Which model is it?";
const MADRID_DRAFT = "Yes, we ship to Madrid in 3 to 5 days.";
const SENTENCES: Record<string, string>[] = [
  { es: SPANISH_QUESTION, en: "Hello, do you ship to Madrid? I'd like two blue mugs.", zh: "你好，你们能寄到马德里吗？我想要两个蓝色杯子。" },
  { es: "Gracias", en: "Thank you", zh: "谢谢" },
  { es: PARCEL, en: "Good afternoon, the parcel arrived open and a mug is missing." },
  { zh: AIR_FRYER, en: "Hello, the air fryer I bought last week doesn't heat up." },
  { en: MUGS, zh: "你们能寄到香港吗？我想要两个蓝色的杯子。" },
  { en: SORRY_DRAFT, zh: "很抱歉给您添麻烦了。请问是哪个型号？" },
  { en: MADRID_DRAFT, es: "Sí, enviamos a Madrid en 3 a 5 días." },
  { zh: "好的，我查一下订单", en: "OK, let me check the order" },
];

let stack: Stack;
let browser: Awaited<ReturnType<typeof launchWithExtension>>;
let panel: Page;
/** Every `PUT …/contacts/{id}/language` the panels sent, with the server's answer. */
const languageCalls: { body: unknown; status: number }[] = [];

/** A side panel page whose Translator and LanguageDetector are the fake (or removed) before any of its scripts run. */
async function panelWith(context: BrowserContext, fake: FakeAiOptions): Promise<Page> {
  const page = await context.newPage();
  await page.setViewportSize(PANEL);
  await page.addInitScript(installFakeAi, fake);
  page.on("requestfinished", (request) => void recordLanguageCall(request));
  await page.goto(`chrome-extension://${EXTENSION_ID}/sidepanel.html`);
  return page;
}

async function recordLanguageCall(request: Request) {
  if (request.method() !== "PUT" || !request.url().endsWith("/language")) return;
  languageCalls.push({ body: request.postDataJSON(), status: (await request.response())?.status() ?? 0 });
}

const fakeRecord = (page: Page) => page.evaluate(() => (globalThis as unknown as { __fakeAi: FakeAiRecord }).__fakeAi);
const bubble = (page: Page, text: string) => page.locator(".message.in", { hasText: text });

async function openConversation(page: Page, name: string) {
  if (await page.locator(".conversation").count()) await page.getByRole("button", { name: /Back to the list|返回列表/ }).click();
  await page.locator(".conversation-row", { hasText: name }).click();
  await page.locator(".conversation h2", { hasText: name }).waitFor();
}

/** The agent's language, from the settings view (the panel stays where it was). */
async function setLanguage(page: Page, language: "中文" | "English") {
  await page.getByRole("button", { name: /^(Settings|设置)$/ }).click();
  await page.getByRole("radio", { name: language }).check();
  await page.getByRole("button", { name: /^(Back to the inbox|返回收件箱)$/ }).click();
}

async function outgoingTexts(waId: string): Promise<string[]> {
  return (await stack.simulatorMessages(waId)).filter((m) => m.direction === "out").map((m) => m.text ?? "");
}

beforeAll(async () => {
  stack = await startStack();
  browser = await launchWithExtension();
  panel = await panelWith(browser.context, { sentences: SENTENCES });
  await readyAgent(panel, stack.workerUrl, "lina@acme.test", DEMO_PASSWORD);
  await stack.customerWrites(LUCIA.waId, LUCIA.name, SPANISH_QUESTION);
  await stack.customerWrites(LUCIA.waId, LUCIA.name, "Gracias");
  await stack.customerWrites(LUCIA.waId, LUCIA.name, "👍");
  await stack.customerWrites(CHEN_JING.waId, CHEN_JING.name, AIR_FRYER);
  await panel.locator(".conversation-row", { hasText: LUCIA.name }).waitFor();
  await panel.locator(".conversation-row", { hasText: CHEN_JING.name }).waitFor();
});

afterAll(async () => {
  await browser?.close();
  await stack?.dispose();
});

describe("translation on the agent's device (Translator stubbed: this Chromium cannot download Chrome's models)", () => {
  it("shows a Spanish and a Chinese customer's messages with their English translation, labelled, and stores the language", async () => {
    await openConversation(panel, LUCIA.name);
    const question = bubble(panel, SPANISH_QUESTION);
    await question.locator(".translation", { hasText: "Hello, do you ship to Madrid? I'd like two blue mugs." }).waitFor();
    expect(await question.locator(".translation small").innerText()).toBe("Translated from Spanish · on this device");
    // Too short to detect by itself, "Gracias" is read in the conversation's language; an emoji has nothing to translate.
    await bubble(panel, "Gracias").locator(".translation", { hasText: "Thank you" }).waitFor();
    expect(await bubble(panel, "👍").locator(".translation").count()).toBe(0);
    expect(await panel.locator(".translation-bar").innerText()).toContain("Spanish → English · on this device");
    expect((await fakeRecord(panel)).detected).not.toContain("Gracias");

    // The detected language goes to the server once for the contact, which stores it.
    await waitUntil("the language sent to the server", async () => languageCalls.find((c) => JSON.stringify(c.body) === '{"language":"es"}'));
    expect(languageCalls.map((c) => c.status)).toEqual([200]);
    expect(await panel.getByRole("alert").count()).toBe(0);

    await openConversation(panel, CHEN_JING.name);
    await bubble(panel, AIR_FRYER).locator(".translation", { hasText: "Hello, the air fryer I bought last week doesn't heat up." }).waitFor();
    expect(await bubble(panel, AIR_FRYER).locator(".translation small").innerText()).toBe("Translated from Chinese · on this device");
    // The second customer's language is stored too, once.
    await waitUntil("the second customer's language", async () => languageCalls.find((c) => JSON.stringify(c.body) === '{"language":"zh"}'));
    expect(languageCalls.map((c) => [c.body, c.status])).toEqual([[{ language: "es" }, 200], [{ language: "zh" }, 200]]);
  });

  it("the switch hides translations in that conversation only, and the panel remembers it", async () => {
    await openConversation(panel, LUCIA.name);
    const shown = panel.getByRole("switch", { name: "Show translations" });
    await shown.uncheck();
    await bubble(panel, SPANISH_QUESTION).locator(".translation").waitFor({ state: "detached" });
    expect(await panel.locator(".translation").count()).toBe(0);
    await expect.poll(() => bubble(panel, SPANISH_QUESTION).innerText()).toContain(SPANISH_QUESTION);

    await openConversation(panel, CHEN_JING.name);
    await bubble(panel, AIR_FRYER).locator(".translation").waitFor();

    await panel.reload();
    await openConversation(panel, LUCIA.name);
    await panel.getByRole("switch", { name: "Show translations" }).waitFor();
    expect(await panel.getByRole("switch", { name: "Show translations" }).isChecked()).toBe(false);
    expect(await panel.locator(".translation").count()).toBe(0);
    await panel.getByRole("switch", { name: "Show translations" }).check();
    await bubble(panel, SPANISH_QUESTION).locator(".translation").waitFor();
  });

  it("translates a draft into the customer's language, shows both, and sends the text the agent chose", async () => {
    await openConversation(panel, CHEN_JING.name);
    const composer = panel.getByLabel("Reply");
    await composer.fill(SORRY_DRAFT);
    await panel.getByRole("button", { name: "Translate draft to Chinese" }).click();
    const preview = panel.getByRole("group", { name: "Translation to Chinese · on this device" });
    await preview.locator(".draft-translation-text", { hasText: "很抱歉给您添麻烦了。请问是哪个型号？" }).waitFor();
    // The original stays as the agent wrote it.
    expect(await composer.inputValue()).toBe(SORRY_DRAFT);
    await screenshot(panel, "sidepanel/translation.png");
    console.info("sidepanel/translation.png: English panel, 中文 customer; Chrome's Translator stubbed (this Chromium cannot download its models)");

    // Editing the draft makes the translation outdated: it can no longer be sent as if it matched.
    await composer.fill(`${SORRY_DRAFT}!`);
    await preview.getByText("The draft changed since it was translated.").waitFor();
    expect(await preview.getByRole("button", { name: "Send translation" }).count()).toBe(0);
    await composer.fill(SORRY_DRAFT);
    await preview.getByRole("button", { name: "Send translation" }).click();
    await waitUntil("the translation at the customer's phone", async () => (await outgoingTexts(CHEN_JING.waId)).includes("很抱歉给您添麻烦了。请问是哪个型号？"));
    expect(await outgoingTexts(CHEN_JING.waId)).toEqual(["很抱歉给您添麻烦了。请问是哪个型号？"]);
    expect(await composer.inputValue()).toBe("");
    await panel.locator(".message.out", { hasText: "很抱歉给您添麻烦了" }).waitFor();

    // The other choice: the original, as written.
    await openConversation(panel, LUCIA.name);
    await composer.fill(MADRID_DRAFT);
    await panel.getByRole("button", { name: "Translate draft to Spanish" }).click();
    const spanish = panel.getByRole("group", { name: "Translation to Spanish · on this device" });
    await spanish.getByText("Sí, enviamos a Madrid en 3 a 5 días.").waitFor();
    await spanish.getByRole("button", { name: "Send original" }).click();
    await waitUntil("the original at the customer's phone", async () => (await outgoingTexts(LUCIA.waId)).includes(MADRID_DRAFT));
    expect(await outgoingTexts(LUCIA.waId)).toEqual([MADRID_DRAFT]);
  });

  it("in 中文: an English customer's message is translated into Chinese", async () => {
    await setLanguage(panel, "中文");
    onTestFinished(() => setLanguage(panel, "English"));
    await stack.customerWrites(EMILY.waId, EMILY.name, MUGS);
    await openConversation(panel, EMILY.name);
    const mugs = bubble(panel, MUGS);
    await mugs.locator(".translation", { hasText: "你们能寄到香港吗？我想要两个蓝色的杯子。" }).waitFor();
    expect(await mugs.locator(".translation small").innerText()).toBe("译自英语 · 在本机翻译");
    expect(await panel.locator(".translation-bar").innerText()).toContain("英语 → 中文 · 在本机翻译");
    await panel.getByRole("textbox", { name: "回复" }).fill("好的，我查一下订单");
    await panel.getByRole("button", { name: "将草稿翻译成英语" }).click();
    await panel.getByRole("group", { name: "英语译文 · 在本机翻译" }).getByText("OK, let me check the order").waitFor();
    await screenshot(panel, "sidepanel/translation-zh.png");
    console.info("sidepanel/translation-zh.png: 中文 panel, English customer; Chrome's Translator stubbed (this Chromium cannot download its models)");
    await panel.getByRole("button", { name: "关闭译文" }).click();
    await panel.getByRole("textbox", { name: "回复" }).fill("");
  });

  it("a new customer's language needs the detector first: its download button, then the pair's, each fetched by its click", async () => {
    const page = await panelWith(browser.context, { sentences: SENTENCES, pairs: { "es>en": "downloadable" }, detector: "downloadable" });
    // A new customer: their language is known to nobody yet, so language detection comes first.
    await stack.customerWrites(MATEO.waId, MATEO.name, PARCEL);
    await page.locator(".conversation-row", { hasText: MATEO.name }).click();
    await page.getByRole("button", { name: "Download language detection" }).click();
    await page.getByRole("button", { name: "Download translation for Spanish → English" }).click();
    await bubble(page, PARCEL).locator(".translation", { hasText: "the parcel arrived open and a mug is missing" }).waitFor({ timeout: 10_000 });
    expect((await fakeRecord(page)).creates).toEqual([
      { pair: "detector", withClick: true },
      { pair: "es>en", withClick: true },
    ]);
    await page.close();
  });

  it("a language pair still to download offers a button, and only its click fetches the model, with progress", async () => {
    const page = await panelWith(browser.context, { sentences: SENTENCES, pairs: { "es>en": "downloadable" } });
    await page.locator(".conversation-row", { hasText: LUCIA.name }).click();
    const download = page.getByRole("button", { name: "Download translation for Spanish → English" });
    await download.waitFor();
    expect(await page.locator(".translation").count()).toBe(0);
    // Nothing asked the browser for the model before the click (Chromium closes a page that does).
    expect((await fakeRecord(page)).creates.filter((c) => c.pair === "es>en")).toEqual([]);
    await download.click();
    await page.getByRole("status").filter({ hasText: "Downloading translation for Spanish → English…" }).waitFor();
    await bubble(page, SPANISH_QUESTION).locator(".translation", { hasText: "Hello, do you ship to Madrid?" }).waitFor({ timeout: 10_000 });
    expect((await fakeRecord(page)).creates.filter((c) => c.pair === "es>en")).toEqual([{ pair: "es>en", withClick: true }]);
    await page.close();
  });

  it("in a browser without the APIs, the panel says so once, and replying still works", async () => {
    const page = await panelWith(browser.context, { remove: true });
    await page.locator(".conversation-row", { hasText: CHEN_JING.name }).click();
    const notice = page.getByRole("note").filter({ hasText: "This browser cannot translate messages on this device" });
    await notice.waitFor();
    expect(await notice.count()).toBe(1);
    expect(await page.locator(".translation, .translation-bar").count()).toBe(0);
    await screenshot(page, "sidepanel/translation-unavailable.png");
    await page.getByLabel("Reply").fill("我们马上帮您处理");
    await page.getByLabel("Reply").press("Enter");
    await waitUntil("the reply at the customer's phone", async () => (await outgoingTexts(CHEN_JING.waId)).includes("我们马上帮您处理"));

    // Said once: the next conversation does not repeat it.
    await openConversation(page, LUCIA.name);
    await page.locator(".message.in", { hasText: SPANISH_QUESTION }).waitFor();
    expect(await page.locator(".translation-notice").count()).toBe(0);

    // Dismissed, it never comes back.
    await openConversation(page, CHEN_JING.name);
    await notice.waitFor();
    await page.getByRole("button", { name: "Dismiss" }).click();
    await notice.waitFor({ state: "detached" });
    await page.reload();
    await openConversation(page, CHEN_JING.name);
    await page.locator(".message.in", { hasText: AIR_FRYER }).waitFor();
    expect(await page.locator(".translation-notice").count()).toBe(0);
    await page.close();
  });
});
