import { sampleMetrics, type BoardFigures, type CountMetric, type NumberReportData, type SampleMetric } from "../../shared/analytics";

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
  const agents = [...sql.exec("SELECT DISTINCT agent_id FROM presence_log").raw()].map((r) => r[0] as string);
  const changes = [...sql.exec("SELECT agent_id, state, at FROM presence_log WHERE at > ? AND at < ? ORDER BY agent_id, at, id", from, to).raw()];
  let next = 0;
  for (const agentId of agents.sort()) {
    const before = [...sql.exec("SELECT state FROM presence_log WHERE agent_id = ? AND at <= ? ORDER BY at DESC, id DESC LIMIT 1", agentId, from).raw()][0];
    const totals = { available: 0, away: 0, offline: 0 };
    let state = (before?.[0] as PresenceState | undefined) ?? null;
    let since = from;
    // The changes are sorted by agent: this agent's are the run starting at `next`.
    while (next < changes.length && (changes[next]![0] as string) < agentId) next++;
    for (; next < changes.length && changes[next]![0] === agentId; next++) {
      const at = changes[next]![2] as number;
      if (state) totals[state] += at - since;
      state = changes[next]![1] as PresenceState;
      since = at;
    }
    if (state) totals[state] += to - since;
    out[agentId] = totals;
  }
  return out;
}

/** A report's share from this number: counts bucketed here (so only buckets cross the wire), samples as they are. */
export function reportData(sql: SqlStorage, phoneNumberId: string, from: number, to: number, starts: number[]): NumberReportData {
  // Summed inside SQLite: per bucket for the series, per agent for the tables; an hour belongs to the bucket its
  // start falls in. Only the sums cross to the worker.
  const fromHour = Math.floor(from / HOUR_MS);
  const toHour = Math.ceil(to / HOUR_MS);
  const bounds = starts.map((start, i) => [i === 0 ? fromHour : Math.ceil(start / HOUR_MS), i + 1 < starts.length ? Math.ceil(starts[i + 1]! / HOUR_MS) : toHour]);
  const series = [
    ...sql
      .exec(
        `WITH b AS (SELECT CAST(key AS INTEGER) AS i, json_extract(value, '$[0]') AS lo, json_extract(value, '$[1]') AS hi FROM json_each(?))
         SELECT b.i, r.metric, SUM(r.count) FROM b JOIN rollups r ON r.hour >= b.lo AND r.hour < b.hi GROUP BY b.i, r.metric`,
        JSON.stringify(bounds),
      )
      .raw(),
  ] as NumberReportData["series"];
  const agentTotals = [
    ...sql.exec("SELECT metric, agent_id, SUM(count) FROM rollups WHERE hour >= ? AND hour < ? AND agent_id != '' GROUP BY metric, agent_id", fromHour, toHour).raw(),
  ] as NumberReportData["agentTotals"];
  const rows = [...sql.exec("SELECT metric, agent_id, conversation_id, value, business_value FROM samples WHERE at >= ? AND at < ?", from, to).raw()];
  const agentIndex = new Map<string, number>();
  const samples: NumberReportData["samples"] = {
    agents: [],
    metric: new Uint8Array(rows.length),
    agent: new Uint16Array(rows.length),
    conversation: new Float64Array(rows.length),
    value: new Float64Array(rows.length),
    business: new Float64Array(rows.length),
  };
  rows.forEach(([metric, agentId, conversationId, value, business], i) => {
    let index = agentIndex.get(agentId as string);
    if (index === undefined) {
      index = samples.agents.push(agentId as string) - 1;
      agentIndex.set(agentId as string, index);
    }
    samples.metric[i] = sampleMetrics.indexOf(metric as SampleMetric);
    samples.agent[i] = index;
    samples.conversation[i] = conversationId as number;
    samples.value[i] = value as number;
    samples.business[i] = business === null ? Number.NaN : (business as number);
  });
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
  const presence = presenceDurations(sql, from, to);
  return {
    phoneNumberId,
    presence,
    series,
    agentTotals,
    samples,
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
