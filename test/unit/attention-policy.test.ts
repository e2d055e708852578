import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Conversation } from "../../shared/inbox";
import {
  ATTENTION_KINDS,
  badgeOf,
  DEFAULT_ATTENTION,
  inQuietHours,
  kindOfNotice,
  mayInterrupt,
  notificationId,
  parseNotificationId,
  WAIT_TARGET_MS,
  waitsPastTarget,
  type AttentionSettings,
} from "../../extension/lib/attention-policy";

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
const at = (minutes: number) => new Date(2026, 11, 4, Math.floor(minutes / 60), minutes % 60);
const minuteOfDay = fc.integer({ min: 0, max: 1439 });

describe("quiet hours", () => {
  it("hold from `from` (inclusive) to `to` (exclusive), across midnight too", () => {
    fc.assert(
      fc.property(minuteOfDay, minuteOfDay, minuteOfDay, (from, to, now) => {
        fc.pre(from !== to);
        // Walking forward from `from`, `now` comes before `to`.
        const expected = (now - from + 1440) % 1440 < (to - from + 1440) % 1440;
        expect(inQuietHours({ enabled: true, from: hhmm(from), to: hhmm(to) }, at(now))).toBe(expected);
      }),
    );
  });

  it("are none when switched off, when both ends are equal, or when a time cannot be read", () => {
    fc.assert(
      fc.property(minuteOfDay, minuteOfDay, minuteOfDay, (from, to, now) => {
        expect(inQuietHours({ enabled: false, from: hhmm(from), to: hhmm(to) }, at(now))).toBe(false);
        expect(inQuietHours({ enabled: true, from: hhmm(from), to: hhmm(from) }, at(now))).toBe(false);
      }),
    );
    expect(inQuietHours({ enabled: true, from: "25:00", to: "08:00" }, at(0))).toBe(false);
    expect(inQuietHours({ enabled: true, from: "22:00", to: "" }, at(23 * 60))).toBe(false);
  });

  it("22:00–08:00 silences 23:30 and 07:59 but not 08:00 or 21:59", () => {
    const night = { enabled: true, from: "22:00", to: "08:00" };
    expect([23 * 60 + 30, 7 * 60 + 59, 8 * 60, 21 * 60 + 59].map((m) => inQuietHours(night, at(m)))).toEqual([true, true, false, false]);
  });
});

describe("whether an event may interrupt", () => {
  const settingsArb: fc.Arbitrary<AttentionSettings> = fc.record({
    kinds: fc.record({ assigned: fc.boolean(), message: fc.boolean(), mention: fc.boolean(), waiting: fc.boolean() }),
    sound: fc.boolean(),
    quietHours: fc.record({ enabled: fc.boolean(), from: minuteOfDay.map(hhmm), to: minuteOfDay.map(hhmm) }),
    awayOnPanelClose: fc.boolean(),
  });

  it("only for a kind switched on, outside quiet hours, not for the conversation on screen, and while Away only for a mention", () => {
    fc.assert(
      fc.property(fc.constantFrom(...ATTENTION_KINDS), settingsArb, fc.boolean(), fc.boolean(), minuteOfDay, (kind, settings, away, looking, now) => {
        const allowed = mayInterrupt(kind, { settings, away, looking, now: at(now) });
        const expected = settings.kinds[kind] && !looking && (!away || kind === "mention") && !inQuietHours(settings.quietHours, at(now));
        expect(allowed).toBe(expected);
      }),
    );
  });

  it("by default: everything while Available, only mentions while Away", () => {
    const now = at(12 * 60);
    expect(ATTENTION_KINDS.map((kind) => mayInterrupt(kind, { settings: DEFAULT_ATTENTION, away: false, looking: false, now }))).toEqual([true, true, true, true]);
    expect(ATTENTION_KINDS.map((kind) => mayInterrupt(kind, { settings: DEFAULT_ATTENTION, away: true, looking: false, now }))).toEqual([false, false, true, false]);
  });

  it("maps the server's notices to the agent's kinds; a conversation taken away interrupts nobody", () => {
    expect((["assigned", "transferred_in", "reassigned_no_reply", "mention", "no_reply_nudge", "unassigned"] as const).map(kindOfNotice)).toEqual([
      "assigned",
      "assigned",
      "assigned",
      "mention",
      "waiting",
      null,
    ]);
  });
});

describe("the toolbar badge", () => {
  it("counts unread conversations (99+ past 99), says ! when only a wait is news, and turns amber while someone waits past the target", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.boolean(), (unread, waiting) => {
        const { text, color } = badgeOf(unread, waiting);
        expect(text).toBe(unread > 99 ? "99+" : unread > 0 ? String(unread) : waiting ? "!" : "");
        expect(color === "#b45309").toBe(waiting);
      }),
    );
  });
});

describe("waiting past the target", () => {
  const base: Conversation = {
    id: "7",
    phoneNumberId: "105550100",
    contact: { id: "1", waId: "8613800000000", name: "赵磊" },
    status: "open",
    assigneeId: null,
    assignmentReason: null,
    queuedAt: 0,
    teamId: null,
    createdAt: 0,
    lastMessageAt: 0,
    lastMessagePreview: "",
    unread: 1,
    windowClosesAt: null,
    snoozedUntil: null,
    tags: [],
    resolveReason: null,
    csat: null,
  };

  it("counts from entering the queue, or from the unread message of an assigned conversation, and only while open", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 * WAIT_TARGET_MS }), fc.integer({ min: 0, max: 10 }), (elapsed, unread) => {
        const since = 1_000_000;
        const now = since + elapsed;
        const past = elapsed >= WAIT_TARGET_MS;
        expect(waitsPastTarget({ ...base, queuedAt: since }, now)).toBe(past);
        expect(waitsPastTarget({ ...base, assigneeId: "lina", queuedAt: null, unread, lastMessageAt: since }, now)).toBe(past && unread > 0);
        expect(waitsPastTarget({ ...base, queuedAt: since, status: "pending" }, now)).toBe(false);
        expect(waitsPastTarget({ ...base, queuedAt: since, status: "resolved" }, now)).toBe(false);
      }),
    );
  });

  it("uses the team's target the server sends, and the server's awaitingReplySince over the unread count", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 0, max: 120 * 60_000 }), (minutes, elapsed) => {
        const since = 1_000_000;
        const now = since + elapsed;
        const assigned = { ...base, assigneeId: "lina", queuedAt: null, waitTargetMinutes: minutes };
        expect(waitsPastTarget({ ...assigned, awaitingReplySince: since, unread: 0 }, now)).toBe(elapsed >= minutes * 60_000);
        // Answered: nobody waits, whatever is unread.
        expect(waitsPastTarget({ ...assigned, awaitingReplySince: null, unread: 3, lastMessageAt: since }, now)).toBe(false);
        expect(waitsPastTarget({ ...base, queuedAt: since, waitTargetMinutes: minutes }, now)).toBe(elapsed >= minutes * 60_000);
      }),
    );
  });
});

describe("notification ids", () => {
  it("name one conversation each, so a second event updates the same notification", () => {
    const idPart = fc.stringMatching(/^[0-9a-z]{1,20}$/);
    fc.assert(
      fc.property(idPart, idPart, (phoneNumberId, conversationId) => {
        expect(parseNotificationId(notificationId(phoneNumberId, conversationId))).toEqual({ phoneNumberId, conversationId });
      }),
    );
    expect(parseNotificationId("something-else")).toBeNull();
  });
});
