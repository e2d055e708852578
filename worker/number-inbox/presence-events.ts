import type { AgentStatus, Role } from "../../shared/people";
import type { Assignment } from "./assignment";
import type { InboxContext } from "./context";
import type { Deadlines } from "./deadlines";
import type { Pushes } from "./pushes";
import type { Roster } from "./roster";
import type { Settings } from "./settings";
import type { Sockets } from "./sockets";

/**
 * What changes an agent's presence on this number (presence.ts): the status they choose, and their panel's socket from
 * the worker's upgrade to its close. An agent who connects, or becomes Available, may take from the queue; one whose
 * last socket closes starts the grace period. Supervisors see each change. For sockets the worker checked the token;
 * the identity arrives in headers it set, and the number checks that the workspace is its owner.
 */
export class PresenceEvents {
  constructor(
    private readonly ctx: InboxContext,
    private readonly settings: Settings,
    private readonly sockets: Sockets,
    private readonly roster: Roster,
    private readonly assignment: Assignment,
    private readonly pushes: Pushes,
    private readonly deadlines: Deadlines,
    private readonly presenceChanged: (agentId: string) => void,
  ) {}

  /** The agent chose a status (the Workspace tells every number they belong to); Available may take from the queue. */
  statusChosen(agentId: string, status: AgentStatus): void {
    this.roster.setStatus(agentId, status);
    this.presenceChanged(agentId);
    if (status === "available") this.assignment.drainQueue();
  }

  socketOpened(request: Request): Response {
    if (request.headers.get("upgrade") !== "websocket") return new Response("expected a WebSocket upgrade", { status: 426 });
    const agentId = request.headers.get("x-agent-id");
    const role = request.headers.get("x-agent-role") as Role | null;
    if (!agentId || !role) return new Response("missing identity", { status: 400 });
    if (!this.settings.connectedIn(request.headers.get("x-workspace-id"))) return new Response("this number is not connected in your workspace", { status: 404 });
    if (request.headers.get("x-watch-only") === "1") return this.sockets.acceptWatcher(agentId, role);
    const wasPresent = this.roster.isPresent(agentId, this.ctx.now());
    const wasConnected = this.sockets.isConnected(agentId);
    const response = this.sockets.acceptAgent(agentId, role, nameFrom(request.headers.get("x-agent-name")));
    this.roster.connected(agentId, wasConnected);
    this.presenceChanged(agentId);
    if (!wasPresent) this.assignment.drainQueue();
    return response;
  }

  /** The only things a browser says over its socket: what its panel shows, that its agent types, and whether the panel is open. */
  socketSignal(ws: WebSocket, data: string | ArrayBuffer): void {
    const panelChanged = this.sockets.signal(ws, data);
    // The floor shows who is Available with the panel closed; routing does not change (the socket is what counts).
    if (panelChanged) this.pushes.presence(panelChanged);
  }

  async socketClosed(ws: WebSocket, code: number): Promise<void> {
    const agentId = this.sockets.closed(ws, code);
    if (!agentId) return;
    this.roster.disconnected(agentId);
    this.presenceChanged(agentId);
    await this.deadlines.schedule();
  }
}

/** The name the worker sent, URI-encoded; none when absent or not decodable (an older worker during a deploy). */
function nameFrom(header: string | null): string | undefined {
  if (!header) return undefined;
  try {
    return decodeURIComponent(header);
  } catch {
    return undefined;
  }
}
