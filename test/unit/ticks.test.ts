import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deliveryStatusSchema, type DeliveryStatus, type Message, type Tick } from "../../shared/inbox";
import { applyTicks } from "../../extension/components/ticks";

const statuses = deliveryStatusSchema.options;

function message(id: number, status: DeliveryStatus | null): Message {
  return { id: String(id), conversationId: "7", direction: "out", kind: "text", text: `reply ${id}`, content: {}, wamid: `wamid.${id}`, status, error: null, authorId: "a1", clientId: null, timestamp: id, origin: null };
}

describe("a status batch's ticks in the open conversation (panel)", () => {
  it("each ticked message takes its status and error; every other message, and the order, stay as they were", () => {
    fc.assert(
      fc.property(
        fc.array(fc.option(fc.constantFrom(...statuses), { nil: null }), { minLength: 0, maxLength: 12 }),
        fc.array(fc.record({ id: fc.integer({ min: 0, max: 15 }), status: fc.constantFrom(...statuses), failed: fc.boolean() }), { maxLength: 12 }),
        (initial, drawn) => {
          const list = initial.map((s, i) => message(i, s));
          // One tick per message in a batch (the object sends each message's latest).
          const ticks: Tick[] = [...new Map(drawn.map((d) => [d.id, d])).values()].map((d) => ({
            messageId: String(d.id),
            conversationId: "7",
            status: d.status,
            error: d.failed ? { code: 131026, title: "Message undeliverable" } : null,
          }));
          const next = applyTicks(list, ticks);
          expect(next.map((m) => m.id)).toEqual(list.map((m) => m.id));
          next.forEach((m, i) => {
            const tick = ticks.find((t) => t.messageId === m.id);
            expect(m.status).toBe(tick ? tick.status : list[i]!.status);
            expect(m.error).toEqual(tick ? tick.error : list[i]!.error);
            expect({ ...m, status: null, error: null }).toEqual({ ...list[i]!, status: null, error: null });
          });
          // Nothing moved: the same list, so the view does not render again.
          if (next.every((m, i) => m === list[i])) expect(next).toBe(list);
        },
      ),
      { numRuns: 500, seed: 20_261_205 },
    );
  });

  it("a batch for messages not shown changes nothing", () => {
    const list = [message(1, "sent"), message(2, "delivered")];
    expect(applyTicks(list, [{ messageId: "9", conversationId: "7", status: "read", error: null }])).toBe(list);
  });
});
