import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { messageContentSchema } from "../../shared/message-content";
import { CURSOR_PATTERN, decodeCursor, encodeCursor } from "../../worker/number-inbox/conversation-views";
import { linkSender, usableId, type KnownContact } from "../../worker/number-inbox/identity";
import { intake, MAX_CONTENT_CHARS, MAX_RAW_CHARS } from "../../worker/number-inbox/intake";
import { webhookMessageSchema } from "../../shared/webhook";
import { describeInbound, MAX_TEXT_CHARS } from "../../worker/number-inbox/message-content";
import { FUTURE_SLACK_MS, receivedTime, WHATSAPP_LAUNCH_MS } from "../../worker/number-inbox/received-time";

/**
 * The number's edge, as pure functions: whatever a signed webhook's message holds, `intake` answers without
 * throwing, and what it says to store is storable and valid against the shared schemas; `receivedTime` always gives
 * a whole millisecond within reason; `linkSender` never gives one id to two contacts; every cursor the list hands
 * out is one its route accepts. Each is checked on generated values of every class issue #19 names.
 */

const NOW = Date.UTC(2026, 11, 4, 12, 0, 0);
const RUNS = { numRuns: 2_000, seed: 19 };
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const lookalikes = ["user:abc", "user:", "unknown:wamid.X", "unknown:", "wa:8613800000000", "#1", "null", "undefined", "0", "__proto__"];
const identityArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^\d{8,15}$/) },
  { weight: 2, arbitrary: fc.constantFrom(...lookalikes, "", " ", "\t", "\u0000", "\ud800", "a\u0000b", "😀", "中文客户", "US.13491208655302741918") },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 30 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 200 }).map((n) => "9".repeat(n)) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(undefined, null, 12345, 1.5, true, [], {}, ["8613800000000"]) },
);

const timestampArb: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: WHATSAPP_LAUNCH_MS / 1000, max: NOW / 1000 }).chain((s) => fc.constantFrom<unknown>(s, String(s), s + 0.75, `${s}.5`)) },
  {
    weight: 3,
    arbitrary: fc.constantFrom<unknown>(undefined, null, "4102444800", 4102444800, 1e21, "100000000000000000000000", 2 ** 53 + 1, -5, 0, "-5", "915148800", "soon", "", " 1700000000", "1e9", String(NOW), NOW, { seconds: 1 }, [1700000000], true),
  },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
);

const weird: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(null, true, 0, -1, 1e308, "", "\u0000", "\ud83d", "1e400", "NaN", [], {}),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.double(),
  fc.integer(),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Keys the message parts are read by, so generated parts reach the code behind them. */
const partKeys = [
  "body", "caption", "id", "url", "link", "mime_type", "filename", "voice", "animated", "latitude", "longitude", "name", "address",
  "type", "button_reply", "list_reply", "nfm_reply", "title", "description", "response_json", "payload", "text", "emoji", "message_id",
  "catalog_id", "product_items", "quantity", "item_price", "currency", "product_retailer_id", "original_message_id", "message", "phones",
  "phone", "formatted_name", "first_name", "frequently_forwarded", "forwarded", "referred_product", "headline", "source_url", "code", "details",
];
const { part } = fc.letrec<{ part: unknown }>((tie) => ({
  part: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    weird,
    fc.dictionary(fc.constantFrom(...partKeys), tie("part"), { maxKeys: 6 }),
    fc.array(tie("part"), { maxLength: 3 }),
    fc.integer({ min: 1, max: 90_000 }).map((n) => "长".repeat(n)),
    fc.constant(JSON.stringify({ a: 1, b: [1, 2], c: "x" })),
  ),
}));

const kinds = ["text", "image", "video", "audio", "document", "sticker", "location", "contacts", "interactive", "button", "reaction", "order", "system", "edit", "revoke", "unsupported", "unknown", "hologram"];
const messageArb = fc.record(
  {
    id: fc.oneof({ weight: 6, arbitrary: fc.string({ minLength: 1, maxLength: 40 }).map((s) => `wamid.${s}`) }, { weight: 1, arbitrary: identityArb }),
    from: identityArb,
    from_user_id: identityArb,
    timestamp: timestampArb,
    type: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...kinds) }, { weight: 1, arbitrary: weird }),
    text: part,
    image: part,
    location: part,
    interactive: part,
    order: part,
    contacts: part,
    reaction: part,
    edit: part,
    system: part,
    context: part,
    referral: part,
    errors: part,
    unsupported: part,
  },
  { requiredKeys: [] },
);
const contactArb = fc.oneof(
  { weight: 4, arbitrary: fc.record({ wa_id: identityArb, user_id: identityArb, profile: fc.oneof(fc.record({ name: identityArb, username: identityArb }, { requiredKeys: [] }), weird) }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: weird },
);
const itemArb = fc.record({
  message: fc.oneof({ weight: 8, arbitrary: messageArb as fc.Arbitrary<unknown> }, { weight: 1, arbitrary: weird }),
  contacts: fc.array(contactArb, { maxLength: 4 }),
});

describe("intake: each webhook message read at the number's edge", () => {
  it("never throws, and what it stores is within bounds and valid against the shared schema", () => {
    const seen = new Set<string>();
    fc.assert(
      fc.property(itemArb, (item) => {
        const read = intake(item, NOW);
        expect(read.message !== null || read.unreadable !== null).toBe(true);
        const raw = JSON.stringify(item.message) ?? "null";
        if (read.unreadable) {
          seen.add(read.unreadable.reason);
          // The whole item, as received.
          expect(read.unreadable.raw).toBe(raw);
          expect(read.unreadable.detail.length).toBeGreaterThan(0);
        }
        const m = read.message;
        if (!m) return;
        seen.add(`stored:${m.kind === "unsupported" ? "unsupported" : "known"}`);
        if (m.wamid === null) {
          // Known again by its JSON when Meta redelivers it.
          seen.add("stored:no id");
          expect(m.key).toMatch(/^in:/);
        } else expect(m.key).toBe(m.wamid);
        expect(Number.isInteger(m.at)).toBe(true);
        expect(m.at).toBeGreaterThanOrEqual(WHATSAPP_LAUNCH_MS);
        expect(m.at).toBeLessThanOrEqual(NOW + FUTURE_SLACK_MS);
        expect(messageContentSchema.safeParse(m.content).success).toBe(true);
        expect(JSON.stringify(m.content).length).toBeLessThanOrEqual(MAX_CONTENT_CHARS);
        if (m.text !== null) {
          expect(m.text.length).toBeLessThanOrEqual(MAX_TEXT_CHARS);
          expect(LONE_SURROGATE.test(m.text)).toBe(false);
        }
        expect(m.sender.waId !== null || m.sender.userId !== null).toBe(true);
        for (const id of [m.sender.waId, m.sender.userId, m.sender.username, m.wamid, m.key]) {
          if (id !== null) expect(LONE_SURROGATE.test(id) || /[\u0000-\u001f]/.test(id) || id.trim() === "").toBe(false);
        }
        // The raw JSON is kept as received, or wholly among the unreadable deliveries when too large for the row.
        if (raw.length <= MAX_RAW_CHARS) expect(m.raw).toBe(raw);
        else expect(read.unreadable).toMatchObject({ reason: "too_large", raw, wamid: m.wamid });
        expect(m.raw.length).toBeLessThanOrEqual(MAX_RAW_CHARS);
      }),
      RUNS,
    );
    // Every outcome was reached, so each rule above was exercised, not just satisfied.
    expect([...seen].sort()).toEqual(["no_sender", "not_an_object", "stored:known", "stored:no id", "stored:unsupported", "too_large"]);
  });

  it("describeInbound builds valid content by construction (intake's own check never has to step in)", () => {
    fc.assert(
      fc.property(messageArb, (raw) => {
        const message = webhookMessageSchema.parse(raw);
        const { content, text } = describeInbound(message);
        const valid = messageContentSchema.safeParse(content);
        expect(valid.success, JSON.stringify(valid.error?.issues[0])).toBe(true);
        // Nothing is dropped on the way to JSON (NaN and Infinity would become null, a lone surrogate U+FFFD).
        expect(JSON.parse(JSON.stringify(content))).toEqual(content);
        if (text !== null) expect(LONE_SURROGATE.test(text)).toBe(false);
      }),
      RUNS,
    );
  });

  it("a message whose timestamp is missing is a message received now, not a lost one", () => {
    const read = intake({ message: { id: "wamid.1", from: "8613800000001", type: "text", text: { body: "hi" } }, contacts: [] }, NOW);
    expect(read.message).toMatchObject({ at: NOW, text: "hi", sender: { waId: "8613800000001" } });
  });

  it("an empty identity is absent: the contact entry's empty wa_id gives way to `from`, and nothing at all names nobody", () => {
    const both = intake({ message: { id: "wamid.2", from: "8613800000002", type: "text", text: { body: "x" } }, contacts: [{ wa_id: "", user_id: " " }] }, NOW);
    expect(both.message?.sender).toMatchObject({ waId: "8613800000002", userId: null });
    const none = intake({ message: { id: "wamid.3", from: "", type: "text", text: { body: "x" } }, contacts: [{ wa_id: "" }] }, NOW);
    expect(none).toMatchObject({ message: null, unreadable: { reason: "no_sender", wamid: "wamid.3" } });
    expect(none.unreadable!.detail).toContain("empty");
  });
});

describe("receivedTime: one reading of a message's time", () => {
  it("always a whole millisecond between WhatsApp's launch and a few minutes from now", () => {
    fc.assert(
      fc.property(fc.oneof(timestampArb, weird), fc.integer({ min: WHATSAPP_LAUNCH_MS, max: Date.UTC(2100, 0, 1) }), (raw, now) => {
        const { at } = receivedTime(raw, now);
        expect(Number.isSafeInteger(at)).toBe(true);
        expect(at).toBeGreaterThanOrEqual(WHATSAPP_LAUNCH_MS);
        expect(at).toBeLessThanOrEqual(now + FUTURE_SLACK_MS);
      }),
      RUNS,
    );
  });

  it("a time within reason is kept to the second, however it is written; anything else is the time received", () => {
    fc.assert(
      fc.property(fc.integer({ min: WHATSAPP_LAUNCH_MS / 1000, max: NOW / 1000 }), fc.constantFrom(0, 0.25, 0.999), (seconds, fraction) => {
        for (const raw of [seconds + fraction, String(seconds + fraction), String(seconds)]) {
          expect(receivedTime(raw, NOW)).toEqual({ at: seconds * 1000, replaced: null });
        }
      }),
      RUNS,
    );
    for (const raw of [undefined, null, "4102444800", 1e21, -1, 0, "915148800", "soon", { s: 1 }, String(NOW), " 1700000000", Number.NaN]) {
      expect(receivedTime(raw, NOW).at, String(raw)).toBe(NOW);
    }
  });
});

describe("linkSender: one contact per identity", () => {
  const phones = ["8613800000001", "8613800000002", "user:US.A", "unknown:wamid.1"];
  const users = ["US.A", "US.B", "8613800000001", "user:US.A"];
  const senderArb = fc
    .record({ waId: fc.constantFrom<string | null>(...phones, null), userId: fc.constantFrom<string | null>(...users, null) })
    .filter((s) => s.waId !== null || s.userId !== null);

  it("never gives a phone or a user id to two contacts; halves of one customer merge; the message goes to a contact holding one of its ids; the same history decides the same way", () => {
    fc.assert(
      fc.property(fc.array(senderArb, { maxLength: 30 }), (senders) => {
        const run = () => {
          const contacts: KnownContact[] = [];
          const landed: number[] = [];
          let nextId = 1;
          for (const sender of senders) {
            const byWa = contacts.find((c) => sender.waId !== null && c.waId === sender.waId);
            const byUser = contacts.find((c) => sender.userId !== null && c.userId === sender.userId);
            const link = linkSender(sender, byWa, byUser);
            const halves = !!byWa && !!byUser && byWa.id !== byUser.id && byWa.userId === null && byUser.waId === null;
            let contact: KnownContact;
            if (link.contactId === null) {
              contact = { id: nextId++, waId: link.fill.waId, userId: link.fill.userId };
              contacts.push(contact);
            } else {
              if (link.absorb !== null) {
                // The phone's contact and the BSUID's halves of one customer: the absorbed one is gone, its id moves.
                const gone = contacts.findIndex((c) => c.id === link.absorb);
                expect(contacts[gone]!.waId).toBeNull();
                contacts.splice(gone, 1);
              }
              contact = contacts.find((c) => c.id === link.contactId)!;
              contact.waId ??= link.fill.waId;
              contact.userId ??= link.fill.userId;
            }
            expect((sender.waId !== null && contact.waId === sender.waId) || (sender.userId !== null && contact.userId === sender.userId)).toBe(true);
            // The phone decides first: a contact holding the phone is always the one.
            if (byWa) expect(contact.id).toBe(byWa.id);
            // Two contacts that are halves of one customer merge; other disagreements are reported, never silently taken.
            if (halves) {
              expect(link.absorb).toBe(byUser!.id);
            } else if ((byWa && byUser && byWa.id !== byUser.id) || (sender.waId && contact.waId !== sender.waId) || (sender.userId && contact.userId !== sender.userId)) {
              expect(link.conflicts.length).toBeGreaterThan(0);
            }
            landed.push(contact.id);
          }
          const waIds = contacts.map((c) => c.waId).filter((v) => v !== null);
          const userIds = contacts.map((c) => c.userId).filter((v) => v !== null);
          expect(new Set(waIds).size).toBe(waIds.length);
          expect(new Set(userIds).size).toBe(userIds.length);
          return landed;
        };
        expect(run()).toEqual(run());
      }),
      RUNS,
    );
  });

  it("an id is usable only when it is text with something in it, short, and without control characters", () => {
    expect([usableId(""), usableId("   "), usableId(undefined), usableId(12), usableId("a\u0000b"), usableId("x".repeat(129)), usableId("a\ud800")]).toEqual([null, null, null, null, null, null, null]);
    expect([usableId(" 8613800000001 "), usableId("user:abc"), usableId("US.1349"), usableId("客户😀")]).toEqual(["8613800000001", "user:abc", "US.1349", "客户😀"]);
  });
});

describe("the list's cursor", () => {
  it("every cursor the list hands out is one its route accepts, and reads back as the same position", () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }), (value, id) => {
        const cursor = encodeCursor(value, id);
        expect(cursor).toMatch(CURSOR_PATTERN);
        expect(decodeCursor(cursor)).toEqual({ value, id });
      }),
      RUNS,
    );
    // Values no stored row should hold any more (1e24, Infinity, fractions, negatives) still give an accepted cursor.
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.constantFrom(1e24, Infinity, -Infinity, Number.NaN, -1, 1.5)), fc.nat(), (value, id) => {
        expect(encodeCursor(value, id)).toMatch(CURSOR_PATTERN);
      }),
      RUNS,
    );
  });
});
