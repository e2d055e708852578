import {
  assignmentReasons,
  countMetrics,
  sampleMetrics,
  type CountMetric,
  type Counts,
  type NumberReportData,
  type Report,
  type ReportQuery,
  type SampleMetric,
} from "../../shared/analytics";
import { bucketLabel } from "../../shared/report-buckets";
import { SketchBuilder } from "./sketch";

export interface ReportContext {
  timeZone: string;
  people: { id: string; name: string }[];
  teams: { id: string; name: string; memberIds: string[] }[];
  numbers: { phoneNumberId: string; displayName: string }[];
  tags: { id: string; name: string }[];
}

const zeroCounts = (): Counts => Object.fromEntries(countMetrics.map((m) => [m, 0])) as Counts;

/**
 * Merges what each number object reported into one report. Counts add up; times and ratings merge as sketches, so a
 * median over two numbers is the median of all their conversations (within the sketch's 1 %), not of two medians.
 */
export function mergeReport(context: ReportContext, query: ReportQuery, starts: number[], parts: NumberReportData[]): Report {
  const businessHours = query.businessHours === "true";
  const series = Object.fromEntries(countMetrics.map((m) => [m, starts.map(() => 0)])) as Report["series"];
  const totals = zeroCounts();
  const perAgentCounts = new Map<string, Map<string, number>>();
  const perNumberTotals = new Map<string, Counts>();
  const isCount = (metric: string): metric is CountMetric => (countMetrics as readonly string[]).includes(metric);

  for (const part of parts) {
    const numberTotals = zeroCounts();
    perNumberTotals.set(part.phoneNumberId, numberTotals);
    for (const [bucket, metric, count] of part.series) {
      if (!isCount(metric)) continue;
      series[metric][bucket]! += count;
      totals[metric] += count;
      numberTotals[metric] += count;
    }
    for (const [metric, agentId, count] of part.agentTotals) {
      const agent = perAgentCounts.get(agentId) ?? new Map<string, number>();
      agent.set(metric, (agent.get(metric) ?? 0) + count);
      perAgentCounts.set(agentId, agent);
    }
  }

  // Sketches merge bin by bin: per agent across numbers, per number across its agents; teams and the whole report
  // from those. Each figure is read from a merged sketch, never from other figures.
  type Groups = Record<SampleMetric, SketchBuilder>;
  const newGroups = (): Groups => ({ first_response: new SketchBuilder(), resolution: new SketchBuilder(), csat: new SketchBuilder() });
  const byAgent = new Map<string, Groups>();
  const byNumber = new Map<string, Groups>();
  for (const part of parts) {
    const numberGroups = newGroups();
    byNumber.set(part.phoneNumberId, numberGroups);
    for (const [metric, agentId, sketch] of part.sketches) {
      numberGroups[metric].merge(sketch);
      let agentGroups = byAgent.get(agentId);
      if (!agentGroups) byAgent.set(agentId, (agentGroups = newGroups()));
      agentGroups[metric].merge(sketch);
    }
  }
  const figures = (g: Groups | undefined) => ({
    firstResponse: (g?.first_response ?? new SketchBuilder()).timing(),
    resolution: (g?.resolution ?? new SketchBuilder()).timing(),
    csat: (g?.csat ?? new SketchBuilder()).csat(),
  });
  const merged = (groups: Iterable<Groups | undefined>): Groups => {
    const out = newGroups();
    for (const g of groups) if (g) for (const metric of sampleMetrics) out[metric].merge(g[metric]);
    return out;
  };

  const presence = (agentId: string) => {
    // An agent on several numbers: their presence is the same person's; the number that saw most of it tells it.
    let best = { available: 0, away: 0, offline: 0 };
    for (const p of parts) {
      const d = p.presence[agentId];
      if (d && d.available + d.away + d.offline > best.available + best.away + best.offline) best = d;
    }
    return best;
  };

  const tagTotals = new Map<string, { conversations: number; resolved: number; firstResponse: SketchBuilder }>();
  for (const p of parts) {
    for (const [tagId, t] of Object.entries(p.tags)) {
      const sum = tagTotals.get(tagId) ?? { conversations: 0, resolved: 0, firstResponse: new SketchBuilder() };
      sum.conversations += t.conversations;
      sum.resolved += t.resolved;
      sum.firstResponse.merge(t.firstResponse);
      tagTotals.set(tagId, sum);
    }
  }

  const languageTotals = new Map<string, { conversations: number; resolved: number; firstResponse: SketchBuilder; resolution: SketchBuilder }>();
  for (const p of parts) {
    for (const [code, l] of Object.entries(p.languages)) {
      const sum = languageTotals.get(code) ?? { conversations: 0, resolved: 0, firstResponse: new SketchBuilder(), resolution: new SketchBuilder() };
      sum.conversations += l.conversations;
      sum.resolved += l.resolved;
      sum.firstResponse.merge(l.firstResponse);
      sum.resolution.merge(l.resolution);
      languageTotals.set(code, sum);
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
    ...figures(merged(byNumber.values())),
    agents: context.people.map((person) => {
      const counts = perAgentCounts.get(person.id) ?? new Map<string, number>();
      const time = presence(person.id);
      return {
        id: person.id,
        name: person.name,
        resolved: counts.get("conversations_resolved") ?? 0,
        messagesOut: counts.get("messages_out") ?? 0,
        ...figures(byAgent.get(person.id)),
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
      return { id: team.id, name: team.name, assigned, resolved, ...figures(merged([...members].map((id) => byAgent.get(id)))) };
    }),
    numbers: context.numbers.map((n) => ({
      phoneNumberId: n.phoneNumberId,
      displayName: n.displayName,
      totals: perNumberTotals.get(n.phoneNumberId) ?? zeroCounts(),
      ...figures(byNumber.get(n.phoneNumberId)),
    })),
    tags: context.tags
      .map((tag) => {
        const t = tagTotals.get(tag.id);
        return { id: tag.id, name: tag.name, conversations: t?.conversations ?? 0, resolved: t?.resolved ?? 0, firstResponse: (t?.firstResponse ?? new SketchBuilder()).timing() };
      })
      .filter((t) => t.conversations > 0 || t.resolved > 0),
    languages: [...languageTotals]
      .map(([language, l]) => ({ language, conversations: l.conversations, resolved: l.resolved, firstResponse: l.firstResponse.timing(), resolution: l.resolution.timing() }))
      .sort((a, b) => b.conversations - a.conversations || b.resolved - a.resolved || a.language.localeCompare(b.language)),
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
