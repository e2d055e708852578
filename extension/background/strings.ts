import { translator } from "../lib/i18n";

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
};

export const tn = translator({ en, zh });
