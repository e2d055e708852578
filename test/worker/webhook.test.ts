import { env, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import textFixture from "../fixtures/whatsapp/pywa__message__text.json?raw";
import { api, BASE, conversationsOf, createWorkspace, messagesOf, postWebhook, sign } from "./helpers";
import { SELF } from "cloudflare:test";

const FIXTURE_NUMBER = "1122334455667";

async function storedMessageCount(phoneNumberId: string): Promise<number> {
  const stub = env.NUMBER_INBOX.getByName(phoneNumberId);
  return runInDurableObject(stub, (_, state) => state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM messages").one().n);
}

describe("GET /webhooks/whatsapp (Meta's verification handshake)", () => {
  it("echoes hub.challenge byte for byte when the verify token matches", async () => {
    const challenge = "1158201444-äöå";
    const url = `${BASE}/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=test-verify-token&hub.challenge=${encodeURIComponent(challenge)}`;
    const response = await SELF.fetch(url);
    expect(response.status).toBe(200);
    expect(await response.text()).toBe(challenge);
  });

  it.each([
    ["a wrong verify token", "hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1"],
    ["a mode other than subscribe", "hub.mode=unsubscribe&hub.verify_token=test-verify-token&hub.challenge=1"],
    ["no parameters", ""],
  ])("answers 403 to %s", async (_, query) => {
    const response = await SELF.fetch(`${BASE}/webhooks/whatsapp?${query}`);
    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain("1158201444");
  });
});

describe("POST /webhooks/whatsapp", () => {
  it("stores a real signed payload once when Meta delivers it three times", async () => {
    const workspace = await createWorkspace(1, FIXTURE_NUMBER);
    for (let i = 0; i < 3; i++) {
      const response = await postWebhook(textFixture);
      expect(response.status).toBe(200);
    }
    expect(await storedMessageCount(FIXTURE_NUMBER)).toBe(1);
    const [conversation] = await conversationsOf(workspace.adminToken, FIXTURE_NUMBER, "all");
    expect(conversation?.contact).toMatchObject({ waId: "972987654321", name: "Test Name" });
    const messages = await messagesOf(workspace.adminToken, FIXTURE_NUMBER, conversation!.id);
    expect(messages.map((m) => m.text)).toEqual(["Body Text"]);
  });

  it("answers 401 and stores nothing when the signature is wrong or missing", async () => {
    const phoneNumberId = "743897493242";
    await createWorkspace(1, phoneNumberId);
    const body = textFixture.replace(FIXTURE_NUMBER, phoneNumberId);
    expect((await postWebhook(body, await sign(body, "another-secret"))).status).toBe(401);
    expect((await postWebhook(body, null)).status).toBe(401);
    expect((await postWebhook(body, "sha256=zz")).status).toBe(401);
    // Signed over different bytes than those sent (e.g. a re-serialised body).
    expect((await postWebhook(body, await sign(JSON.stringify(JSON.parse(body))))).status).toBe(401);
    expect(await storedMessageCount(phoneNumberId)).toBe(0);
    expect((await postWebhook(body)).status).toBe(200);
    expect(await storedMessageCount(phoneNumberId)).toBe(1);
  });

  it("answers 400 to a signed body that is not JSON, naming the problem", async () => {
    const response = await postWebhook("{not json");
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { message: "body is not valid JSON" } });
  });

  it("answers 400 to signed JSON that is not a WhatsApp webhook", async () => {
    const response = await postWebhook(JSON.stringify({ hello: "world" }));
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(/object|entry/);
  });

  it("answers 413 to a body over Meta's 3 MB maximum", async () => {
    const body = JSON.stringify({ object: "whatsapp_business_account", entry: [], padding: "x".repeat(3 * 1024 * 1024) });
    const response = await postWebhook(body);
    expect(response.status).toBe(413);
  });

  it("acknowledges a number nobody connected, counts it and stores nothing", async () => {
    const body = textFixture.replace(FIXTURE_NUMBER, "5483758353");
    expect((await postWebhook(body)).status).toBe(200);
    expect((await postWebhook(body)).status).toBe(200);
    const stub = env.NUMBER_INBOX.getByName("5483758353");
    expect(await stub.unconnectedDeliveries()).toBe(2);
    expect(await storedMessageCount("5483758353")).toBe(0);
  });

  it("answers 404 with a message for an unknown route", async () => {
    const response = await api("GET", "/nothing-here");
    expect(response.status).toBe(404);
    expect(response.body).toMatchObject({ error: { message: "no route for GET /api/nothing-here" } });
  });
});
