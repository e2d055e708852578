import type { MessageContent } from "../../shared/message-content";
import type { InboxContext } from "./context";
import type { Messages } from "./messages";
import type { Pushes } from "./pushes";

/** A conversation's activity log ("assigned to 李娜 · round robin", "resolved"…): a line in its history, pushed like a message. */
export class ActivityLog {
  constructor(
    private readonly ctx: InboxContext,
    private readonly messages: Messages,
    private readonly pushes: Pushes,
  ) {}

  add(conversationId: number, activity: NonNullable<MessageContent["activity"]>): void {
    this.pushes.message(this.messages.addActivity(conversationId, activity, this.ctx.now()));
  }
}
