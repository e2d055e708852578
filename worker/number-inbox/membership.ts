import { ok, refuse, type Result } from "../lib/result";
import type { NumberArchive } from "./archive";
import type { Assignment } from "./assignment";
import type { Board } from "./board";
import type { InboxContext } from "./context";
import type { Deadlines } from "./deadlines";
import type { Health } from "./health";
import type { Outbox } from "./outbox";
import type { Pushes } from "./pushes";
import type { Roster } from "./roster";
import type { NumberConfig, Settings } from "./settings";
import type { Sockets } from "./sockets";

/**
 * What the Workspace tells a number about who it belongs to and who works on it: its configuration (owner, members,
 * catalog, token), its release, and a person deactivated. A number has one owner; what changes here closes the
 * sockets and moves the conversations of whoever no longer belongs.
 */
export class Membership {
  constructor(
    private readonly ctx: InboxContext,
    private readonly settings: Settings,
    private readonly sockets: Sockets,
    private readonly roster: Roster,
    private readonly health: Health,
    private readonly outbox: Outbox,
    private readonly assignment: Assignment,
    private readonly board: Board,
    private readonly pushes: Pushes,
    private readonly archive: NumberArchive,
    private readonly deadlines: Deadlines,
    private readonly presenceChanged: (agentId: string) => void,
  ) {}

  /** A configuration from another workspace is refused unless it is the operator's explicit move (`handover.from` names the owner it leaves). */
  async configure(config: NumberConfig, handover?: { from: string }): Promise<Result<{ ok: true }>> {
    const { members, ...stored } = config;
    const previous = this.settings.stored();
    const ownerChanges = previous !== null && previous.workspaceId !== config.workspaceId;
    if (ownerChanges && previous.workspaceId !== handover?.from) return refuse(409, "this number belongs to another workspace", "number_elsewhere");
    this.settings.forget();
    const staying = new Set(members.map((m) => m.id));
    const leaving = this.assignment.heldByLeavers(staying);
    this.ctx.transaction(() => {
      this.settings.saveConfig(stored);
      this.roster.replace(members, this.sockets.connectedAgentIds());
    });
    // A new token may be the fix for the one Meta refused: the held replies are tried again now.
    if (previous && previous.accessTokenSealed !== config.accessTokenSealed && this.health.tokenInvalid()) {
      this.outbox.retryNow();
      this.health.tokenWorks();
    }
    this.assignment.reassignFromLeavers(leaving);
    // A number handed to another workspace closes every socket: they all belong to the workspace it left.
    if (ownerChanges) this.sockets.revokeAll("you no longer work on this number");
    else this.sockets.revokeAgentsOutside(staying, "you no longer work on this number");
    if (previous && JSON.stringify(previous.catalog) !== JSON.stringify(config.catalog)) this.pushes.catalogChanged();
    this.assignment.drainQueue();
    void this.outbox.drain();
    await this.deadlines.schedule();
    return ok({ ok: true });
  }

  /** Its owner gives the number up: sockets close and every row goes, so a next owner never sees this one's customers. */
  async release(workspaceId: string): Promise<Result<{ ok: true }>> {
    const stored = this.settings.stored();
    if (stored && stored.workspaceId !== workspaceId) return refuse(409, "this number belongs to another workspace", "number_elsewhere");
    this.sockets.revokeAll("this number was released by its workspace");
    this.board.discardCounts();
    this.archive.clear();
    await this.deadlines.clear();
    return ok({ ok: true });
  }

  /**
   * A deactivated person: their sockets close at once and their conversations go to someone else, with the reason
   * shown in each conversation. Runs before the Workspace pushes the configuration without them.
   */
  agentDeactivated(agentId: string): number {
    this.sockets.revokePerson(agentId, "your account was deactivated");
    if (!this.roster.row(agentId)) return 0;
    this.roster.deactivate(agentId);
    const held = this.assignment.reassignFromDeactivated(agentId);
    this.presenceChanged(agentId);
    return held;
  }
}
