import type { Conversation, Message } from "../../shared/inbox";
import type { FloorWaiting } from "../../shared/floor";
import { markReadBody } from "../graph/bodies";
import { postStatus } from "../graph/client";
import { ok, refuse, seesEverything, type Principal, type Result } from "../lib/result";
import type { Access } from "./access";
import { decodeCursor, encodeCursor, viewQuery, type ConversationSort, type ConversationView } from "./conversation-views";
import type { Conversations } from "./conversations";
import type { Messages } from "./messages";
import type { Pushes } from "./pushes";
import type { Settings } from "./settings";

export interface ListRequest {
  view: ConversationView;
  sort?: ConversationSort;
  cursor?: string;
  limit?: number;
  tag?: string;
  unread?: "true" | "false";
  status?: "open" | "pending";
  team?: string;
  language?: string;
}

/**
 * What panels and the console read: a view's pages (which rows and in which order is decided in
 * `conversation-views.ts`), the tab counts, a conversation's history (opening it marks it read), a supervisor's
 * review, and the queue as the floor shows it.
 */
export class Views {
  constructor(
    private readonly settings: Settings,
    private readonly access: Access,
    private readonly conversations: Conversations,
    private readonly messages: Messages,
    private readonly pushes: Pushes,
  ) {}

  /** One page of a view, newest activity or longest waiting first, with the cursor of the next page. */
  list(viewer: Principal, request: ListRequest): Result<{ conversations: Conversation[]; nextCursor: string | null }> {
    const config = this.settings.config();
    const query = viewQuery(request.view, request.sort, { personId: viewer.personId, supervisor: seesEverything(viewer) }, config.routing, {
      tagId: request.tag,
      unreadOnly: request.unread === "true",
      status: request.status,
      language: request.language,
      agentIds: request.team ? (config.teams.find((t) => t.id === request.team)?.memberIds ?? []) : undefined,
    });
    if ("refused" in query) return refuse(403, query.refused);
    const limit = Math.min(Math.max(request.limit ?? 50, 1), 200);
    const rows = this.conversations.page(query, decodeCursor(request.cursor), limit + 1);
    const more = rows.length > limit;
    const pageRows = rows.slice(0, limit);
    const last = pageRows[pageRows.length - 1];
    return ok({
      conversations: pageRows.map((r) => this.conversations.toApi(r)),
      nextCursor: more && last ? encodeCursor(Number(last.sort_key), Number(last.id)) : null,
    });
  }

  /** How many conversations each view holds for this person: the numbers on the panel's tabs. */
  counts(viewer: Principal): Record<ConversationView, number> {
    return this.conversations.counts(viewer);
  }

  /** A conversation's history; its assignee opening it marks it read, here and (blue ticks) for the customer. */
  messagesOf(viewer: Principal, conversationId: string): Result<Message[]> {
    const read = this.markRead(viewer, conversationId);
    if (!read.ok) return read;
    return ok(this.messages.list(Number(conversationId), 1000));
  }

  /**
   * The assignee has read it (opened it, or "Mark read" on a notification): unread goes to 0 for every panel, and
   * the customer sees blue ticks. Anyone else who may open it reads without changing that.
   */
  markRead(viewer: Principal, conversationId: string): Result<Conversation> {
    const conversation = this.access.conversation(viewer, conversationId);
    if (!conversation.ok) return conversation;
    const id = Number(conversationId);
    if (conversation.value.assignee_id === viewer.personId && Number(conversation.value.unread) > 0) {
      this.conversations.markRead(id);
      this.pushes.conversation(id);
      const lastInbound = this.messages.lastInboundWamid(id);
      if (lastInbound) void this.settings.graph().then((graph) => postStatus(graph, this.settings.config().phoneNumberId, markReadBody(lastInbound))).catch(() => undefined);
    }
    return ok(this.conversations.byId(id));
  }

  /** A supervisor reads any conversation, resolved or not, with its whole log; nothing is marked read. */
  review(viewer: Principal, conversationId: string): Result<{ conversation: Conversation; messages: Message[] }> {
    if (!seesEverything(viewer)) return refuse(403, "only supervisors and admins review conversations", "supervisors_only");
    const id = Number(conversationId);
    const row = this.conversations.find(id);
    if (!row) return refuse(404, `no conversation ${conversationId} on this number`, "conversation_not_found");
    return ok({ conversation: this.conversations.toApi(row), messages: this.messages.list(id, 2000) });
  }

  /** Who waits in the queue, longest first, as the floor shows it. */
  waiting(): FloorWaiting[] {
    return this.conversations.waitingRows().map((row) => {
      const c = this.conversations.toApi(row);
      return {
        conversationId: c.id,
        contactName: c.contact.name ?? (c.contact.waId ? `+${c.contact.waId}` : "customer"),
        waitingSince: c.queuedAt ?? c.createdAt,
        teamId: c.teamId,
        preview: c.lastMessagePreview,
      };
    });
  }
}
