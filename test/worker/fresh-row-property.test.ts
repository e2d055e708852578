import { env, runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { NumberInbox } from "../../worker/number-inbox/NumberInbox";
import type { Row } from "../../worker/number-inbox/rows";
import { noCoexistence, type NumberBatch } from "../../worker/webhook/split";
import { createWorkspace, unique } from "./helpers";

/**
 * A new customer's first message makes their contact and their conversation, and routing decides on the
 * conversation's list row as those two INSERTs returned it instead of reading it back (rows.ts, freshConversationRow).
 * Whatever the sender's identity shape (phone, business-scoped user id, both, a username, a name or none, odd
 * values), the batch's size and whether the same customer writes twice in it, that row must equal the row read back.
 */

const propertyEnv = env as unknown as { FUZZ_SEED?: string };
const SEED = propertyEnv.FUZZ_SEED && Number.isSafeInteger(Number(propertyEnv.FUZZ_SEED)) ? Number(propertyEnv.FUZZ_SEED) : 20_261_205;

const maybeText = fc.oneof(fc.constant(undefined), fc.constant(""), fc.constant("  "), fc.string({ maxLength: 12 }), fc.constantFrom("王小明", "Ana", "🙂", "x".repeat(300)));
const sender = fc.record({
  phone: fc.boolean(),
  userId: fc.boolean(),
  name: maybeText,
  username: maybeText,
  kind: fc.constantFrom("text", "image", "reaction", "location"),
  twice: fc.boolean(),
});

type Sender = typeof sender extends fc.Arbitrary<infer T> ? T : never;

let n = 0;
function messageOf(s: Sender, phone: string, userId: string) {
  const id = unique("wamid.F");
  const from = s.phone || !s.userId ? { from: phone } : {};
  const fromUser = s.userId ? { from_user_id: userId } : {};
  const body =
    s.kind === "text" ? { type: "text", text: { body: "你好" } }
    : s.kind === "image" ? { type: "image", image: { id: unique("media"), mime_type: "image/jpeg", caption: "订单截图" } }
    : s.kind === "reaction" ? { type: "reaction", reaction: { message_id: "wamid.unknown", emoji: "👍" } }
    : { type: "location", location: { latitude: 31.23, longitude: 121.47, name: "上海" } };
  return { ...from, ...fromUser, id, timestamp: String(Math.floor(Date.now() / 1000)), ...body };
}

function batchOf(phoneNumberId: string, senders: Sender[]): NumberBatch {
  const messages: NumberBatch["messages"] = [];
  for (const s of senders) {
    n++;
    const phone = `86${13_900_000_000 + n}`;
    const userId = `CN.${String(n).padStart(6, "0")}bsuid`;
    const profile = { ...(s.name === undefined ? {} : { name: s.name }), ...(s.username === undefined ? {} : { username: s.username }) };
    const contacts = [{ profile, ...(s.phone || !s.userId ? { wa_id: phone } : {}), ...(s.userId ? { user_id: userId } : {}) }];
    messages.push({ message: messageOf(s, phone, userId), contacts });
    if (s.twice) messages.push({ message: messageOf(s, phone, userId), contacts });
  }
  return { phoneNumberId, displayPhoneNumber: "15550100", messages, errors: [], unreadable: [], coexistence: noCoexistence() };
}

type Internals = {
  assignment: { afterInbound: (id: number, reopened: boolean, now: number, inserted: Row | null) => string | null };
  conversations: { row: (id: number) => Row };
};

describe("a new customer's conversation row, as inserted", () => {
  it("equals the row read back, for every identity shape and batch", async () => {
    const ws = await createWorkspace(2);
    const compared = { fresh: 0, readBack: 0 };
    await runInDurableObject(env.NUMBER_INBOX.getByName(ws.phoneNumberId), async (instance: NumberInbox) => {
      const inside = (instance as unknown as { parts: Internals }).parts;
      const afterInbound = inside.assignment.afterInbound.bind(inside.assignment);
      inside.assignment.afterInbound = (id, reopened, now, inserted) => {
        if (inserted === null) compared.readBack++;
        else {
          compared.fresh++;
          expect(inserted).toEqual(inside.conversations.row(id));
        }
        return afterInbound(id, reopened, now, inserted);
      };
      try {
        await fc.assert(
          fc.asyncProperty(fc.array(sender, { minLength: 1, maxLength: 4 }), async (senders) => {
            const [outcome] = await instance.ingest([batchOf(ws.phoneNumberId, senders)]);
            expect(outcome).toMatchObject({ connected: true });
          }),
          { numRuns: 60, seed: SEED },
        );
      } finally {
        inside.assignment.afterInbound = afterInbound;
      }
    });
    // Both paths ran: customers who wrote once (their row as inserted) and twice in one batch (read back).
    expect(compared.fresh).toBeGreaterThan(20);
    expect(compared.readBack).toBeGreaterThan(5);
  });
});
