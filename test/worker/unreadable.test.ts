import { describe, expect, it } from "vitest";
import { unreadableDeliverySchema, unreadableListSchema, type UnreadableList } from "../../shared/unreadable";
import type { Board } from "../../shared/analytics";
import { api, connectSocket, createWorkspace, messagesChange, numberSql, postWebhook, tick, unique, uniqueNumberId, type TestWorkspace } from "./helpers";

/**
 * The number's unreadable deliveries (issue #19): what a signed webhook carried that no conversation can hold is
 * kept raw with why, bounded, once however often Meta redelivers it, for supervisors to read and dismiss; a message
 * whose storing fails is kept there instead of failing its POST; only storage failing as a whole answers 500.
 */

const now = () => String(Math.floor(Date.now() / 1000));
const text = (from: string, body: string) => ({ from, id: unique("wamid.u"), timestamp: now(), type: "text", text: { body } });
const image = (from: string) => ({ from, id: unique("wamid.i"), timestamp: now(), type: "image", image: { id: unique("media"), mime_type: "image/jpeg" } });

async function list(ws: TestWorkspace, token = ws.adminToken) {
  return api<UnreadableList>("GET", `/numbers/${ws.phoneNumberId}/unreadable`, { token });
}


describe("unreadable deliveries", () => {
  it("a message whose storing fails is undone alone and kept as unreadable; the rest of its POST is stored", async () => {
    const ws = await createWorkspace(1);
    // Storage refuses one message (as a fault of ours would): the others of the POST must not notice.
    await numberSql(ws.phoneNumberId, "CREATE TRIGGER refuse_boom BEFORE INSERT ON messages WHEN NEW.text = 'boom' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
    const phone = `86${uniqueNumberId()}`;
    const boom = text(phone, "boom");
    const fine = [text(`86${uniqueNumberId()}`, "fine one"), image(phone), text(`86${uniqueNumberId()}`, "fine two")];
    const supervisor = await connectSocket(ws.adminToken, ws.phoneNumberId);
    const response = await postWebhook(messagesChange(ws.phoneNumberId, { messages: [fine[0], boom, fine[1], fine[2]] }));
    expect(response.status).toBe(200);
    // The delivery ran twice (first without a savepoint per message, then with them): what the first try had
    // stored, pushed and counted went with its rollback, so each message is heard and counted once.
    await tick(100);
    const heard = supervisor.events.flatMap((e) => (e.type === "message" && e.message.direction === "in" ? [e.message.wamid] : []));
    expect(heard).toEqual(fine.map((m) => m.id));
    const board = await api<Board>("GET", "/board", { token: ws.adminToken });
    expect(board.body.numbers.find((n) => n.phoneNumberId === ws.phoneNumberId)?.today.new).toBe(3);
    supervisor.close();
    const stored = await numberSql<{ wamid: string }>(ws.phoneNumberId, "SELECT wamid FROM messages WHERE direction = 'in' ORDER BY id");
    expect(stored.map((m) => m.wamid)).toEqual(fine.map((m) => m.id));
    // Nothing of the failed message stayed half-written: its customer's contact exists (the image), one conversation each.
    expect((await numberSql<{ n: number }>(ws.phoneNumberId, "SELECT COUNT(*) AS n FROM conversations"))[0]!.n).toBe(3);
    const { body } = await list(ws);
    expect(unreadableListSchema.parse(body).deliveries).toMatchObject([{ reason: "store_failed", wamid: boom.id }]);
    expect(JSON.parse(body.deliveries[0]!.raw)).toEqual(boom);
  });

  it("when storage itself fails, the POST answers 500 and keeps nothing of it, so Meta's retry is whole", async () => {
    const ws = await createWorkspace(1);
    await numberSql(ws.phoneNumberId, "CREATE TRIGGER refuse_boom BEFORE INSERT ON messages WHEN NEW.text = 'boom' BEGIN SELECT RAISE(ABORT, 'refused by the test'); END");
    await numberSql(ws.phoneNumberId, "CREATE TRIGGER refuse_all BEFORE INSERT ON unreadable_deliveries BEGIN SELECT RAISE(ABORT, 'storage is failing'); END");
    const body = messagesChange(ws.phoneNumberId, { messages: [text(`86${uniqueNumberId()}`, "fine"), text(`86${uniqueNumberId()}`, "boom")] });
    expect((await postWebhook(body)).status).toBe(500);
    expect(await numberSql(ws.phoneNumberId, "SELECT id FROM messages")).toEqual([]);
    expect(await numberSql(ws.phoneNumberId, "SELECT id FROM contacts")).toEqual([]);
    // Storage recovers; Meta's redelivery of the same POST stores all of it.
    await numberSql(ws.phoneNumberId, "DROP TRIGGER refuse_all");
    await numberSql(ws.phoneNumberId, "DROP TRIGGER refuse_boom");
    expect((await postWebhook(body)).status).toBe(200);
    expect((await numberSql<{ text: string }>(ws.phoneNumberId, "SELECT text FROM messages ORDER BY id")).map((m) => m.text)).toEqual(["fine", "boom"]);
  });

  it("lists, shows whole and dismisses for supervisors only; a dismissed delivery stays dismissed when Meta redelivers it", async () => {
    const ws = await createWorkspace(1);
    const agent = ws.agents[0]!;
    const big = { id: unique("wamid.big"), timestamp: now(), type: "text", text: { body: "长".repeat(100_000) } };
    const notAList = { statuses: { id: "x" } };
    const body = messagesChange(ws.phoneNumberId, { messages: [big, "not a message"], ...notAList });
    expect((await postWebhook(body)).status).toBe(200);
    const first = await list(ws);
    expect(first.status).toBe(200);
    const parsed = unreadableListSchema.parse(first.body);
    expect(parsed.deliveries.map((d) => d.reason).sort()).toEqual(["no_sender", "not_a_list", "not_an_object"]);
    const bigOne = parsed.deliveries.find((d) => d.reason === "no_sender")!;
    // The list shows the start; the delivery itself has the whole JSON, as sent.
    expect(bigOne.raw.length).toBe(20_000);
    expect(bigOne.rawChars).toBe(JSON.stringify(big).length);
    const whole = await api("GET", `/numbers/${ws.phoneNumberId}/unreadable/${bigOne.id}`, { token: ws.adminToken });
    expect(JSON.parse(unreadableDeliverySchema.parse(whole.body).raw)).toEqual(big);

    // Agents neither read nor dismiss them.
    expect((await list(ws, agent.token)).status).toBe(403);
    expect((await api("POST", `/numbers/${ws.phoneNumberId}/unreadable/${bigOne.id}/dismiss`, { token: agent.token })).status).toBe(403);

    expect((await api("POST", `/numbers/${ws.phoneNumberId}/unreadable/${bigOne.id}/dismiss`, { token: ws.adminToken })).status).toBe(200);
    expect((await api("POST", `/numbers/${ws.phoneNumberId}/unreadable/${bigOne.id}/dismiss`, { token: ws.adminToken })).status).toBe(404);
    expect((await api("GET", `/numbers/${ws.phoneNumberId}/unreadable/${bigOne.id}`, { token: ws.adminToken })).status).toBe(404);
    expect((await postWebhook(body)).status).toBe(200);
    const after = unreadableListSchema.parse((await list(ws)).body);
    expect(after.deliveries.map((d) => d.reason).sort()).toEqual(["not_a_list", "not_an_object"]);
    expect(after.total).toBe(2);
    // Its JSON is let go once dismissed.
    expect(await numberSql(ws.phoneNumberId, `SELECT * FROM unreadable_parts WHERE delivery_id = ${bigOne.id}`)).toEqual([]);
  });

  it("stays within its bounds: past 500 listed, the oldest go and are counted", async () => {
    const ws = await createWorkspace(1);
    const nobody = (i: number) => ({ id: `wamid.nobody.${i}`, timestamp: now(), type: "text", text: { body: `who ${i}` } });
    for (let batch = 0; batch < 3; batch++) {
      const messages = Array.from({ length: 180 }, (_, i) => nobody(batch * 180 + i));
      expect((await postWebhook(messagesChange(ws.phoneNumberId, { messages }))).status).toBe(200);
    }
    const { body } = await list(ws);
    expect({ total: body.total, dropped: body.dropped, listed: body.deliveries.length }).toEqual({ total: 500, dropped: 40, listed: 100 });
    expect(body.deliveries[0]!.wamid).toBe("wamid.nobody.539");
    const oldest = await numberSql<{ wamid: string }>(ws.phoneNumberId, "SELECT wamid FROM unreadable_deliveries ORDER BY id LIMIT 1");
    expect(oldest[0]!.wamid).toBe("wamid.nobody.40");
  });
});
