import type { ReasonCode } from "../../shared/message-content";
import { translator } from "../lib/i18n";
import { reasonText } from "../lib/reason-text";

/** What notifications say: the background's own strings, kept out of the side panel's bundle. */
const en = {
  "notice.nudge": "Reply soon",
  "notice.assigned": "New conversation",
  "notice.mention": "You were mentioned",
  "notice.transferred": "Transferred to you",
  "notice.waiting": "A customer is waiting",
  "notice.waitingFor": "{name} has waited {minutes} min for an answer",
  "notify.messages": "{n} new messages",
  "notify.reply": "Reply",
  "notify.markRead": "Mark read",
  "body.assigned": "{customer}: {reason}",
  "body.assignedNote": "{customer}: {reason} — “{note}”",
  "body.backToQueue": "A conversation went back to the queue",
  "body.nudge": "{customer} is waiting for your reply: it goes to a colleague in {minutes} min",
  "body.mention": "{author} @ {customer}: {text}",
};

const zh: Record<keyof typeof en, string> = {
  "notice.nudge": "请尽快回复",
  "notice.assigned": "新会话",
  "notice.mention": "有人提到了您",
  "notice.transferred": "转给您的会话",
  "notice.waiting": "有客户在等待",
  "notice.waitingFor": "{name} 已等待回复 {minutes} 分钟",
  "notify.messages": "{n} 条新消息",
  "notify.reply": "回复",
  "notify.markRead": "标为已读",
  "body.assigned": "{customer}：{reason}",
  "body.assignedNote": "{customer}：{reason} —「{note}」",
  "body.backToQueue": "一个会话已退回队列",
  "body.nudge": "{customer} 正在等待您的回复：{minutes} 分钟后将转给同事",
  "body.mention": "{author} @ {customer}：{text}",
};

export const tn = translator({ en, zh });

/**
 * A notice's body from the server's code, in the reader's language; null for a code this version does not know (the
 * server's English `text` is shown then). The names it mentions come with it: the background keeps no roster.
 */
export function noticeBody(body: ReasonCode): string | null {
  const p = body.params;
  const names = (id: string) => String(id === p.byId ? p.byName : id === p.fromId ? p.fromName : "");
  switch (body.code) {
    case "assigned": {
      const reason = p.cause ? reasonText({ code: String(p.cause), params: { ...p, cause: "" } }, names, null) : "";
      return tn(p.note ? "body.assignedNote" : "body.assigned", { customer: p.customer ?? "", reason, note: p.note ?? "" });
    }
    case "back_to_queue":
      return tn("body.backToQueue");
    case "nudge":
      return tn("body.nudge", { customer: p.customer ?? "", minutes: p.minutes ?? "" });
    case "mention":
      return tn("body.mention", { author: p.author ?? "", customer: p.customer ?? "", text: p.text ?? "" });
    default:
      return null;
  }
}
