import type { Floor, FloorAgent } from "../../shared/floor";
import type { ReportContext } from "../analytics/merge-report";
import { ok, refuse, seesEverything, type Principal, type Result } from "../lib/result";
import type { Parts } from "./parts";

/** What supervisors watch: the live floor, and the names a report or the board is told in. No tables of its own. */
export class FloorView {
  constructor(private readonly w: Parts) {}

  /** Every agent and every queue, asked of the number objects in parallel and merged per person. */
  async floor(principal: Principal): Promise<Result<Floor>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins watch the floor", "supervisors_only");
    const numbers = this.w.numbers.named(true);
    const views = await Promise.all(numbers.map((n) => this.w.env.NUMBER_INBOX.getByName(n.phoneNumberId).floor()));
    const agents = new Map<string, FloorAgent>();
    for (const p of this.w.people.active()) {
      agents.set(p.id, {
        id: p.id,
        name: p.name,
        role: p.role,
        status: p.status,
        statusSince: p.status_changed_at || p.created_at,
        connected: false,
        panelOpen: false,
        load: 0,
        capacity: p.capacity ?? null,
        numberIds: [],
      });
    }
    views.forEach((view, i) => {
      for (const a of view.agents) {
        const agent = agents.get(a.id);
        if (!agent) continue;
        agent.connected ||= a.connected;
        agent.panelOpen ||= a.connected && a.panelOpen !== false;
        agent.load += a.load;
        agent.numberIds.push(numbers[i]!.phoneNumberId);
        // Connecting or dropping also starts a new "time in status".
        agent.statusSince = Math.max(agent.statusSince, a.statusSince);
      }
    });
    return ok({
      agents: [...agents.values()],
      queues: numbers.map((n, i) => ({ phoneNumberId: n.phoneNumberId, displayName: n.displayName, waiting: views[i]!.waiting })),
      at: Date.now(),
    });
  }

  /** Names for a report or the board: people, teams, numbers, tags, and the workspace's time zone. */
  reportContext(principal: Principal): Result<ReportContext> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins read reports", "supervisors_only");
    return ok({
      timeZone: this.w.settings.timeZone(),
      people: this.w.people.names(),
      teams: this.w.teams.list().map((t) => ({ id: t.id, name: t.name, memberIds: t.memberIds })),
      numbers: this.w.numbers.named(),
      tags: this.w.catalog.tags().map((t) => ({ id: t.id, name: t.name })),
    });
  }
}
