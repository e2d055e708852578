import fc from "fast-check";
import { sampleEvent } from "../../worker/number-inbox/analytics";
import type { Conversations } from "../../worker/number-inbox/conversations";
import { unique } from "./helpers";

/**
 * Random histories of a number's customers, conversations and recorded times, for the properties of the reports
 * read from blocks (by language, per tag): the steps both share, and a player that runs them through the number's
 * own statements. Each property adds the steps of what it reports by.
 */

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const START = Date.UTC(2026, 2, 1);
/** Long enough for whole 32-day blocks inside most ranges, and edges on either side of them. */
export const SPAN = 120 * DAY;

export const conversationStep = fc.record({
  kind: fc.constant("conversation" as const),
  contact: fc.nat(5),
  how: fc.constantFrom("customer" as const, "business" as const, "app" as const),
  at: fc.nat(SPAN),
});
export const sampleStep = fc.record({
  kind: fc.constant("sample" as const),
  conversation: fc.nat(60),
  metric: fc.constantFrom("first_response" as const, "resolution" as const, "csat" as const),
  // Some in one bin (9,827 to 10,025 ms), so a value moved or taken away is often a bin's smallest or largest.
  value: fc.oneof(fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 60_000 }), fc.integer({ min: 60_000, max: 6 * HOUR }), fc.integer({ min: 9_830, max: 10_025 })),
  business: fc.option(fc.nat(100), { nil: null }),
  at: fc.nat(SPAN),
});
export const mergeStep = fc.record({ kind: fc.constant("merge" as const), from: fc.nat(5), into: fc.nat(5) });

export const ranges = fc.array(fc.record({ from: fc.integer({ min: -DAY, max: SPAN }), length: fc.integer({ min: HOUR, max: SPAN + 2 * DAY }), businessHours: fc.boolean() }), {
  minLength: 1,
  maxLength: 3,
});

/** The number's concerns as the shell holds them (compose.ts). */
export type Inner = { conversations: Conversations };

type SharedStep = (typeof conversationStep extends fc.Arbitrary<infer C> ? C : never) | (typeof sampleStep extends fc.Arbitrary<infer S> ? S : never);

/** Customers by slot and the conversations made so far, on one number. */
export class HistoryPlayer {
  readonly contacts = new Map<number, number>();
  readonly made: number[] = [];

  constructor(
    readonly sql: SqlStorage,
    readonly conversations: Conversations,
  ) {}

  contact(slot: number): number {
    let id = this.contacts.get(slot);
    if (id === undefined) {
      id = this.sql.exec<{ id: number }>("INSERT INTO contacts (wa_key, wa_id, first_seen_at, last_seen_at) VALUES (?, ?, 0, 0) RETURNING id", unique("k"), unique("86")).one().id;
      this.contacts.set(slot, id);
    }
    return id;
  }

  /** The customer in `slot` writes `slot` hours after START and is answered in `ms`: one conversation, one first response. */
  answered(slot: number, ms: number): void {
    const at = START + slot * HOUR;
    const conversation = this.conversations.createFromApp(this.contact(slot), at, at, "resolved");
    sampleEvent(this.sql, "first_response", "agent-a", conversation, ms, null, at + ms);
  }

  /** A conversation (all three ways the number creates one) or a recorded time or rating. */
  play(s: SharedStep): void {
    if (s.kind === "conversation") {
      const at = START + s.at;
      const id = this.contact(s.contact);
      if (s.how === "customer") this.made.push(Number(this.conversations.create(id, at, { timestamp: at, preview: "你好" }).id));
      else if (s.how === "business") this.made.push(this.conversations.createOutbound(id, at));
      else this.made.push(this.conversations.createFromApp(id, at, at, "resolved"));
    } else if (this.made.length > 0) {
      const business = s.metric === "csat" || s.business === null ? null : Math.floor((s.value * s.business) / 100);
      sampleEvent(this.sql, s.metric, "agent-a", this.made[s.conversation % this.made.length]!, s.value, business, START + s.at);
    }
  }
}
