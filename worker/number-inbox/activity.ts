import type { MessageContent, ReasonCode } from "../../shared/message-content";
import type { InboxContext } from "./context";
import type { Messages } from "./messages";
import type { Pushes } from "./pushes";
import { englishReason } from "./reasons";

type Activity = NonNullable<MessageContent["activity"]>;

/** A line in a conversation's log ("assigned to 李娜 · round robin", "resolved"…), pushed like a message. */
export class ActivityLog {
  constructor(
    private readonly ctx: InboxContext,
    private readonly messages: Messages,
    private readonly pushes: Pushes,
    private readonly names: (id: string) => string,
  ) {}

  /**
   * `assigneeId`, when the caller has just set it, spares reading who sees the line.
   * `why` is a code the reader's panel translates (its English sentence is stored beside it for API users), or, for
   * the few lines still written as text, that text.
   */
  add(
    conversationId: number,
    activity: Omit<Activity, "reason" | "reasonCode" | "names"> & { why: ReasonCode | string | null; actorName?: string },
    assigneeId?: string | null,
  ): void {
    const { why, actorName, ...line } = activity;
    const actor = line.actorId && actorName ? { [line.actorId]: actorName } : null;
    const names = (id: string) => actor?.[id] ?? this.names(id);
    const reason = why === null || typeof why === "string" ? { reason: why } : { reason: englishReason(why, names), reasonCode: why };
    this.pushes.message(this.messages.addActivity(conversationId, { ...line, ...reason, ...(actor ? { names: actor } : {}) }, this.ctx.now()), assigneeId);
  }
}
