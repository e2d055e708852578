import { numberInboxMigrations } from "../../worker/number-inbox/schema";
import { env, runInDurableObject } from "cloudflare:test";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { NumberReportData, Report, Timing } from "../../shared/analytics";
import { bucketIndex, bucketStarts } from "../../shared/report-buckets";
import { csatFigures, timing } from "../../shared/stats";
import { mergeReport, type ReportContext } from "../../worker/analytics/merge-report";
import { ALPHA } from "../../worker/analytics/sketch";
import { countEvent, logPresence, presenceDurations, reportData, sampleEvent, type PresenceState } from "../../worker/number-inbox/analytics";
import { countConversation } from "../../worker/number-inbox/language-report";
import { countTaggedConversation, tagsOf } from "../../worker/number-inbox/tag-report";
import { unique } from "./helpers";

/**
 * Reports read rollups and sketches; these properties hold them to the figures computed exactly from the raw
 * events: random conversations over months, agents, teams, tagged customers and several numbers are recorded
 * through the functions the number object calls with each event, then random ranges are asked for and merged as
 * the worker merges them. Counts must be exact, medians and 90th percentiles within the sketch's 1 %. Each run
 * makes fresh objects, so a failure is reported as found (endOnFailure) rather than shrunk object by object.
 */

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TIME_ZONE = "Asia/Shanghai";
const AGENTS = ["agent-a", "agent-b", "agent-c", "agent-d", "agent-e"];
const TAGS = ["tag-order", "tag-vip", "tag-refund"];
const REASONS = ["round_robin", "sticky", "transfer", "queue"] as const;

const time = fc.oneof(
  fc.integer({ min: 0, max: 60_000 }),
  fc.integer({ min: 60_000, max: 4 * HOUR }),
  fc.integer({ min: 4 * HOUR, max: 3 * DAY }),
  fc.constantFrom(0, 20_000, 90_000),
);
const measured = fc.record({ value: time, business: fc.option(fc.nat(100), { nil: null }), delay: fc.integer({ min: 0, max: 2 * DAY }) });

const conversation = fc.record({
  number: fc.nat(2),
  contact: fc.nat(25),
  created: fc.nat(150 * DAY),
  agent: fc.nat(AGENTS.length - 1),
  reason: fc.constantFrom(...REASONS),
  messagesIn: fc.integer({ min: 1, max: 3 }),
  firstResponse: fc.option(measured, { nil: null }),
  resolution: fc.option(measured, { nil: null }),
  csat: fc.option(fc.record({ stars: fc.integer({ min: 1, max: 5 }), nobody: fc.boolean(), delay: fc.nat(DAY) }), { nil: null }),
});
type Conversation = (typeof conversation extends fc.Arbitrary<infer T> ? T : never) & { id?: number };

const history = fc.record({
  numbers: fc.integer({ min: 1, max: 3 }),
  // Anywhere in a year, so the 32-day blocks and the UTC days fall differently each time.
  start: fc.integer({ min: Date.UTC(2026, 0, 1), max: Date.UTC(2026, 11, 1) }),
  conversations: fc.array(conversation, { maxLength: 150, size: "max" }),
  tagged: fc.uniqueArray(fc.record({ number: fc.nat(2), contact: fc.nat(25), tag: fc.constantFrom(...TAGS) }), { maxLength: 40, size: "max", selector: (t) => `${t.number}:${t.contact}:${t.tag}` }),
  teams: fc.array(fc.subarray(AGENTS, { minLength: 1 }), { minLength: 1, maxLength: 3 }),
  ranges: fc.array(fc.record({ from: fc.integer({ min: -2 * DAY, max: 150 * DAY }), length: fc.integer({ min: HOUR, max: 200 * DAY }), businessHours: fc.boolean() }), { minLength: 1, maxLength: 3 }),
});
type History = typeof history extends fc.Arbitrary<infer T> ? T : never;

/** When each recorded fact happened, on the history's clock. */
const at = {
  created: (h: History, c: Conversation) => h.start + c.created,
  firstResponse: (h: History, c: Conversation) => at.created(h, c) + c.firstResponse!.delay,
  resolution: (h: History, c: Conversation) => at.created(h, c) + (c.firstResponse ? c.firstResponse.delay + c.firstResponse.value : 0) + c.resolution!.delay,
  csat: (h: History, c: Conversation) => at.resolution(h, c) + c.csat!.delay,
};
const businessValue = (m: { value: number; business: number | null }) => (m.business === null ? null : Math.floor((m.value * m.business) / 100));

/** Records a history into fresh number objects, as the object records each event. */
async function record(h: History): Promise<string[]> {
  const ids = Array.from({ length: h.numbers }, () => unique("rollup-"));
  for (const [n, id] of ids.entries()) {
    await runInDurableObject(env.NUMBER_INBOX.getByName(id), (_, state) => {
      const sql = state.storage.sql;
      const contacts = new Map<number, number>();
      const contact = (slot: number) => {
        let row = contacts.get(slot);
        if (row === undefined) {
          row = sql.exec<{ id: number }>("INSERT INTO contacts (wa_key, wa_id, name, first_seen_at, last_seen_at) VALUES (?, ?, ?, 0, 0) RETURNING id", `k${slot}`, `86${slot}`, `Customer ${slot}`).one().id;
          contacts.set(slot, row);
        }
        return row;
      };
      state.storage.transactionSync(() => {
        for (const t of h.tagged.filter((t) => t.number % h.numbers === n)) {
          sql.exec("INSERT OR IGNORE INTO contact_tags (contact_id, tag_id, added_by, added_at) VALUES (?, ?, NULL, 0)", contact(t.contact), t.tag);
        }
        for (const c of h.conversations.filter((c) => c.number % h.numbers === n) as Conversation[]) {
          const agent = AGENTS[c.agent]!;
          const created = at.created(h, c);
          c.id = sql
            .exec<{ id: number }>("INSERT INTO conversations (contact_id, status, assignee_id, created_at, last_message_at) VALUES (?, 'resolved', ?, ?, ?) RETURNING id", contact(c.contact), agent, created, created)
            .one().id;
          // Counted as Conversations' own statements count a new one, for the reports by language and by tag.
          countConversation(sql, null, created);
          countTaggedConversation(sql, sql.exec<{ tag_id: string }>("SELECT tag_id FROM contact_tags WHERE contact_id = ?", contact(c.contact)).toArray().map((t) => t.tag_id), created);
          countEvent(sql, "conversations_new", null, created);
          countEvent(sql, `assigned:${c.reason}`, agent, created);
          for (let i = 0; i < c.messagesIn; i++) countEvent(sql, "messages_in", null, created);
          if (c.firstResponse) {
            countEvent(sql, "messages_out", agent, at.firstResponse(h, c));
            sampleEvent(sql, "first_response", agent, c.id, c.firstResponse.value, businessValue(c.firstResponse), at.firstResponse(h, c));
          }
          if (c.resolution) {
            countEvent(sql, "conversations_resolved", agent, at.resolution(h, c));
            sampleEvent(sql, "resolution", agent, c.id, c.resolution.value, businessValue(c.resolution), at.resolution(h, c));
            if (c.csat) sampleEvent(sql, "csat", c.csat.nobody ? null : agent, c.id, c.csat.stars, null, at.csat(h, c));
          }
        }
      });
    });
  }
  return ids;
}

const close = (estimate: number | null, exact: number | null) => (estimate === null || exact === null ? estimate === exact : Math.abs(estimate - exact) <= ALPHA * exact + 1e-6);

function expectTiming(where: string, estimate: Timing, values: number[]) {
  const exact = timing(values);
  expect(estimate.count, `${where}: count`).toBe(exact.count);
  expect(close(estimate.medianMs, exact.medianMs), `${where}: median ${estimate.medianMs} vs exact ${exact.medianMs}`).toBe(true);
  expect(close(estimate.p90Ms, exact.p90Ms), `${where}: p90 ${estimate.p90Ms} vs exact ${exact.p90Ms}`).toBe(true);
}

function expectCsat(where: string, estimate: Report["csat"], stars: number[]) {
  const exact = csatFigures(stars);
  expect([estimate.responses, estimate.satisfiedShare], where).toEqual([exact.responses, exact.satisfiedShare]);
  expect(close(estimate.average, exact.average), `${where}: average`).toBe(true);
}

/** Every figure of the report, recomputed from the history's raw events. */
function expectExact(h: History, report: Report, from: number, to: number, starts: number[], businessHours: boolean) {
  const conversations = h.conversations as Conversation[];
  const numberOf = (c: Conversation) => c.number % h.numbers;
  // Counts are kept by hour: an event counts when its hour starts in [from's hour, to's hour rounded up).
  const counted = (t: number) => Math.floor(t / HOUR) >= Math.floor(from / HOUR) && Math.floor(t / HOUR) < Math.ceil(to / HOUR);
  const sampled = (t: number) => t >= from && t < to;
  const bucketOf = (t: number) => bucketIndex(starts, Math.floor(t / HOUR) * HOUR);

  const newSeries = starts.map(() => 0);
  for (const c of conversations) if (counted(at.created(h, c))) newSeries[bucketOf(at.created(h, c))]! += 1;
  expect(report.series.conversations_new, "series of new conversations").toEqual(newSeries);
  expect(report.totals.messages_in).toBe(conversations.filter((c) => counted(at.created(h, c))).reduce((sum, c) => sum + c.messagesIn, 0));
  expect(report.totals.conversations_resolved).toBe(conversations.filter((c) => c.resolution && counted(at.resolution(h, c))).length);

  // The raw samples of the range, with who and where.
  const value = (m: { value: number; business: number | null }) => (businessHours ? (businessValue(m) ?? m.value) : m.value);
  const samples = conversations.flatMap((c) => [
    ...(c.firstResponse && sampled(at.firstResponse(h, c))) ? [{ c, metric: "first_response" as const, agent: AGENTS[c.agent]!, value: value(c.firstResponse) }] : [],
    ...(c.resolution && sampled(at.resolution(h, c))) ? [{ c, metric: "resolution" as const, agent: AGENTS[c.agent]!, value: value(c.resolution) }] : [],
    ...(c.resolution && c.csat && sampled(at.csat(h, c))) ? [{ c, metric: "csat" as const, agent: c.csat.nobody ? "" : AGENTS[c.agent]!, value: c.csat.stars }] : [],
  ]);
  const of = (metric: string, keep: (s: (typeof samples)[number]) => boolean) => samples.filter((s) => s.metric === metric && keep(s)).map((s) => s.value);
  const figures = (where: string, row: { firstResponse: Timing; resolution: Timing; csat: Report["csat"] }, keep: (s: (typeof samples)[number]) => boolean) => {
    expectTiming(`${where} first response`, row.firstResponse, of("first_response", keep));
    expectTiming(`${where} resolution`, row.resolution, of("resolution", keep));
    expectCsat(`${where} csat`, row.csat, of("csat", keep));
  };
  figures("overall", report, () => true);

  for (const agent of report.agents) {
    figures(`agent ${agent.id}`, agent, (s) => s.agent === agent.id);
    const mine = conversations.filter((c) => AGENTS[c.agent] === agent.id);
    expect(agent.resolved, `agent ${agent.id} resolved`).toBe(mine.filter((c) => c.resolution && counted(at.resolution(h, c))).length);
    expect(agent.messagesOut, `agent ${agent.id} replies`).toBe(mine.filter((c) => c.firstResponse && counted(at.firstResponse(h, c))).length);
    const assignments: Record<string, number> = {};
    for (const c of mine) if (counted(at.created(h, c))) assignments[c.reason] = (assignments[c.reason] ?? 0) + 1;
    expect(agent.assignments, `agent ${agent.id} assignments`).toEqual(assignments);
  }

  for (const team of report.teams) {
    const members = new Set(h.teams[Number(team.id.slice(5))]!);
    figures(`team ${team.id}`, team, (s) => members.has(s.agent));
    const theirs = conversations.filter((c) => members.has(AGENTS[c.agent]!));
    expect(team.assigned, `team ${team.id} assigned`).toBe(theirs.filter((c) => c.reason !== "transfer" && counted(at.created(h, c))).length);
    expect(team.resolved, `team ${team.id} resolved`).toBe(theirs.filter((c) => c.resolution && counted(at.resolution(h, c))).length);
  }

  for (const [n, row] of report.numbers.entries()) {
    figures(`number ${n}`, row, (s) => numberOf(s.c) === n);
    expect(row.totals.conversations_new, `number ${n} new`).toBe(conversations.filter((c) => numberOf(c) === n && counted(at.created(h, c))).length);
  }

  // Tags: the customers' tags now, whenever they were added.
  const carries = (c: Conversation, tag: string) => h.tagged.some((t) => t.tag === tag && t.number % h.numbers === numberOf(c) && t.contact === c.contact);
  const expectedTags = TAGS.map((tag) => {
    const theirs = conversations.filter((c) => carries(c, tag));
    return {
      id: tag,
      conversations: theirs.filter((c) => sampled(at.created(h, c))).length,
      resolved: theirs.filter((c) => c.resolution && sampled(at.resolution(h, c))).length,
      firstResponses: of("first_response", (s) => carries(s.c, tag)),
    };
  }).filter((t) => t.conversations > 0 || t.resolved > 0);
  expect(report.tags.map((t) => [t.id, t.conversations, t.resolved]), "tags").toEqual(expectedTags.map((t) => [t.id, t.conversations, t.resolved]));
  for (const [i, t] of expectedTags.entries()) expectTiming(`tag ${t.id} first response`, report.tags[i]!.firstResponse, t.firstResponses);

  // Worth a look: the ten slowest first responses of the range, in all hours.
  const slowest = conversations.filter((c) => c.firstResponse && sampled(at.firstResponse(h, c))).map((c) => c.firstResponse!.value).sort((a, b) => b - a).slice(0, 10);
  expect(report.notable.filter((n) => n.firstResponseMs !== null).map((n) => n.firstResponseMs)).toEqual(slowest);
}

async function shares(ids: string[], from: number, to: number, starts: number[], businessHours: boolean): Promise<NumberReportData[]> {
  return Promise.all(ids.map((id) => runInDurableObject(env.NUMBER_INBOX.getByName(id), (_, state) => reportData(state.storage.sql, id, from, to, starts, businessHours))));
}

describe("reports from rollups, against the exact figures", () => {
  it("totals, series and every table (agents, teams, numbers, tags) over random ranges", async () => {
    await fc.assert(
      fc.asyncProperty(history, async (h) => {
        const ids = await record(h);
        const context: ReportContext = {
          timeZone: TIME_ZONE,
          people: AGENTS.map((id) => ({ id, name: id })),
          teams: h.teams.map((memberIds, i) => ({ id: `team-${i}`, name: `Team ${i}`, memberIds })),
          numbers: ids.map((phoneNumberId) => ({ phoneNumberId, displayName: phoneNumberId })),
          tags: TAGS.map((id) => ({ id, name: id })),
        };
        for (const range of h.ranges) {
          const from = h.start + range.from;
          const to = from + range.length;
          const starts = bucketStarts(from, to, "day", TIME_ZONE);
          const parts = await shares(ids, from, to, starts, range.businessHours);
          const report = mergeReport(context, { from, to, bucket: "day", businessHours: range.businessHours ? "true" : "false" }, starts, parts);
          expectExact(h, report, from, to, starts, range.businessHours);
        }
      }),
      { numRuns: 25, endOnFailure: true },
    );
  });

  it("a tag's figures are the same whether walked from the range's conversations or from the tagged customers", async () => {
    await fc.assert(
      fc.asyncProperty(history, async (h) => {
        const ids = await record(h);
        for (const range of h.ranges) {
          const from = h.start + range.from;
          const to = from + range.length;
          for (const id of ids) {
            await runInDurableObject(env.NUMBER_INBOX.getByName(id), (_, state) => {
              const sql = state.storage.sql;
              expect(tagsOf(sql, from, to, range.businessHours, 0, "range")).toEqual(tagsOf(sql, from, to, range.businessHours, 0, "customers"));
            });
          }
        }
      }),
      { numRuns: 15, endOnFailure: true },
    );
  });
});

/** A log of presence changes: each agent's states in time order (repeats are dropped by the log itself). */
const presenceLog = fc.array(fc.record({ agent: fc.nat(2), state: fc.constantFrom<PresenceState>("available", "away", "offline"), gap: fc.integer({ min: 0, max: 6 * HOUR }) }), { maxLength: 80, size: "max" });

describe("presence from running totals", () => {
  it("time in each state over any range equals replaying the changes", async () => {
    await fc.assert(
      fc.asyncProperty(presenceLog, fc.array(fc.tuple(fc.integer({ min: -DAY, max: 30 * DAY }), fc.integer({ min: 0, max: 30 * DAY })), { minLength: 1, maxLength: 4 }), async (log, ranges) => {
        const start = Date.UTC(2026, 5, 1);
        let t = start;
        const changes = log.map((c) => ({ agent: `agent-${c.agent}`, state: c.state, at: (t += c.gap) }));
        await runInDurableObject(env.NUMBER_INBOX.getByName(unique("presence-")), (_, state) => {
          const sql = state.storage.sql;
          for (const c of changes) logPresence(sql, c.agent, c.state, c.at);
          for (const [offset, length] of ranges) {
            const from = start + offset;
            const to = from + length;
            const expected: Record<string, Record<PresenceState, number>> = {};
            for (const agent of new Set(changes.map((c) => c.agent))) {
              const totals = { available: 0, away: 0, offline: 0 };
              let current: PresenceState | null = null;
              let since = -Infinity;
              // Replayed minute by minute of the log: each state holds from its change until the next one.
              for (const c of changes.filter((x) => x.agent === agent)) {
                if (current !== null && c.state === current) continue;
                if (current !== null) totals[current] += Math.max(0, Math.min(c.at, to) - Math.max(since, from));
                current = c.state;
                since = c.at;
              }
              if (current !== null) totals[current] += Math.max(0, to - Math.max(since, from));
              expected[agent] = totals;
            }
            expect(presenceDurations(sql, from, to)).toEqual(expected);
          }
        });
      }),
      { numRuns: 60, endOnFailure: true },
    );
  });
});

/** The last migration: 13 derives the analytics, and the ones after it run over the same store. */
const MIGRATION_13 = numberInboxMigrations.find((m) => m.idMonotonicInc === 13)!;

describe("migration 13 on stored data", () => {
  it("the rollups, sketches and running totals it backfills equal those kept event by event", async () => {
    await fc.assert(
      fc.asyncProperty(history, presenceLog, async (h, log) => {
        const single = { ...h, numbers: 1 };
        const [live] = await record(single);
        let t = single.start;
        const presence = log.map((c) => ({ agent: AGENTS[c.agent]!, state: c.state, at: (t += c.gap) }));
        await runInDurableObject(env.NUMBER_INBOX.getByName(live!), (_, state) => {
          for (const c of presence) logPresence(state.storage.sql, c.agent, c.state, c.at);
        });
        const kept = await runInDurableObject(env.NUMBER_INBOX.getByName(live!), (_, state) => derived(state.storage.sql));

        // The same events as release 12 stored them: hourly rollups, samples without bins, the bare presence log.
        const old = unique("rollup-old-");
        const backfilled = await runInDurableObject(env.NUMBER_INBOX.getByName(old), async (_, state) => {
          const sql = state.storage.sql;
          dropAnalytics(sql);
          writeAsRelease12(sql, single, presence);
          // Migration 13 itself, as the runner applies it; the later ones touch other tables, which are already current.
          sql.exec(MIGRATION_13.sql!);
          return derived(sql);
        });
        expect(backfilled).toEqual(kept);
      }),
      { numRuns: 10, endOnFailure: true },
    );
  });
});

/** Everything migration 13 derives, in a comparable order. */
function derived(sql: SqlStorage) {
  const all = (query: string) => [...sql.exec(query).raw()];
  return {
    rollupDays: all("SELECT * FROM rollup_days ORDER BY metric, agent_id, day"),
    rollupBlocks: all("SELECT * FROM rollup_blocks ORDER BY metric, agent_id, block"),
    sketchDays: all("SELECT * FROM sketch_days ORDER BY metric, day, agent_id, bin"),
    sketchBlocks: all("SELECT * FROM sketch_blocks ORDER BY metric, agent_id, bin, block"),
    samples: all("SELECT at, metric, agent_id, conversation_id, value, business_value, bin, business_bin FROM samples ORDER BY id"),
    presence: all("SELECT agent_id, state, at, available_ms, away_ms, offline_ms FROM presence_log ORDER BY id"),
  };
}

/** Back to the analytics tables of migration 12 (the other tables are the same in both releases). */
function dropAnalytics(sql: SqlStorage) {
  for (const table of ["rollup_days", "rollup_blocks", "sketch_days", "sketch_blocks", "samples", "presence_log"]) sql.exec(`DROP TABLE ${table}`);
  sql.exec(`
    CREATE TABLE rollups (hour INTEGER NOT NULL, metric TEXT NOT NULL, agent_id TEXT NOT NULL DEFAULT '', count INTEGER NOT NULL, PRIMARY KEY (hour, metric, agent_id));
    CREATE TABLE samples (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, metric TEXT NOT NULL, agent_id TEXT NOT NULL DEFAULT '', conversation_id INTEGER NOT NULL, value INTEGER NOT NULL, business_value INTEGER);
    CREATE INDEX samples_by_time ON samples (at);
    CREATE INDEX samples_by_metric ON samples (metric, at);
    CREATE TABLE presence_log (id INTEGER PRIMARY KEY, agent_id TEXT NOT NULL, state TEXT NOT NULL, at INTEGER NOT NULL);
    CREATE INDEX presence_by_agent ON presence_log (agent_id, at);
    CREATE INDEX rollups_by_agent ON rollups (metric, agent_id, hour, count);
    CREATE INDEX presence_by_time ON presence_log (at);
  `);
}

/** The history's events as release 12's analytics wrote them. */
function writeAsRelease12(sql: SqlStorage, h: History, presence: { agent: string; state: PresenceState; at: number }[]) {
  const count = (metric: string, agent: string | null, t: number) =>
    sql.exec(
      "INSERT INTO rollups (hour, metric, agent_id, count) VALUES (?, ?, ?, 1) ON CONFLICT (hour, metric, agent_id) DO UPDATE SET count = count + 1",
      Math.floor(t / HOUR),
      metric,
      agent ?? "",
    );
  const sample = (metric: string, agent: string | null, id: number, v: number, business: number | null, t: number) =>
    sql.exec("INSERT INTO samples (at, metric, agent_id, conversation_id, value, business_value) VALUES (?, ?, ?, ?, ?, ?)", t, metric, agent ?? "", id, v, business);
  for (const c of h.conversations as Conversation[]) {
    const agent = AGENTS[c.agent]!;
    count("conversations_new", null, at.created(h, c));
    count(`assigned:${c.reason}`, agent, at.created(h, c));
    for (let i = 0; i < c.messagesIn; i++) count("messages_in", null, at.created(h, c));
    if (c.firstResponse) {
      count("messages_out", agent, at.firstResponse(h, c));
      sample("first_response", agent, c.id!, c.firstResponse.value, businessValue(c.firstResponse), at.firstResponse(h, c));
    }
    if (c.resolution) {
      count("conversations_resolved", agent, at.resolution(h, c));
      sample("resolution", agent, c.id!, c.resolution.value, businessValue(c.resolution), at.resolution(h, c));
      if (c.csat) sample("csat", c.csat.nobody ? null : agent, c.id!, c.csat.stars, null, at.csat(h, c));
    }
  }
  const last = new Map<string, string>();
  for (const p of presence) {
    if (last.get(p.agent) === p.state) continue;
    last.set(p.agent, p.state);
    sql.exec("INSERT INTO presence_log (agent_id, state, at) VALUES (?, ?, ?)", p.agent, p.state, p.at);
  }
}
