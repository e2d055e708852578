import { env, runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Clock, inboxContext } from "../../worker/number-inbox/context";
import { Messages } from "../../worker/number-inbox/messages";

/**
 * The search index is written in batches (messages.ts): whatever mix of stored, edited, echoed-and-removed and
 * activity messages, rolled-back steps and lost timers came before, once the pending batch is in the index holds
 * every searchable message exactly once, with its current words. FTS5's own integrity check compares the index with
 * the messages table, and each word is searched for and compared with the messages that contain it.
 */
const propertyEnv = env as unknown as { FUZZ_SEED?: string };
const SEED = propertyEnv.FUZZ_SEED && Number.isSafeInteger(Number(propertyEnv.FUZZ_SEED)) ? Number(propertyEnv.FUZZ_SEED) : 20_261_205;
const WORDS = ["refund", "保温杯坏了", "delivery", "发货时间", "invoice", "order"] as const;

const text = fc.array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 3 }).map((w) => w.join(" "));
const step = fc.oneof(
  fc.record({ op: fc.constant("note" as const), text }),
  fc.record({ op: fc.constant("reply" as const), text }),
  fc.record({ op: fc.constant("customer" as const), text }),
  fc.record({ op: fc.constant("activity" as const) }),
  // The customer edits one of their messages (by position among those stored so far).
  fc.record({ op: fc.constant("edit" as const), pick: fc.nat(), text }),
  // The business app's echo of a reply arrives before the reply's wamid: the echo row is removed, possibly the newest.
  fc.record({ op: fc.constant("echo" as const), text }),
  // A step that stores a message (and reads the index on the way) and is then rolled back.
  fc.record({ op: fc.constant("rolled-back" as const), text }),
  // The object is evicted: its timer is gone, the next instance starts with nothing in memory.
  fc.record({ op: fc.constant("evicted" as const) }),
  fc.record({ op: fc.constant("search" as const) }),
);

describe("the search index, written in batches", () => {
  it("always catches up to exactly the messages stored, with their current words", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 25 }), async (steps) => {
        const stub = env.NUMBER_INBOX.getByName(`search-index-property-${run++}`);
        await runInDurableObject(stub, async (_, state) => {
          const ctx = inboxContext(state.storage, new Clock());
          let messages = new Messages(ctx);
          const customerIds: number[] = [];
          let sequence = 0;
          const inbound = (words: string) => {
            sequence++;
            return messages.addSynced(
              { wamid: `wamid.P${sequence}`, key: `wamid.P${sequence}`, sender: { waId: "8613800000000", userId: null, username: null, name: null }, at: sequence, kind: "text", text: words, content: {}, raw: "{}" },
              1,
              "in",
              "history",
            );
          };
          const check = () => {
            messages.indexPending();
            state.storage.sql.exec("INSERT INTO messages_fts (messages_fts) VALUES ('integrity-check')");
            for (const word of WORDS) {
              const found = state.storage.sql.exec<{ rowid: number }>("SELECT rowid FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid", `"${word}"`).toArray().map((r) => r.rowid);
              const expected = state.storage.sql
                .exec<{ id: number }>("SELECT id FROM messages WHERE direction != 'activity' AND text LIKE ? ORDER BY id", `%${word}%`)
                .toArray()
                .map((r) => r.id);
              expect(found, `"${word}" after ${JSON.stringify(steps)}`).toEqual(expected);
            }
          };
          for (const s of steps) {
            sequence++;
            if (s.op === "note") messages.addNote(`n${sequence}`, 1, s.text, "agent", [], sequence);
            else if (s.op === "reply") messages.addOutbound(`r${sequence}`, 1, "text", s.text, {}, "agent", sequence);
            else if (s.op === "customer") customerIds.push(inbound(s.text));
            else if (s.op === "activity") messages.addActivity(1, { kind: "assigned", reason: "refund order", actorId: null } as never, sequence);
            else if (s.op === "edit" && customerIds.length > 0) {
              const id = customerIds[s.pick % customerIds.length]!;
              const wamid = state.storage.sql.exec<{ wamid: string }>("SELECT wamid FROM messages WHERE id = ?", id).one().wamid;
              messages.editOrRevoke("edit", { targetWamid: wamid } as never, s.text, [1]);
            } else if (s.op === "echo") {
              const reply = messages.addOutbound(`e${sequence}`, 1, "text", s.text, {}, "agent", sequence);
              const echo = messages.addSynced(
                { wamid: `wamid.E${sequence}`, key: `wamid.E${sequence}`, sender: { waId: null, userId: null, username: null, name: null }, at: sequence, kind: "text", text: s.text, content: {}, raw: "{}" },
                1,
                "out",
                "business_app",
              );
              expect(echo).toBeGreaterThan(reply);
              messages.setWamid(reply, `wamid.E${sequence}`);
            } else if (s.op === "rolled-back") {
              expect(() =>
                ctx.transaction(() => {
                  messages.addNote(`x${sequence}`, 1, s.text, "agent", [], sequence);
                  messages.indexPending();
                  throw new Error("the step fails after storing");
                }),
              ).toThrow("the step fails");
            } else if (s.op === "evicted") messages = new Messages(ctx);
            else if (s.op === "search") check();
          }
          check();
        });
      }),
      { numRuns: 60, seed: SEED },
    );
  });
});
