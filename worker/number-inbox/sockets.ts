import { clientSignalSchema, type ClientSignal, type CollisionViewer, type SocketEvent } from "../../shared/inbox";
import type { Role } from "../../shared/people";
import { joinIntoFrames } from "../../shared/socket-frame";

/** Stored in each socket's attachment, so it survives hibernation. */
export interface SocketIdentity {
  agentId: string;
  role: Role;
  /** Their name as they signed in: colleagues off the number's roster (an admin) are named in the collision guard. */
  name?: string;
  /** The console's floor watching the number: it receives events but is not the person working here. */
  watchOnly?: boolean;
  /** The conversation this panel shows, and when its agent last typed in it (collision guard). */
  viewing?: string | null;
  typingAt?: number;
  /** The browser's side panel is open; absent until its background says (then counted as open). */
  panelOpen?: boolean;
}

const TYPING_SHOWN_MS = 6_000;

/** A socket may be closing while we push; the panel catches up from the API when it reconnects. */
function sendQuietly(ws: WebSocket, data: string): void {
  try {
    ws.send(data);
  } catch {
    // closing or closed
  }
}

/**
 * The number's hibernatable sockets as the runtime keeps them: accepting them with their tags (the agent's id,
 * `role:<role>`, or `watch:<id>` for the console's floor), who is connected, revoking, and the collision guard
 * (who has a conversation open and who types in it), which panels signal over the socket itself.
 */
export class Sockets {
  /** Inside `remembering`: each lookup's answer, by tag ("" for all), until the step ends or a socket comes or goes. */
  private remembered: Map<string, WebSocket[]> | null = null;

  constructor(
    private readonly state: DurableObjectState,
    private readonly now: () => number,
  ) {}

  /**
   * Runs `step` with each lookup answered once: the runtime builds a new array of new wrappers on every
   * `getWebSockets` call, and a routed customer asks for the same few tags a dozen times in one synchronous step,
   * during which no socket can open or close except by this object's own hand (which forgets what was remembered).
   */
  remembering<T>(step: () => T): T {
    if (this.remembered) return step();
    this.remembered = new Map();
    try {
      return step();
    } finally {
      this.remembered = null;
    }
  }

  all(): WebSocket[] {
    return this.lookup("");
  }

  tagged(tag: string): WebSocket[] {
    return this.lookup(tag);
  }

  private lookup(tag: string): WebSocket[] {
    const known = this.remembered?.get(tag);
    if (known) return known;
    const found = tag === "" ? this.state.getWebSockets() : this.state.getWebSockets(tag);
    this.remembered?.set(tag, found);
    return found;
  }

  /** A socket was accepted or closed here: what was remembered no longer holds. */
  private forget(): void {
    this.remembered?.clear();
  }

  /** Supervisors' and admins' sockets: the floor and the live board. */
  supervisors(): WebSocket[] {
    return [...this.tagged("role:admin"), ...this.tagged("role:supervisor")];
  }

  identity(ws: WebSocket): SocketIdentity | null {
    return ws.deserializeAttachment() as SocketIdentity | null;
  }

  send(sockets: Iterable<WebSocket>, data: string): void {
    for (const ws of sockets) sendQuietly(ws, data);
  }

  /**
   * What one step pushed, each socket's events joined into one frame (`shared/socket-frame.ts`) in the order pushed:
   * the runtime's cost is per send, and a new conversation is several events for the same panels.
   */
  sendTogether(pushes: readonly (readonly [readonly WebSocket[], string])[]): void {
    const perSocket = new Map<WebSocket, string[]>();
    for (const [sockets, data] of pushes) {
      for (const ws of sockets) {
        const events = perSocket.get(ws);
        if (events) events.push(data);
        else perSocket.set(ws, [data]);
      }
    }
    for (const [ws, events] of perSocket) for (const frame of joinIntoFrames(events)) sendQuietly(ws, frame);
  }

  isConnected(agentId: string, except?: WebSocket): boolean {
    return this.tagged(agentId).some((ws) => ws !== except && ws.readyState === WebSocket.OPEN);
  }

  /** Whether any of the agent's connected browsers has its side panel open. */
  panelOpen(agentId: string): boolean {
    return this.tagged(agentId).some((ws) => ws.readyState === WebSocket.OPEN && this.identity(ws)?.panelOpen !== false && !this.identity(ws)?.watchOnly);
  }

  /** Whoever has a panel open (the console's floor does not count). */
  connectedAgentIds(): Set<string> {
    return new Set(
      this.all()
        .map((ws) => this.identity(ws))
        .filter((i) => i && !i.watchOnly)
        .map((i) => i!.agentId),
    );
  }

  /** An agent's panel: tagged with their id, so it makes them present and receives their notices. */
  acceptAgent(agentId: string, role: Role, name?: string): Response {
    return this.accept([agentId, `role:${role}`], { agentId, role, ...(name ? { name } : {}) });
  }

  /** Tagged apart from the agent's own sockets: it neither makes them present nor receives their notices. */
  acceptWatcher(agentId: string, role: Role): Response {
    return this.accept([`watch:${agentId}`, `role:${role}`], { agentId, role, watchOnly: true });
  }

  private accept(tags: string[], identity: SocketIdentity): Response {
    const { 0: client, 1: server } = new WebSocketPair();
    this.state.acceptWebSocket(server, tags);
    this.forget();
    server.serializeAttachment(identity);
    server.send(JSON.stringify({ type: "ready", agentId: identity.agentId } satisfies SocketEvent));
    return new Response(null, { status: 101, webSocket: client });
  }

  revoke(ws: WebSocket, reason: string): void {
    sendQuietly(ws, JSON.stringify({ type: "revoked", reason } satisfies SocketEvent));
    try {
      ws.close(4003, reason.slice(0, 100));
    } catch {
      // Already closing.
    }
    this.forget();
  }

  /** Every socket of this person, their panels and their floor alike. */
  revokePerson(agentId: string, reason: string): void {
    for (const ws of [...this.tagged(agentId), ...this.tagged(`watch:${agentId}`)]) this.revoke(ws, reason);
  }

  /** Every socket: the number left the workspace they belong to. */
  revokeAll(reason: string): void {
    for (const ws of this.all()) this.revoke(ws, reason);
  }

  /** Agents' panels of people who no longer work on the number. */
  revokeAgentsOutside(staying: ReadonlySet<string>, reason: string): void {
    for (const ws of this.all()) {
      const identity = this.identity(ws);
      if (identity && identity.role === "agent" && !staying.has(identity.agentId)) this.revoke(ws, reason);
    }
  }

  /** The only things a panel says over its socket: what it shows and that its agent types (collision guard). */
  /** Returns the agent whose panel opened or closed, so the shell tells the floor; null for the other signals. */
  signal(ws: WebSocket, data: string | ArrayBuffer): string | null {
    const identity = this.identity(ws);
    if (!identity || typeof data !== "string") return null;
    let signal: ClientSignal;
    try {
      const parsed = clientSignalSchema.safeParse(JSON.parse(data));
      if (!parsed.success) return null;
      signal = parsed.data;
    } catch {
      return null;
    }
    if (signal.type === "panel") {
      if (identity.watchOnly || identity.panelOpen === signal.open) return null;
      ws.serializeAttachment({ ...identity, panelOpen: signal.open });
      return identity.agentId;
    }
    const before = identity.viewing ?? null;
    const next: SocketIdentity =
      signal.type === "viewing"
        ? { ...identity, viewing: signal.conversationId, typingAt: 0 }
        : { ...identity, viewing: signal.conversationId, typingAt: this.now() };
    ws.serializeAttachment(next);
    if (before && before !== next.viewing) this.pushCollision(before);
    if (next.viewing) this.pushCollision(next.viewing);
    return null;
  }

  /**
   * A socket closed: it is closed on our side too and its viewers hear it left. Returns the agent who now has no
   * panel open on the number, or null (a floor, an unknown socket, or another panel of theirs is still open).
   */
  closed(ws: WebSocket, code: number): string | null {
    const identity = this.identity(ws);
    try {
      ws.close(code === 1005 ? 1000 : code, "closed");
    } catch {
      // already closed
    }
    this.forget();
    if (identity?.viewing) this.pushCollision(identity.viewing);
    if (!identity || identity.watchOnly || this.isConnected(identity.agentId, ws)) return null;
    return identity.agentId;
  }

  /** Tells everyone looking at a conversation who else is looking, and who is typing. */
  private pushCollision(conversationId: string): void {
    const sockets = this.all().filter((ws) => this.identity(ws)?.viewing === conversationId && ws.readyState === WebSocket.OPEN);
    const now = this.now();
    const viewers = new Map<string, Omit<CollisionViewer, "agentId">>();
    for (const ws of sockets) {
      const identity = this.identity(ws)!;
      const typing = (viewers.get(identity.agentId)?.typing ?? false) || now - (identity.typingAt ?? 0) < TYPING_SHOWN_MS;
      viewers.set(identity.agentId, { typing, ...(identity.name ? { name: identity.name } : {}) });
    }
    const data = JSON.stringify({
      type: "collision",
      conversationId,
      viewers: [...viewers].map(([agentId, viewer]) => ({ agentId, ...viewer })),
    } satisfies SocketEvent);
    this.send(sockets, data);
  }
}
