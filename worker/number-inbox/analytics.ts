import type { BoardFigures, CountMetric, NumberReportData, SampleMetric } from "../../shared/analytics";
import { bucketIndex } from "../../shared/report-buckets";

/**
 * What a number object records for analytics, always inside the step that handles the event: hourly counts per
 * agent, one sample per conversation for times and ratings, and each agent's presence changes. Reads answer the
 * live board and reports. Plain functions over the object's SQLite.
 */

const HOUR_MS = 3600_000;
export type PresenceState = "available" | "away" | "offline";

export function countEvent(sql: SqlStorage, metric: CountMetric | `assigned:${string}`, agentId: string | null, at: number): void {
  sql.exec(
    `INSERT INTO rollups (hour, metric, agent_id, count) VALUES (?, ?, ?, 1)
     ON CONFLICT (hour, metric, agent_id) DO UPDATE SET count = count + 1`,
    Math.floor(at / HOUR_MS),
    metric,
    agentId ?? "",
  );
}

export function sampleEvent(sql: SqlStorage, metric: SampleMetric, agentId: string | null, conversationId: number, value: number, businessValue: number | null, at: number): void {
  sql.exec(
    "INSERT INTO samples (at, metric, agent_id, conversation_id, value, business_value) VALUES (?, ?, ?, ?, ?, ?)",
    at,
    metric,
    agentId ?? "",
    conversationId,
    value,
    businessValue,
  );
}

/** Appends a presence change; repeated states are not stored, so the log holds transitions only. */
export function logPresence(sql: SqlStorage, agentId: string, state: PresenceState, at: number): void {
  const last = sql.exec<{ state: string }>("SELECT state FROM presence_log WHERE agent_id = ? ORDER BY id DESC LIMIT 1", agentId).toArray()[0];
  if (last?.state === state) return;
  sql.exec("INSERT INTO presence_log (agent_id, state, at) VALUES (?, ?, ?)", agentId, state, at);
}

/** Time spent in each state within [from, to), replaying the log from the state in force at `from`. */
export function presenceDurations(sql: SqlStorage, from: number, to: number): NumberReportData["presence"] {
  const out: NumberReportData["presence"] = {};
  const agents = sql.exec<{ agent_id: string }>("SELECT DISTINCT agent_id FROM presence_log").toArray();
  for (const { agent_id } of agents) {
    const before = sql
      .exec<{ state: PresenceState }>("SELECT state FROM presence_log WHERE agent_id = ? AND at <= ? ORDER BY at DESC, id DESC LIMIT 1", agent_id, from)
      .toArray()[0];
    const changes = sql
      .exec<{ state: PresenceState; at: number }>("SELECT state, at FROM presence_log WHERE agent_id = ? AND at > ? AND at < ? ORDER BY at, id", agent_id, from, to)
      .toArray();
    const totals = { available: 0, away: 0, offline: 0 };
    let state: PresenceState | null = before?.state ?? null;
    let since = from;
    for (const change of changes) {
      if (state) totals[state] += change.at - since;
      state = change.state;
      since = change.at;
    }
    if (state) totals[state] += to - since;
    out[agent_id] = totals;
  }
  return out;
}

/** A report's share from this number: counts bucketed here (so only buckets cross the wire), samples as they are. */
export function reportData(sql: SqlStorage, phoneNumberId: string, from: number, to: number, starts: number[]): NumberReportData {
  const counts = new Map<string, [number, string, string, number]>();
  const rows = sql
    .exec<{ hour: number; metric: string; agent_id: string; count: number }>(
      "SELECT hour, metric, agent_id, count FROM rollups WHERE hour >= ? AND hour < ?",
      Math.floor(from / HOUR_MS),
      Math.ceil(to / HOUR_MS),
    )
    .toArray();
  for (const r of rows) {
    const index = bucketIndex(starts, r.hour * HOUR_MS);
    if (index < 0) continue;
    const key = `${index}|${r.metric}|${r.agent_id}`;
    const entry = counts.get(key);
    if (entry) entry[3] += r.count;
    else counts.set(key, [index, r.metric, r.agent_id, r.count]);
  }
  const samples = sql
    .exec<{ metric: SampleMetric; agent_id: string; conversation_id: number; value: number; business_value: number | null }>(
      "SELECT metric, agent_id, conversation_id, value, business_value FROM samples WHERE at >= ? AND at < ?",
      from,
      to,
    )
    .toArray()
    .map((s): NumberReportData["samples"][number] => [s.metric, s.agent_id, s.conversation_id, s.value, s.business_value]);
  const tags: NumberReportData["tags"] = {};
  const tagged = sql
    .exec<{ tag_id: string; id: number; created_at: number; resolved_at: number | null; status: string }>(
      `SELECT t.tag_id, c.id, c.created_at, c.resolved_at, c.status FROM conversations c JOIN contact_tags t ON t.contact_id = c.contact_id
       WHERE (c.created_at >= ? AND c.created_at < ?) OR (c.resolved_at >= ? AND c.resolved_at < ?)`,
      from,
      to,
      from,
      to,
    )
    .toArray();
  for (const row of tagged) {
    const tag = (tags[row.tag_id] ??= { conversations: 0, resolved: 0, conversationIds: [] });
    if (row.created_at >= from && row.created_at < to) {
      tag.conversations++;
      tag.conversationIds.push(row.id);
    }
    if (row.status === "resolved" && row.resolved_at !== null && row.resolved_at >= from && row.resolved_at < to) tag.resolved++;
  }
  const notable = sql
    .exec<{ conversation_id: number; metric: string; agent_id: string; value: number; name: string | null; wa_id: string | null }>(
      `SELECT * FROM (
         SELECT s.conversation_id, s.metric, s.agent_id, s.value FROM samples s WHERE s.metric = 'first_response' AND s.at >= ? AND s.at < ? ORDER BY s.value DESC LIMIT 10
       ) UNION ALL SELECT * FROM (
         SELECT s.conversation_id, s.metric, s.agent_id, s.value FROM samples s WHERE s.metric = 'csat' AND s.value <= 3 AND s.at >= ? AND s.at < ? ORDER BY s.value, s.at DESC LIMIT 10
       )`,
      from,
      to,
      from,
      to,
    )
    .toArray();
  const names = new Map(
    sql
      .exec<{ id: number; name: string | null; wa_id: string | null }>(
        "SELECT c.id, k.name, k.wa_id FROM conversations c JOIN contacts k ON k.id = c.contact_id WHERE c.id IN (SELECT value FROM json_each(?))",
        JSON.stringify([...new Set(notable.map((n) => n.conversation_id))]),
      )
      .toArray()
      .map((r) => [r.id, r.name ?? (r.wa_id ? `+${r.wa_id}` : "customer")]),
  );
  return {
    phoneNumberId,
    counts: [...counts.values()],
    samples,
    presence: presenceDurations(sql, from, to),
    tags,
    notable: notable.map((n) => ({
      conversationId: String(n.conversation_id),
      contactName: names.get(n.conversation_id) ?? "customer",
      agentId: n.agent_id || null,
      firstResponseMs: n.metric === "first_response" ? n.value : null,
      csatStars: n.metric === "csat" ? n.value : null,
    })),
  };
}

/** The live figures of a set of agents (the number's members, or a team's) and the conversations they cover. */
export function boardFigures(
  sql: SqlStorage,
  options: { agentIds: string[] | null; teamId: string | null; todayStart: number; routableState: (agentId: string) => PresenceState },
): BoardFigures {
  const agents = options.agentIds ? JSON.stringify(options.agentIds) : null;
  const scope = agents ? "(c.assignee_id IN (SELECT value FROM json_each(?)) OR (c.assignee_id IS NULL AND c.team_id IS ?))" : "1 = 1";
  const args = agents ? [agents, options.teamId] : [];
  const open = sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM conversations c WHERE c.status = 'open' AND ${scope}`, ...args).one().n;
  const waiting = sql
    .exec<{ n: number; since: number | null }>(
      `SELECT COUNT(*) AS n, MIN(c.queued_at) AS since FROM conversations c WHERE c.status = 'open' AND c.assignee_id IS NULL AND ${agents ? "c.team_id IS ?" : "1 = 1"}`,
      ...(agents ? [options.teamId] : []),
    )
    .one();
  const members = sql
    .exec<{ id: string; load: number; capacity: number | null }>(
      `SELECT id, load, capacity FROM members ${agents ? "WHERE id IN (SELECT value FROM json_each(?))" : ""}`,
      ...(agents ? [agents] : []),
    )
    .toArray();
  const byState = { available: 0, away: 0, offline: 0 };
  for (const m of members) byState[options.routableState(m.id)]++;
  const hour = Math.floor(options.todayStart / HOUR_MS);
  const agentFilter = agents ? "AND agent_id IN (SELECT value FROM json_each(?))" : "";
  const countSince = (metric: string) =>
    sql.exec<{ n: number | null }>(`SELECT SUM(count) AS n FROM rollups WHERE hour >= ? AND metric = ? ${agentFilter}`, hour, metric, ...(agents ? [agents] : [])).one().n ?? 0;
  const samples = (metric: SampleMetric) =>
    sql
      .exec<{ value: number }>(`SELECT value FROM samples WHERE at >= ? AND metric = ? ${agentFilter}`, options.todayStart, metric, ...(agents ? [agents] : []))
      .toArray()
      .map((r) => r.value);
  // A team's "new" are the conversations its members took today; the number's are those customers started.
  const taken = agents
    ? sql
        .exec<{ n: number | null }>(
          `SELECT SUM(count) AS n FROM rollups WHERE hour >= ? AND metric IN ('assigned:round_robin', 'assigned:sticky', 'assigned:queue', 'assigned:team', 'assigned:claimed') ${agentFilter}`,
          hour,
          agents,
        )
        .one().n ?? 0
    : countSince("conversations_new");
  return {
    open,
    waiting: waiting.n,
    longestWaitingSince: waiting.since,
    agents: byState,
    load: members.reduce((sum, m) => sum + m.load, 0),
    capacity: members.some((m) => m.capacity === null) ? null : members.reduce((sum, m) => sum + (m.capacity ?? 0), 0),
    today: { new: taken, resolved: countSince("conversations_resolved"), firstResponsesMs: samples("first_response"), csatStars: samples("csat") },
  };
}
