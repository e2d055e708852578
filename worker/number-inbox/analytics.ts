import { countMetrics, sampleMetrics, type BoardFigures, type CountMetric, type NumberReportData, type SampleMetric, type SketchData } from "../../shared/analytics";
import { binOf, mergeBins, sketchData, type Bins } from "../analytics/sketch";
import { countTime, languagesOf } from "./language-report";
import { countTaggedTime, tagsOf } from "./tag-report";
import { BLOCK_DAYS, DAY_MS, HOUR_COLUMNS, HOUR_MS, daysAndBlocks, hoursSum, splitRange } from "../analytics/time-cells";

/**
 * What a number object records for analytics, always inside the step that handles the event, and how reports read
 * it. Every write is a few one-row upserts; every read is bounded by the cells a range covers, not by the traffic
 * in it (see worker/analytics/time-cells.ts):
 * - rollup_days: counts per metric per UTC day, one column per hour, in the number's row ('*') and, for an agent's
 *   events, the agent's row; rollup_blocks: an agent's counts per 32-day block.
 * - samples: one row per conversation per time or rating (kept for the live board, notable conversations, tags and
 *   rebuilding), with its sketch bin; sketch_days and sketch_blocks: per agent and metric, a mergeable histogram
 *   (worker/analytics/sketch.ts) of those values, in all hours and in business hours.
 * - presence_log: each agent's state changes, each with the time spent in every state so far.
 * Plain functions over the object's SQLite.
 */

export type PresenceState = "available" | "away" | "offline";

/** The number's own row in rollup_days: every event, whoever's it was. */
const NUMBER_ROW = "*";

export type CountEntry = [metric: CountMetric | `assigned:${string}`, agentId: string | null, at: number];

export function countEvent(sql: SqlStorage, metric: CountMetric | `assigned:${string}`, agentId: string | null, at: number): void {
  countEvents(sql, [[metric, agentId, at]]);
}

/** Many events at once: those falling in the same cell become one upsert that adds their number. */
export function countEvents(sql: SqlStorage, entries: CountEntry[]): void {
  const days = new Map<string, { metric: string; agentId: string; day: number; column: string; n: number }>();
  const blocks = new Map<string, { metric: string; agentId: string; block: number; n: number }>();
  for (const [metric, agentId, at] of entries) {
    const hour = Math.floor(at / HOUR_MS);
    const day = Math.floor(hour / 24);
    const column = HOUR_COLUMNS[hour - day * 24]!;
    const addDay = (row: string) => {
      const key = `${metric}\u0000${row}\u0000${day}\u0000${column}`;
      const cell = days.get(key);
      if (cell) cell.n++;
      else days.set(key, { metric, agentId: row, day, column, n: 1 });
    };
    // Assignments are read per agent only; every other count also makes the number's series.
    if (!metric.startsWith("assigned:")) addDay(NUMBER_ROW);
    if (!agentId) continue;
    addDay(agentId);
    const block = Math.floor(day / BLOCK_DAYS);
    const key = `${metric}\u0000${agentId}\u0000${block}`;
    const cell = blocks.get(key);
    if (cell) cell.n++;
    else blocks.set(key, { metric, agentId, block, n: 1 });
  }
  for (const { metric, agentId, day, column, n } of days.values()) {
    sql.exec(
      `INSERT INTO rollup_days (metric, agent_id, day, total, ${column}) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (metric, agent_id, day) DO UPDATE SET total = total + excluded.total, ${column} = ${column} + excluded.${column}`,
      metric,
      agentId,
      day,
      n,
      n,
    );
  }
  for (const { metric, agentId, block, n } of blocks.values()) {
    sql.exec(
      "INSERT INTO rollup_blocks (metric, agent_id, block, count) VALUES (?, ?, ?, ?) ON CONFLICT (metric, agent_id, block) DO UPDATE SET count = count + excluded.count",
      metric,
      agentId,
      block,
      n,
    );
  }
}

export function sampleEvent(sql: SqlStorage, metric: SampleMetric, agentId: string | null, conversationId: number, value: number, businessValue: number | null, at: number): void {
  const agent = agentId ?? "";
  // In business hours a time not measured that way counts as it is; ratings have no business-hours value.
  const business = metric === "csat" ? null : (businessValue ?? value);
  const bin = binOf(value);
  const businessBin = business === null ? null : binOf(business);
  // With its conversation's language (the customer's), kept true after by triggers (schema.ts 22), and the tags that
  // customer carries now, for the report per tag (tag-report.ts).
  const of = sql
    .exec<{ language: string | null; tags: string | null }>(
      "SELECT language, (SELECT json_group_array(tag_id) FROM contact_tags t WHERE t.contact_id = c.contact_id) AS tags FROM conversations c WHERE id = ?",
      conversationId,
    )
    .toArray()[0];
  const language = of?.language ?? null;
  sql.exec(
    "INSERT INTO samples (at, metric, agent_id, conversation_id, language, value, business_value, bin, business_bin) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    at,
    metric,
    agent,
    conversationId,
    language,
    value,
    businessValue,
    bin,
    businessBin,
  );
  addToSketches(sql, metric, agent, at, bin, value);
  if (business !== null) addToSketches(sql, `${metric}:business`, agent, at, businessBin!, business);
  if (metric === "csat") return;
  countTime(sql, metric, language, at, { bin, value }, { bin: businessBin!, value: business! });
  if (of?.tags && of.tags !== "[]") countTaggedTime(sql, JSON.parse(of.tags) as string[], metric, at, { bin, value }, { bin: businessBin!, value: business! });
}

function addToSketches(sql: SqlStorage, metric: string, agent: string, at: number, bin: number, value: number): void {
  const day = Math.floor(at / DAY_MS);
  sql.exec(
    `INSERT INTO sketch_days (metric, day, agent_id, bin, count, lo, hi) VALUES (?, ?, ?, ?, 1, ?, ?)
     ON CONFLICT (metric, day, agent_id, bin) DO UPDATE SET count = count + 1, lo = MIN(lo, excluded.lo), hi = MAX(hi, excluded.hi)`,
    metric,
    day,
    agent,
    bin,
    value,
    value,
  );
  sql.exec(
    `INSERT INTO sketch_blocks (metric, agent_id, bin, block, count, lo, hi) VALUES (?, ?, ?, ?, 1, ?, ?)
     ON CONFLICT (metric, agent_id, bin, block) DO UPDATE SET count = count + 1, lo = MIN(lo, excluded.lo), hi = MAX(hi, excluded.hi)`,
    metric,
    agent,
    bin,
    Math.floor(day / BLOCK_DAYS),
    value,
    value,
  );
}

/**
 * Appends a presence change with the agent's running time in each state; repeated states are not stored, so the
 * log holds transitions only.
 */
export function logPresence(sql: SqlStorage, agentId: string, state: PresenceState, at: number): void {
  const last = sql
    .exec<{ state: PresenceState; at: number; available_ms: number; away_ms: number; offline_ms: number }>(
      "SELECT state, at, available_ms, away_ms, offline_ms FROM presence_log WHERE agent_id = ? ORDER BY at DESC, id DESC LIMIT 1",
      agentId,
    )
    .toArray()[0];
  if (last?.state === state) return;
  const spent = { available: last?.available_ms ?? 0, away: last?.away_ms ?? 0, offline: last?.offline_ms ?? 0 };
  if (last) spent[last.state] += Math.max(0, at - last.at);
  sql.exec(
    "INSERT INTO presence_log (agent_id, state, at, available_ms, away_ms, offline_ms) VALUES (?, ?, ?, ?, ?, ?)",
    agentId,
    state,
    at,
    spent.available,
    spent.away,
    spent.offline,
  );
}

/**
 * Time spent in each state within [from, to): the running totals at `to` minus those at `from`, each read from the
 * last change at or before that instant. Time before an agent's first change counts in no state.
 */
export function presenceDurations(sql: SqlStorage, from: number, to: number): NumberReportData["presence"] {
  type At = [state: PresenceState, at: number, available: number, away: number, offline: number] | null;
  const rows = sql
    .exec<{ agent_id: string; at_from: string | null; at_to: string | null }>(
      // Each agent once, by hopping through the index rather than reading every change.
      `WITH RECURSIVE agents(agent_id) AS (
         SELECT MIN(agent_id) FROM presence_log
         UNION ALL SELECT (SELECT MIN(agent_id) FROM presence_log WHERE agent_id > agents.agent_id) FROM agents WHERE agents.agent_id IS NOT NULL
       )
       SELECT agent_id,
         (SELECT json_array(state, at, available_ms, away_ms, offline_ms) FROM presence_log p WHERE p.agent_id = agents.agent_id AND p.at <= ? ORDER BY p.at DESC, p.id DESC LIMIT 1) AS at_from,
         (SELECT json_array(state, at, available_ms, away_ms, offline_ms) FROM presence_log p WHERE p.agent_id = agents.agent_id AND p.at <= ? ORDER BY p.at DESC, p.id DESC LIMIT 1) AS at_to
       FROM agents WHERE agent_id IS NOT NULL`,
      from,
      to,
    )
    .toArray();
  const spentBy = (row: At, t: number) => {
    const spent = { available: 0, away: 0, offline: 0 };
    if (!row) return spent;
    [spent.available, spent.away, spent.offline] = [row[2], row[3], row[4]];
    spent[row[0]] += t - row[1];
    return spent;
  };
  const out: NumberReportData["presence"] = {};
  for (const row of rows) {
    const start = spentBy(row.at_from ? (JSON.parse(row.at_from) as At) : null, from);
    const end = spentBy(row.at_to ? (JSON.parse(row.at_to) as At) : null, to);
    out[row.agent_id] = { available: end.available - start.available, away: end.away - start.away, offline: end.offline - start.offline };
  }
  return out;
}

/**
 * A report's share from this number, read from the rollups: counts bucketed here and per agent, and per agent and
 * metric a sketch of the range's times and ratings (business-hours values when asked), so only buckets and bins
 * cross the wire.
 */
export function reportData(sql: SqlStorage, phoneNumberId: string, from: number, to: number, starts: number[], businessHours = false): NumberReportData {
  // Counts are kept by UTC hour: an hour belongs to the bucket its start falls in.
  const fromHour = Math.floor(from / HOUR_MS);
  const toHour = Math.ceil(to / HOUR_MS);
  const series = seriesOf(sql, fromHour, toHour, starts);
  const sketches = sketchesOf(sql, from, to, businessHours);
  const rangeRows =
    series.reduce((sum, [, metric, n]) => sum + (metric === "conversations_new" ? n : 0), 0) +
    sketches.reduce((sum, [metric, , s]) => sum + (metric === "csat" ? 0 : s.counts.reduce((a, b) => a + b, 0)), 0);
  return {
    phoneNumberId,
    series,
    agentTotals: agentTotalsOf(sql, fromHour, toHour),
    sketches,
    presence: presenceDurations(sql, from, to),
    tags: tagsOf(sql, from, to, businessHours, rangeRows),
    languages: languagesOf(sql, from, to, businessHours),
    notable: notableOf(sql, from, to),
  };
}

/** [bucket, metric, count] for every count metric with events in the bucket. */
function seriesOf(sql: SqlStorage, fromHour: number, toHour: number, starts: number[]): NumberReportData["series"] {
  const bucketOfHour = new Int32Array(Math.max(0, toHour - fromHour)).fill(-1);
  starts.forEach((start, i) => {
    const lo = i === 0 ? fromHour : Math.ceil(start / HOUR_MS);
    const hi = i + 1 < starts.length ? Math.ceil(starts[i + 1]! / HOUR_MS) : toHour;
    bucketOfHour.fill(i, Math.max(0, lo - fromHour), Math.max(0, Math.min(hi, toHour) - fromHour));
  });
  const sums = new Map<string, Float64Array>();
  // One row per metric, its days as JSON: far cheaper to hand over than a row per day.
  const rows = sql.exec<{ metric: string; days: string }>(
    `SELECT metric, json_group_array(json_array(day, ${HOUR_COLUMNS.join(", ")})) AS days FROM rollup_days
     WHERE metric IN (${countMetrics.map(() => "?").join(", ")}) AND agent_id = '${NUMBER_ROW}' AND day >= ? AND day < ? GROUP BY metric`,
    ...countMetrics,
    Math.floor(fromHour / 24),
    Math.ceil(toHour / 24),
  );
  for (const row of rows) {
    const sum = new Float64Array(starts.length);
    sums.set(row.metric, sum);
    for (const day of JSON.parse(row.days) as number[][]) {
      const first = day[0]! * 24 - fromHour;
      for (let h = 0; h < 24; h++) {
        const count = day[h + 1]!;
        const bucket = count > 0 ? bucketOfHour[first + h] : undefined;
        if (bucket !== undefined && bucket >= 0) sum[bucket]! += count;
      }
    }
  }
  const series: NumberReportData["series"] = [];
  for (const [metric, sum] of sums) sum.forEach((count, bucket) => count > 0 && series.push([bucket, metric, count]));
  return series;
}

/** [metric, agent, count] over [fromHour, toHour): whole blocks, whole days, then the hours at either end. */
function agentTotalsOf(sql: SqlStorage, fromHour: number, toHour: number): NumberReportData["agentTotals"] {
  const { cells, head, tail } = splitRange(fromHour, toHour, 24);
  const { blocks, days } = daysAndBlocks(cells[0], cells[1]);
  const terms: string[] = [];
  const args: number[] = [];
  if (blocks[0] < blocks[1]) {
    terms.push("(SELECT SUM(count) FROM rollup_blocks b WHERE b.metric = p.metric AND b.agent_id = p.agent_id AND b.block >= ? AND b.block < ?)");
    args.push(...blocks);
  }
  for (const range of days) {
    terms.push("(SELECT SUM(total) FROM rollup_days d WHERE d.metric = p.metric AND d.agent_id = p.agent_id AND d.day >= ? AND d.day < ?)");
    args.push(...range);
  }
  for (const [a, b] of [head, tail].filter((r): r is [number, number] => r !== null)) {
    const day = Math.floor(a / 24);
    terms.push(`(SELECT ${hoursSum(a - day * 24, b - day * 24)} FROM rollup_days d WHERE d.metric = p.metric AND d.agent_id = p.agent_id AND d.day = ?)`);
    args.push(day);
  }
  if (terms.length === 0) return [];
  // Every (metric, agent) that ever counted has a block row; each is then a few index lookups.
  return [
    ...sql
      .exec(
        `SELECT metric, agent_id, n FROM (
           SELECT p.metric, p.agent_id, ${terms.map((t) => `COALESCE(${t}, 0)`).join(" + ")} AS n FROM (SELECT DISTINCT metric, agent_id FROM rollup_blocks) p
         ) WHERE n > 0`,
        ...args,
      )
      .raw(),
  ] as NumberReportData["agentTotals"];
}

/**
 * Per agent and metric, the sketch of [from, to): whole blocks and whole days from the sketches, the partial days
 * at either end from the samples themselves (so the range's edges are exact to the millisecond).
 */
function sketchesOf(sql: SqlStorage, from: number, to: number, businessHours: boolean): NumberReportData["sketches"] {
  const stored = (metric: SampleMetric) => (businessHours && metric !== "csat" ? `${metric}:business` : metric);
  const metricOf = new Map(sampleMetrics.map((m) => [stored(m), m]));
  const names = [...metricOf.keys()];
  const inList = names.map(() => "?").join(", ");
  const { cells, head, tail } = splitRange(from, to, DAY_MS);
  const { blocks, days } = daysAndBlocks(cells[0], cells[1]);
  // Each source is summed per bin inside SQLite and leaves it as one row per (metric, agent) holding its bins.
  const groups = new Map<string, { metric: SampleMetric; agentId: string; parts: Bins[] }>();
  const gather = (rows: SqlStorageValue[][] | Iterable<SqlStorageValue[]>) => {
    for (const [name, agentId, bins] of rows) {
      const key = `${name as string}\u0000${agentId as string}`;
      let group = groups.get(key);
      if (!group) groups.set(key, (group = { metric: metricOf.get(name as string)!, agentId: agentId as string, parts: [] }));
      group.parts.push(JSON.parse(bins as string) as Bins);
    }
  };
  const asBins = (source: string, ...args: SqlStorageValue[]) =>
    sql
      .exec(
        `SELECT metric, agent_id, json_group_array(json_array(bin, n, lo, hi)) FROM (
           SELECT metric, agent_id, bin, SUM(n) AS n, MIN(lo) AS lo, MAX(hi) AS hi FROM (${source}) GROUP BY metric, agent_id, bin
         ) GROUP BY metric, agent_id`,
        ...args,
      )
      .raw();
  if (blocks[0] < blocks[1]) {
    gather(asBins(`SELECT metric, agent_id, bin, count AS n, lo, hi FROM sketch_blocks WHERE metric IN (${inList}) AND block >= ? AND block < ?`, ...names, ...blocks));
  }
  if (days.length > 0) {
    // One term per range (an OR of ranges would read every day of the metric).
    gather(
      asBins(
        days.map(() => `SELECT metric, agent_id, bin, count AS n, lo, hi FROM sketch_days WHERE metric IN (${inList}) AND day >= ? AND day < ?`).join(" UNION ALL "),
        ...days.flatMap((range) => [...names, ...range]),
      ),
    );
  }
  const edges = [head, tail].filter((r): r is [number, number] => r !== null);
  if (edges.length > 0) {
    // The partial days come from the samples themselves, in business hours where asked (ratings have none).
    const [metric, bin, value] = businessHours
      ? [
          "CASE WHEN metric = 'csat' THEN metric ELSE metric || ':business' END",
          "CASE WHEN metric = 'csat' THEN bin ELSE business_bin END",
          "CASE WHEN metric = 'csat' THEN value ELSE COALESCE(business_value, value) END",
        ]
      : ["metric", "bin", "value"];
    gather(
      asBins(
        edges
          .map(
            () => `SELECT ${metric} AS metric, agent_id, ${bin} AS bin, 1 AS n, ${value} AS lo, ${value} AS hi FROM samples INDEXED BY samples_by_metric
                   WHERE metric IN (${sampleMetrics.map((m) => `'${m}'`).join(", ")}) AND at >= ? AND at < ?`,
          )
          .join(" UNION ALL "),
        ...edges.flat(),
      ),
    );
  }
  return [...groups.values()].map((g) => [g.metric, g.agentId, sketchData(g.parts.length === 1 ? g.parts[0]! : mergeBins(g.parts))]);
}

/** The range's ten slowest first responses and its ten most recent ratings of 3 ★ or less, with the customer's name. */
function notableOf(sql: SqlStorage, from: number, to: number): NumberReportData["notable"] {
  type Row = { conversation_id: number; agent_id: string; value: number; at: number };
  // Walked down from the slowest of all time, stopping at the tenth inside the range.
  const slowest = sql
    .exec<Row>(
      "SELECT conversation_id, agent_id, value, at FROM samples INDEXED BY samples_by_value WHERE metric = 'first_response' AND at >= ? AND at < ? ORDER BY value DESC LIMIT 10",
      from,
      to,
    )
    .toArray();
  const low = [1, 2, 3]
    .flatMap((stars) =>
      sql
        .exec<Row>(
          "SELECT conversation_id, agent_id, value, at FROM samples INDEXED BY samples_by_value WHERE metric = 'csat' AND value = ? AND at >= ? AND at < ? ORDER BY at DESC LIMIT 10",
          stars,
          from,
          to,
        )
        .toArray(),
    )
    .slice(0, 10);
  const names = new Map(
    sql
      .exec<{ id: number; name: string | null; wa_id: string | null }>(
        "SELECT c.id, k.name, k.wa_id FROM conversations c JOIN contacts k ON k.id = c.contact_id WHERE c.id IN (SELECT value FROM json_each(?))",
        JSON.stringify([...new Set([...slowest, ...low].map((n) => n.conversation_id))]),
      )
      .toArray()
      .map((r) => [r.id, r.name ?? (r.wa_id ? `+${r.wa_id}` : "customer")]),
  );
  const notable = (n: Row, kind: "first_response" | "csat") => ({
    conversationId: String(n.conversation_id),
    contactName: names.get(n.conversation_id) ?? "customer",
    agentId: n.agent_id || null,
    firstResponseMs: kind === "first_response" ? n.value : null,
    csatStars: kind === "csat" ? n.value : null,
  });
  return [...slowest.map((n) => notable(n, "first_response")), ...low.map((n) => notable(n, "csat"))];
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
  // Today's counts: from the hour of midnight in the first day's row, whole rows after it.
  const hour = Math.floor(options.todayStart / HOUR_MS);
  const day = Math.floor(hour / 24);
  const rows = agents ? "agent_id IN (SELECT value FROM json_each(?))" : `agent_id = '${NUMBER_ROW}'`;
  const countSince = (metrics: string[]) =>
    sql
      .exec<{ n: number | null }>(
        `SELECT SUM(CASE WHEN day = ? THEN ${hoursSum(hour - day * 24, 24)} ELSE total END) AS n FROM rollup_days
         WHERE metric IN (SELECT value FROM json_each(?)) AND ${rows} AND day >= ?`,
        day,
        JSON.stringify(metrics),
        ...(agents ? [agents] : []),
        day,
      )
      .one().n ?? 0;
  const agentFilter = agents ? "AND agent_id IN (SELECT value FROM json_each(?))" : "";
  const samples = (metric: SampleMetric) =>
    sql
      .exec<{ value: number }>(`SELECT value FROM samples WHERE at >= ? AND metric = ? ${agentFilter}`, options.todayStart, metric, ...(agents ? [agents] : []))
      .toArray()
      .map((r) => r.value);
  // A team's "new" are the conversations its members took today; the number's are those customers started.
  const taken = agents ? countSince(["assigned:round_robin", "assigned:sticky", "assigned:queue", "assigned:team", "assigned:claimed"]) : countSince(["conversations_new"]);
  return {
    open,
    waiting: waiting.n,
    longestWaitingSince: waiting.since,
    agents: byState,
    load: members.reduce((sum, m) => sum + m.load, 0),
    capacity: members.some((m) => m.capacity === null) ? null : members.reduce((sum, m) => sum + (m.capacity ?? 0), 0),
    today: { new: taken, resolved: countSince(["conversations_resolved"]), firstResponsesMs: samples("first_response"), csatStars: samples("csat") },
  };
}
