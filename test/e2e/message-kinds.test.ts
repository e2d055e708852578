import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_PASSWORD } from "../../scripts/demo-data.ts";
import { launchWithExtension, openSidePanel, readyAgent, screenshot } from "./browser.ts";
import { startStack, type Stack } from "./stack.ts";

/** One real fixture per kind the inbox must show meaningfully, and what the agent should read. */
const kinds: [name: string, fixture: string, shows: RegExp, element?: string][] = [
  ["text", "pywa__message__text", /Body Text/],
  ["forwarded", "pywa__message__forwarded_many_times", /Forwarded many times/],
  ["reply-with-context", "pywa__message__reply", /Replying to/],
  ["ad-referral", "pywa__message__referral", /From ad: AD_TITLE/],
  ["image", "pywa__message__image", /Reply/, "img.media.image"],
  ["video", "pywa__message__video", /Forwarded[\s\S]*caption/, "video.media"],
  ["audio", "pywa__message__audio", /Audio/, "audio.media"],
  ["voice", "pywa__message__voice", /Voice message/, "audio.media"],
  ["document", "pywa__message__document", /filename\.pdf[\s\S]*caption/, "a.document"],
  ["sticker", "pywa__message__static_sticker", /Reply/, 'img.media.sticker[alt="Sticker"]'],
  ["animated-sticker", "pywa__message__animated_sticker", /Reply/, 'img.media.sticker[alt="Animated sticker"]'],
  ["location", "pywa__message__chosen_location", /Facebook HQ/],
  ["contacts", "pywa__message__contacts", /Chandler Bing/],
  ["button-reply", "netflie__can_build_a_button_reply_notification", /Tapped: button-text/],
  ["list-reply", "pywa__callback_selection__description", /Tapped: title/],
  ["flow-reply", "pywa__flow_completion__completion", /Form answered[\s\S]*delivery_rating/],
  ["template-quick-reply", "pywa__callback_button__quick_reply", /Tapped: title/],
  ["reaction", "pywa__message__reaction", /Reacted/],
  ["reaction-removed", "pywa__message__unreaction_empty", /Removed a reaction/],
  ["order", "pywa__message__order", /Order[\s\S]*HAMBURGER/],
  ["system-identity", "pywa__system__identity_change", /User identity changed/],
  ["edit", "pywa__edited_message__image", /edited a message/],
  ["revoke", "pywa__deleted_message__revoke", /deleted a message/],
  ["unsupported", "pywa__message__unsupported_with_type", /Unsupported message \(pool\)/],
  ["unknown", "netflie__can_build_an_unknown_notification", /Unsupported message \(unknown\)/],
  // Last: the customer's contact moves to the new number it names, so a message after it from the old number would
  // be someone else's conversation.
  ["system-number", "pywa__system__phone_number_change", /changed/],
];

const CUSTOMER = "8613700137000";
let stack: Stack;
let browser: Awaited<ReturnType<typeof launchWithExtension>>;
let panel: Page;

/** The fixture's message, sent by one customer with a fresh wamid so every kind lands in one conversation. */
function fixtureValue(fixture: string, index: number) {
  const payload = JSON.parse(readFileSync(resolve(import.meta.dirname, `../fixtures/whatsapp/${fixture}.json`), "utf8"));
  const value = payload.entry[0].changes[0].value;
  const message = value.messages[0];
  message.from = CUSTOMER;
  message.id = `wamid.KIND${String(index).padStart(3, "0")}`;
  message.timestamp = String(Math.floor(Date.now() / 1000) - 3600 + index);
  return { contacts: [{ profile: { name: "钱多多" }, wa_id: CUSTOMER }], messages: [message] };
}

beforeAll(async () => {
  stack = await startStack();
  browser = await launchWithExtension();
  panel = await openSidePanel(browser.context);
  await readyAgent(panel, stack.workerUrl, "lina@acme.test", DEMO_PASSWORD);
});

afterAll(async () => {
  await browser?.close();
  await stack?.dispose();
});

describe("every message kind is shown meaningfully in the side panel", () => {
  it("renders one message of each kind and saves a screenshot of each", async () => {
    for (const [index, [, fixture]] of kinds.entries()) {
      const response = await fetch(`${stack.simulator.url}/simulator/webhooks`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(fixtureValue(fixture, index)),
      });
      expect(((await response.json()) as { workerStatus: number }).workerStatus).toBe(200);
    }
    await panel.locator(".conversation-row", { hasText: "钱多多" }).click();
    await panel.locator(".message").nth(kinds.length - 1).waitFor();
    for (const [index, [name, , shows, element]] of kinds.entries()) {
      const message = panel.locator(`.message[data-wamid="wamid.KIND${String(index).padStart(3, "0")}"]`);
      await message.scrollIntoViewIfNeeded();
      expect(await message.innerText(), name).toMatch(shows);
      // Media is fetched through the worker's media route and shown as the real element.
      if (element) await message.locator(element).waitFor({ timeout: 5_000 });
      await message.screenshot({ path: resolve(import.meta.dirname, `../artifacts/sidepanel/kinds/${name}.png`) });
    }
    await screenshot(panel, "sidepanel/kinds/conversation.png");
  });

  it("marks what the business sent from the WhatsApp Business app (coexistence)", async () => {
    // After the number change above, the customer is known by the number it names.
    const response = await fetch(`${stack.simulator.url}/simulator/webhooks?field=smb_message_echoes`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        message_echoes: [
          { from: "15550783881", to: "+972912345678", id: "wamid.ECHO001", timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: "已经帮您改好地址了" } },
        ],
      }),
    });
    expect(((await response.json()) as { workerStatus: number }).workerStatus).toBe(200);
    const echo = panel.locator('.message.out[data-wamid="wamid.ECHO001"]');
    await echo.waitFor({ timeout: 5_000 });
    expect(await echo.innerText()).toMatch(/已经帮您改好地址了[\s\S]*Sent from the WhatsApp Business app/);
    await echo.screenshot({ path: resolve(import.meta.dirname, "../artifacts/sidepanel/kinds/business-app-echo.png") });
  });

  it("offers templates once the 24-hour window is closed, and sends one with its variables", async () => {
    const customer = "8613600136000";
    // The customer last wrote two days ago: Meta delivers old messages after an outage.
    const old = Math.floor(Date.now() / 1000) - 48 * 3600;
    await fetch(`${stack.simulator.url}/simulator/webhooks`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        contacts: [{ profile: { name: "周杰" }, wa_id: customer }],
        messages: [{ from: customer, id: "wamid.OLD1", timestamp: String(old), type: "text", text: { body: "我的快递到哪了？" } }],
      }),
    });
    await panel.getByRole("button", { name: "Back to the list" }).click();
    await panel.locator(".conversation-row", { hasText: "周杰" }).click();
    await panel.getByRole("status").filter({ hasText: "Closed: send a template" }).waitFor();
    expect(await panel.locator("#composer-text").count()).toBe(0);

    await panel.getByLabel("Choose a template").selectOption("order_update|zh_CN");
    await panel.getByLabel("Header variable 1").fill("#2048");
    await panel.getByLabel("Body variable 1").fill("周先生");
    await panel.getByLabel("Body variable 2").fill("#2048");
    await panel.getByLabel("Body variable 3").fill("周五");
    await screenshot(panel, "sidepanel/template-picker.png");
    await panel.getByRole("button", { name: "Send template" }).click();

    const sent = await (async () => {
      for (let i = 0; i < 50; i++) {
        const out = (await stack.simulatorMessages(customer)).find((m) => m.direction === "out");
        if (out) return out;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error("the template never reached the simulator");
    })();
    expect(sent.body).toMatchObject({
      type: "template",
      template: {
        name: "order_update",
        language: { code: "zh_CN" },
        components: [
          { type: "header", parameters: [{ type: "text", text: "#2048" }] },
          { type: "body", parameters: [{ type: "text", text: "周先生" }, { type: "text", text: "#2048" }, { type: "text", text: "周五" }] },
        ],
      },
    });
    await panel.locator(".message.out", { hasText: "您好 周先生，您的订单 #2048 已发货" }).waitFor();
  });
});
