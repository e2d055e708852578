import type { ReasonCode } from "../../shared/message-content";
import type { AgentStatus } from "../../shared/people";
import type { Conversation, Message, SocketEvent, Tick } from "../../shared/inbox";
import type { Board } from "./board";
import type { Conversations } from "./conversations";
import type { Messages } from "./messages";
import type { Roster } from "./roster";
import type { Row } from "./rows";
import type { Settings } from "./settings";
import type { Sockets } from "./sockets";

type NoticeKind = Extract<SocketEvent, { type: "notice" }>["kind"];

/**
 * Who hears of a change over the sockets, and what they hear. Each event is composed (and serialised once, whoever
 * hears it) when it is pushed; inside `collect` the sends are held and leave when the step ends, so a transaction's
 * fan-out follows it, each socket receiving that step's events as one frame in the order pushed.
 */
export class Pushes {
  private held: [WebSocket[], string][] | null = null;

  constructor(
    private readonly sockets: Sockets,
    private readonly settings: Settings,
    private readonly conversations: Conversations,
    private readonly messages: Messages,
    private readonly roster: Roster,
    private readonly board: Board,
  ) {}

  /**
   * Runs `step`, holding every push it makes until it returns (or throws). Nested steps join the outer one. A step
   * that is one transaction (`atomic`) and throws was rolled back: what it pushed never happened, so nothing is sent.
   */
  collect<T>(step: () => T, options: { atomic?: boolean } = {}): T {
    if (this.held) return step();
    this.held = [];
    let failed = false;
    try {
      return this.sockets.remembering(step);
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      const held = this.held;
      this.held = null;
      if (!(failed && options.atomic)) this.sockets.sendTogether(held);
    }
  }

  /** Where the held pushes end now; `dropSince` forgets what was pushed after it (a step rolled back, nothing to tell). */
  mark(): number {
    return this.held?.length ?? 0;
  }

  dropSince(mark: number): void {
    this.held?.splice(mark);
  }

  private deliver(sockets: WebSocket[], data: string): void {
    if (this.held) this.held.push([sockets, data]);
    else this.sockets.send(sockets, data);
  }

  /**
   * Sends to the people allowed to see a conversation: its assignee, everyone named, every supervisor and admin,
   * and every agent while it waits in a queue they may see. Sockets are found by tag, not by scanning them all.
   */
  toViewers(assigneeId: string | null, event: SocketEvent, alsoTo: string[] = []): void {
    this.deliver(this.viewersOf(assigneeId, alsoTo), JSON.stringify(event));
  }

  private viewersOf(assigneeId: string | null, alsoTo: string[] = []): WebSocket[] {
    const queueVisible = assigneeId === null && (this.settings.stored()?.routing.agentsSeeQueue ?? false);
    const tags = new Set<string>(["role:admin", "role:supervisor", ...alsoTo]);
    if (assigneeId) tags.add(assigneeId);
    if (queueVisible) tags.add("role:agent");
    const sent = new Set<WebSocket>();
    for (const tag of tags) {
      for (const ws of this.sockets.tagged(tag)) sent.add(ws);
    }
    return [...sent];
  }

  /**
   * Whether any socket is open on the number. With none (everyone offline, a number nobody has opened yet) a push
   * has no reader, so nothing is read back or composed for it: the store does not pay for news nobody hears.
   */
  private nobodyListening(): boolean {
    return this.sockets.all().length === 0;
  }

  /**
   * The conversation as its viewers now see it (from `row` when the caller has just read it unchanged); returns it,
   * or null when no socket is open and so nothing was read or sent.
   */
  conversation(conversationId: number, alsoTo: string[] = [], toQueueWatchers = false, row?: Row): Conversation | null {
    if (this.nobodyListening()) return null;
    this.board.schedulePush();
    const read = row ?? this.conversations.row(conversationId);
    const watchers = toQueueWatchers && this.settings.config().routing.agentsSeeQueue ? ["role:agent"] : [];
    const conversation = this.conversations.toApi(read);
    this.toViewers((read.assignee_id as string | null) ?? null, { type: "conversation", conversation }, [...alsoTo, ...watchers]);
    return conversation;
  }

  /** A message (as just written, or by id) to whoever sees its conversation; `assigneeId` when the caller knows it now. */
  message(messageOrId: number | Message, assigneeId?: string | null): void {
    if (this.nobodyListening()) return;
    const message = typeof messageOrId === "number" ? this.messages.byId(messageOrId) : messageOrId;
    const assignee = assigneeId !== undefined ? assigneeId : this.conversations.assigneeOf(Number(message.conversationId));
    this.toViewers(assignee, { type: "message", message });
  }

  /**
   * A status batch's ticks: read in one statement and sent as one event per group of viewers (a conversation's
   * assignee, or the queue's), so a socket hears one message per batch however many of its messages moved.
   */
  ticks(messageIds: readonly number[]): void {
    if (messageIds.length === 0 || this.nobodyListening()) return;
    const byAssignee = new Map<string | null, Tick[]>();
    for (const { tick, assigneeId } of this.messages.ticksOf(messageIds)) {
      const group = byAssignee.get(assigneeId);
      if (group) group.push(tick);
      else byAssignee.set(assigneeId, [tick]);
    }
    for (const [assigneeId, ticks] of byAssignee) this.toViewers(assigneeId, { type: "ticks", ticks });
  }

  /** After a tag change every open conversation with this customer is pushed again, so lists and filters follow. */
  contact(contactId: number): void {
    for (const id of this.conversations.openIdsOf(contactId)) this.conversation(id);
    this.contactChanged(contactId);
  }

  /**
   * The customer's details changed: everyone who may see one of their live conversations (its assignee, the queue's
   * watchers, supervisors and admins) hears it once, so a customer panel open on them reads the profile again.
   */
  contactChanged(contactId: number): void {
    if (this.nobodyListening()) return;
    const sockets = new Set<WebSocket>(this.sockets.supervisors());
    for (const assigneeId of this.conversations.liveAssigneesOf(contactId)) {
      for (const ws of this.viewersOf(assigneeId)) sockets.add(ws);
    }
    this.deliver([...sockets], JSON.stringify({ type: "contact_changed", contactId: String(contactId) } satisfies SocketEvent));
  }

  notice(agentId: string, kind: NoticeKind, conversationId: number, text: string, body?: ReasonCode): void {
    const event: SocketEvent = {
      type: "notice",
      kind,
      phoneNumberId: this.settings.config().phoneNumberId,
      conversationId: String(conversationId),
      text,
      ...(body ? { body } : {}),
    };
    this.deliver(this.sockets.tagged(agentId), JSON.stringify(event));
  }

  /** An agent's status or presence: everyone on the number hears it (the floor, and the transfer picker). */
  presence(agentId: string): void {
    const member = this.roster.row(agentId);
    if (!member) return;
    this.deliver(this.sockets.all(), JSON.stringify(this.presenceEvent(member)));
  }

  /** A load change is news only for the floor: supervisors' sockets get it, agents' panels do not. */
  load(agentIds: string[]): void {
    const sockets = this.sockets.supervisors();
    if (sockets.length === 0) return;
    for (const agentId of agentIds) {
      const member = this.roster.row(agentId);
      if (!member) continue;
      this.deliver(sockets, JSON.stringify(this.presenceEvent(member)));
    }
  }

  /** The access token's state, for supervisors and admins. */
  health(tokenValid: boolean, detail: string): void {
    const config = this.settings.config();
    const data = JSON.stringify({ type: "number_health", phoneNumberId: config.phoneNumberId, tokenValid, detail } satisfies SocketEvent);
    this.deliver(
      this.sockets.all().filter((ws) => {
        const identity = this.sockets.identity(ws);
        return identity && identity.role !== "agent";
      }),
      data,
    );
  }

  /** Tells every open panel to fetch the catalog again (a tag renamed, a canned response added…). */
  catalogChanged(): void {
    this.deliver(this.sockets.all(), JSON.stringify({ type: "catalog_changed" } satisfies SocketEvent));
  }

  private presenceEvent(member: Row): SocketEvent {
    const agentId = member.id as string;
    return {
      type: "agent_status",
      agentId,
      status: member.status as AgentStatus,
      connected: this.sockets.isConnected(agentId),
      panelOpen: this.sockets.panelOpen(agentId),
      present: this.roster.presentNow(agentId),
      statusSince: member.status_changed_at as number,
      load: member.load as number,
      capacity: (member.capacity as number | null) ?? null,
    };
  }
}
