import {
  assignmentReasons,
  countMetrics,
  type CountMetric,
  type Counts,
  type NumberReportData,
  type Report,
  type ReportQuery,
} from "../../shared/analytics";
import { bucketLabel } from "../../shared/report-buckets";
import { csatFigures, timing } from "../../shared/stats";

export interface ReportContext {
  timeZone: string;
  people: { id: string; name: string }[];
  teams: { id: string; name: string; memberIds: string[] }[];
  numbers: { phoneNumberId: string; displayName: string }[];
  tags: { id: string; name: string }[];
}

const zeroCounts = (): Counts => Object.fromEntries(countMetrics.map((m) => [m, 0])) as Counts;

/**
 * Merges what each number object reported into one report. Counts add up; times and ratings are merged from the
 * samples themselves, so a median over two numbers is the median of all their conversations, not of two medians.
 */
export function mergeReport(context: ReportContext, query: ReportQuery, starts: number[], parts: NumberReportData[]): Report {
  const businessHours = query.businessHours === "true";
  const series = Object.fromEntries(countMetrics.map((m) => [m, starts.map(() => 0)])) as Report["series"];
  const totals = zeroCounts();
  const perAgentCounts = new Map<string, Map<string, number>>();
  const perNumberTotals = new Map<string, Counts>();
  const timeOf = (s: NumberReportData["samples"][number]) => (businessHours && s[4] !== null ? s[4] : s[3]);
  const isCount = (metric: string): metric is CountMetric => (countMetrics as readonly string[]).includes(metric);

  for (const part of parts) {
    const numberTotals = zeroCounts();
    perNumberTotals.set(part.phoneNumberId, numberTotals);
    for (const [bucket, metric, agentId, count] of part.counts) {
      if (isCount(metric)) {
        series[metric][bucket]! += count;
        totals[metric] += count;
        numberTotals[metric] += count;
      }
      if (agentId) {
        const agent = perAgentCounts.get(agentId) ?? new Map<string, number>();
        agent.set(metric, (agent.get(metric) ?? 0) + count);
        perAgentCounts.set(agentId, agent);
      }
    }
  }

  const samples = parts.flatMap((p) => p.samples.map((s) => ({ phoneNumberId: p.phoneNumberId, metric: s[0], agentId: s[1], conversationId: s[2], value: timeOf(s) })));
  const values = (metric: string, keep: (s: (typeof samples)[number]) => boolean = () => true) =>
    samples.filter((s) => s.metric === metric && keep(s)).map((s) => s.value);
  const figuresFor = (keep: (s: (typeof samples)[number]) => boolean) => ({
    firstResponse: timing(values("first_response", keep)),
    resolution: timing(values("resolution", keep)),
    csat: csatFigures(values("csat", keep)),
  });

  const presence = (agentId: string) => {
    // An agent on several numbers: their presence is the same person's; the number that saw most of it tells it.
    let best = { available: 0, away: 0, offline: 0 };
    for (const p of parts) {
      const d = p.presence[agentId];
      if (d && d.available + d.away + d.offline > best.available + best.away + best.offline) best = d;
    }
    return best;
  };

  const tagTotals = new Map<string, { conversations: number; resolved: number; conversationIds: Set<string> }>();
  for (const p of parts) {
    for (const [tagId, t] of Object.entries(p.tags)) {
      const sum = tagTotals.get(tagId) ?? { conversations: 0, resolved: 0, conversationIds: new Set<string>() };
      sum.conversations += t.conversations;
      sum.resolved += t.resolved;
      for (const id of t.conversationIds) sum.conversationIds.add(`${p.phoneNumberId}:${id}`);
      tagTotals.set(tagId, sum);
    }
  }

  return {
    from: query.from,
    to: query.to,
    bucket: query.bucket,
    timeZone: context.timeZone,
    businessHours,
    buckets: starts.map((start) => ({ start, label: bucketLabel(start, query.bucket, context.timeZone) })),
    series,
    totals,
    ...figuresFor(() => true),
    agents: context.people.map((person) => {
      const counts = perAgentCounts.get(person.id) ?? new Map<string, number>();
      const time = presence(person.id);
      return {
        id: person.id,
        name: person.name,
        resolved: counts.get("conversations_resolved") ?? 0,
        messagesOut: counts.get("messages_out") ?? 0,
        ...figuresFor((s) => s.agentId === person.id),
        availableMs: time.available,
        awayMs: time.away,
        offlineMs: time.offline,
        assignments: Object.fromEntries(assignmentReasons.map((r) => [r, counts.get(`assigned:${r}`) ?? 0]).filter(([, n]) => (n as number) > 0)),
      };
    }),
    teams: context.teams.map((team) => {
      const members = new Set(team.memberIds);
      let assigned = 0;
      let resolved = 0;
      for (const id of members) {
        const counts = perAgentCounts.get(id);
        if (!counts) continue;
        for (const [metric, n] of counts) if (metric.startsWith("assigned:") && metric !== "assigned:transfer") assigned += n;
        resolved += counts.get("conversations_resolved") ?? 0;
      }
      return { id: team.id, name: team.name, assigned, resolved, ...figuresFor((s) => members.has(s.agentId)) };
    }),
    numbers: context.numbers.map((n) => ({
      phoneNumberId: n.phoneNumberId,
      displayName: n.displayName,
      totals: perNumberTotals.get(n.phoneNumberId) ?? zeroCounts(),
      ...figuresFor((s) => s.phoneNumberId === n.phoneNumberId),
    })),
    tags: context.tags
      .map((tag) => {
        const t = tagTotals.get(tag.id);
        const ids = t?.conversationIds ?? new Set<string>();
        return {
          id: tag.id,
          name: tag.name,
          conversations: t?.conversations ?? 0,
          resolved: t?.resolved ?? 0,
          firstResponse: timing(values("first_response", (s) => ids.has(`${s.phoneNumberId}:${s.conversationId}`))),
        };
      })
      .filter((t) => t.conversations > 0 || t.resolved > 0),
    notable: [
      ...parts
        .flatMap((p) => p.notable.filter((n) => n.firstResponseMs !== null).map((n) => ({ ...n, phoneNumberId: p.phoneNumberId })))
        .sort((a, b) => b.firstResponseMs! - a.firstResponseMs!)
        .slice(0, 10),
      ...parts
        .flatMap((p) => p.notable.filter((n) => n.csatStars !== null).map((n) => ({ ...n, phoneNumberId: p.phoneNumberId })))
        .sort((a, b) => a.csatStars! - b.csatStars!)
        .slice(0, 10),
    ],
  };
}
