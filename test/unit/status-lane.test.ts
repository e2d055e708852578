import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { webhookStatusSchema } from "../../shared/webhook";
import {
  CLOCK_SKEW_MS,
  EARLY_STATUS_CAP,
  EARLY_STATUS_TTL_MS,
  mayBelongToFlight,
  overCap,
  recipientOf,
  unclaimableBefore,
} from "../../worker/number-inbox/early-status-policy";
import { foldStatuses } from "../../worker/number-inbox/status-batch";
import { groupByNumber, isLaneMessage, MAX_RETRY_DELAY_SECONDS, retryDelaySeconds } from "../../worker/status-lane/consumer-policy";
import { toLaneStatus, type LaneStatus } from "../../worker/status-lane/lane-message";
import { MAX_MESSAGE_BYTES, MAX_SEND_BATCH_BYTES, MAX_SEND_BATCH_MESSAGES, MAX_STATUSES_PER_MESSAGE, packStatuses, sendBatches } from "../../worker/status-lane/pack";

const bytes = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).byteLength;

const laneStatus: fc.Arbitrary<LaneStatus> = fc.record({
  id: fc.string({ minLength: 1, maxLength: 120 }).map((s) => `wamid.${s}`),
  status: fc.constantFrom("sent", "delivered", "read", "failed", "played", "deleted"),
  at: fc.integer({ min: 0, max: 2_000_000_000 }),
  to: fc.option(fc.string({ unit: "grapheme", maxLength: 40 })),
  code: fc.option(fc.integer()),
  title: fc.option(fc.string({ unit: "grapheme", maxLength: 300 })),
});

describe("packing a POST's statuses for the queue", () => {
  it("keeps every status, in order, in messages and sendBatch calls that all fit Cloudflare's limits", () => {
    fc.assert(
      // Most POSTs carry a few statuses (one message, measured at once); some need cutting.
      fc.property(fc.oneof(fc.array(laneStatus, { maxLength: MAX_STATUSES_PER_MESSAGE }), fc.array(laneStatus, { maxLength: 1_200 })), (statuses) => {
        const messages = packStatuses("105550100", statuses, 1_700_000_000_000);
        expect(messages.flatMap((m) => m.body.statuses)).toEqual(statuses);
        for (const m of messages) {
          expect(m.body.statuses.length).toBeGreaterThan(0);
          expect(m.body.statuses.length).toBeLessThanOrEqual(MAX_STATUSES_PER_MESSAGE);
          // The estimate the packer used covers the JSON the queue stores.
          expect(bytes(m.body)).toBeLessThanOrEqual(m.bytes);
          expect(m.bytes).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
        }
        const calls = sendBatches(messages);
        expect(calls.flat()).toEqual(messages);
        for (const call of calls) {
          expect(call.length).toBeLessThanOrEqual(MAX_SEND_BATCH_MESSAGES);
          expect(call.reduce((sum, m) => sum + m.bytes, 0)).toBeLessThanOrEqual(MAX_SEND_BATCH_BYTES);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("keeps what the object needs of Meta's status, with a failed status's first error and a bounded title", () => {
    const failed = webhookStatusSchema.parse({
      id: "wamid.F",
      status: "failed",
      timestamp: "1700000000",
      recipient_id: "8613812345678",
      errors: [{ code: 131047, title: "Re-engagement message", message: "x".repeat(5_000) }, { code: 1 }],
      pricing: { billable: false },
    });
    expect(toLaneStatus(failed)).toEqual({ id: "wamid.F", status: "failed", at: 1_700_000_000, to: "8613812345678", code: 131047, title: "Re-engagement message" });
    const long = webhookStatusSchema.parse({ id: "w", status: "failed", timestamp: 1, errors: [{ code: 2, message: "y".repeat(5_000) }] });
    expect(toLaneStatus(long).title).toHaveLength(300);
    const bsuid = webhookStatusSchema.parse({ id: "w", status: "read", timestamp: "1", recipient_user_id: "US.13491208655302741918" });
    expect(toLaneStatus(bsuid).to).toBe("US.13491208655302741918");
  });
});

describe("the consumer's decisions", () => {
  it("groups a batch by number, keeping every message once and in order", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("a", "b", "c"), { maxLength: 100 }), (numbers) => {
        const messages = numbers.map((phoneNumberId, i) => ({ i, body: { v: 1 as const, phoneNumberId, receivedAt: i, statuses: [] } }));
        const groups = groupByNumber(messages);
        expect([...groups.values()].flat().map((m) => m.i).sort((x, y) => x - y)).toEqual(messages.map((m) => m.i));
        for (const [number, list] of groups) {
          expect(list.every((m) => m.body.phoneNumberId === number)).toBe(true);
          expect(list.map((m) => m.i)).toEqual([...list.map((m) => m.i)].sort((x, y) => x - y));
        }
      }),
    );
  });

  it("applies only messages of the shape this release writes", () => {
    expect(isLaneMessage({ v: 1, phoneNumberId: "1", receivedAt: 0, statuses: [] })).toBe(true);
    for (const other of [null, "x", { v: 2, phoneNumberId: "1", receivedAt: 0, statuses: [] }, { v: 1, phoneNumberId: "", receivedAt: 0, statuses: [] }, { v: 1, phoneNumberId: "1", statuses: [] }]) {
      expect(isLaneMessage(other)).toBe(false);
    }
  });

  it("backs off 1, 2, 4 … seconds per attempt, never past five minutes", () => {
    expect([1, 2, 3, 4, 5].map(retryDelaySeconds)).toEqual([1, 2, 4, 8, 16]);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 200 }), (attempts) => {
        expect(retryDelaySeconds(attempts)).toBeLessThanOrEqual(MAX_RETRY_DELAY_SECONDS);
        expect(retryDelaySeconds(attempts + 1)).toBeGreaterThanOrEqual(retryDelaySeconds(attempts));
      }),
    );
  });
});

describe("which unknown statuses are kept", () => {
  const now = 1_700_000_000_000;
  const at = now / 1000;

  it("none while nothing is in flight: every campaign status is dropped on sight", () => {
    fc.assert(
      fc.property(fc.option(fc.string()), fc.integer({ min: 0, max: 2e9 }), (to, seconds) => {
        expect(mayBelongToFlight({ to, at: seconds }, [])).toBe(false);
      }),
    );
    expect(unclaimableBefore([], now)).toBe(Number.MAX_SAFE_INTEGER);
  });

  it("one to the recipient of a send in flight, however the phone number is written", () => {
    const flights = [{ startedAt: now, to: "8613812345678" }];
    expect(mayBelongToFlight({ to: "+86 138 1234 5678", at }, flights)).toBe(true);
    expect(mayBelongToFlight({ to: "8613812345678", at }, flights)).toBe(true);
    expect(mayBelongToFlight({ to: "8613899999999", at }, flights)).toBe(false);
    // Undecidable pairs are kept: a BSUID against a phone number, or a status naming no recipient.
    expect(mayBelongToFlight({ to: "US.1349120865", at }, flights)).toBe(true);
    expect(mayBelongToFlight({ to: null, at }, flights)).toBe(true);
  });

  it("not one older than the send (beyond the clocks' skew): Meta redelivering yesterday's campaign", () => {
    const flights = [{ startedAt: now, to: null }];
    expect(mayBelongToFlight({ to: "86138", at: (now - CLOCK_SKEW_MS) / 1000 }, flights)).toBe(true);
    expect(mayBelongToFlight({ to: "86138", at: (now - CLOCK_SKEW_MS) / 1000 - 1 }, flights)).toBe(false);
  });

  it("kept rows outlive neither the sends in flight when they were kept nor the time-to-live", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: now - 3_600_000, max: now }), { minLength: 1, maxLength: 5 }), (starts) => {
        const before = unclaimableBefore(starts.map((startedAt) => ({ startedAt, to: null })), now);
        expect(before).toBeGreaterThanOrEqual(Math.min(...starts));
        expect(before).toBeGreaterThanOrEqual(now - EARLY_STATUS_TTL_MS);
        expect(before).toBeLessThanOrEqual(Math.max(Math.min(...starts), now - EARLY_STATUS_TTL_MS));
      }),
    );
  });

  it("the oldest rows over the cap go", () => {
    expect(overCap(EARLY_STATUS_CAP)).toBe(0);
    expect(overCap(EARLY_STATUS_CAP + 7)).toBe(7);
    expect(overCap(3, 5)).toBe(0);
  });

  it("reads the recipient of a Graph API body by phone number or BSUID", () => {
    expect(recipientOf({ messaging_product: "whatsapp", to: "8613812345678" })).toBe("8613812345678");
    expect(recipientOf({ messaging_product: "whatsapp", recipient: "US.1" })).toBe("US.1");
    expect(recipientOf({})).toBeNull();
  });
});

describe("folding a batch of statuses into ticks", () => {
  const rank: Record<string, number> = { accepted: 1, sent: 2, delivered: 3, read: 4, played: 5 };
  const status = fc.constantFrom("sent", "delivered", "read", "played");

  it("ends each message at its furthest status, whatever the order and the duplicates, and writes only what moved", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat({ max: 4 }), status, fc.integer({ min: 0, max: 100 })), { maxLength: 60 }), (events) => {
        const known = new Map(Array.from({ length: 5 }, (_, i) => [`wamid.${i}`, { id: i, status: "accepted" as const }]));
        const statuses: LaneStatus[] = events.map(([i, s, at]) => ({ id: `wamid.${i}`, status: s, at, to: null, code: null, title: null }));
        const folded = foldStatuses(statuses, known);
        expect(folded.applied).toBe(statuses.length);
        expect(folded.unknown).toEqual([]);
        for (let i = 0; i < 5; i++) {
          const mine = events.filter(([j]) => j === i).map(([, s]) => s);
          const furthest = mine.reduce((best, s) => (rank[s]! > rank[best]! ? s : best), "accepted");
          expect(folded.changes.find((c) => c.id === i)?.status ?? "accepted").toBe(furthest);
        }
        // Shuffling the batch changes nothing.
        expect(foldStatuses([...statuses].reverse(), known).changes.sort((a, b) => a.id - b.id)).toEqual(folded.changes.sort((a, b) => a.id - b.id));
      }),
    );
  });

  it("keeps a failed status's error, takes statuses in Meta's order within a batch, and hands on unknown wamids and kinds", () => {
    const known = new Map([["wamid.A", { id: 1, status: "accepted" as const }]]);
    const failed = { id: "wamid.A", status: "failed", at: 10, to: "86138", code: 131047, title: "Re-engagement message" };
    const deliveredLater = { ...failed, status: "delivered", at: 20, code: null, title: null };
    // Sent in this order by Meta (failed first); the batch holds them reversed.
    expect(foldStatuses([deliveredLater, failed], known).changes).toEqual([{ id: 1, status: "failed", code: 131047, title: "Re-engagement message" }]);
    const campaign = { id: "wamid.Z", status: "read", at: 5, to: "86139", code: null, title: null };
    const other = { id: "wamid.A", status: "deleted", at: 5, to: null, code: null, title: null };
    const folded = foldStatuses([campaign, other], known);
    expect(folded).toMatchObject({ changes: [], applied: 0, otherKinds: [other] });
    expect(folded.unknown).toEqual([{ wamid: "wamid.Z", status: "read", at: 5, to: "86139", code: null, title: null }]);
  });
});
