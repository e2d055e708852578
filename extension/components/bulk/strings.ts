import { translator } from "../../lib/i18n";

/** The bulk bar's words, in its own chunk (loaded on the first selection), so they weigh nothing on the panel's first load. */
const en = {
  "bulk.label": "Bulk actions",
  "bulk.count": "{n} selected",
  "bulk.clear": "Clear selection",
  "bulk.assign": "Assign to…",
  "bulk.me": "Me ({name})",
  "bulk.transfer": "Transfer to team…",
  "bulk.tag": "Add tag…",
  "bulk.pending": "Mark pending",
  "bulk.resolve": "Resolve",
  "bulk.busy": "Working…",
  "bulk.done.assign": "Assigned {n}",
  "bulk.done.transfer": "Transferred {n}",
  "bulk.done.tag": "Tagged {n}",
  "bulk.done.pending": "Marked {n} pending",
  "bulk.done.resolve": "Resolved {n}",
  "bulk.refused": "{n} not changed: {reason}",
  "bulk.undo": "Undo",
  "bulk.undone": "Undone: {n} restored",
  "bulk.failed": "The action did not go through: {reason}",
  "bulk.hint": "x selects · Shift+↑↓ extends · Esc clears",
  "reason.assigned_elsewhere": "assigned to someone else",
  "reason.not_assignee": "only the assignee or a supervisor may do this",
  "reason.already_resolved": "already resolved",
  "reason.already_open": "already open",
  "reason.already_theirs": "already theirs",
  "reason.already_yours": "already yours",
  "reason.taken": "taken by {name}",
  "reason.target_away": "{name} is Away",
  "reason.target_offline": "{name} is offline",
  "reason.target_full": "{name} is at capacity",
  "reason.not_open": "not open",
  "reason.resolved": "resolved",
  "reason.queued": "waiting in the queue; assign it first",
  "reason.unknown_tag": "that tag no longer exists",
  "reason.unknown_team": "that team no longer works on this number",
  "reason.unknown_agent": "that person no longer works on this number",
  "reason.changed_since": "changed by someone since",
  "reason.undo_gone": "too late to undo",
  "reason.conversation_not_found": "no longer exists",
  "reason.force_supervisors_only": "only a supervisor may force it",
  "reason.queue_supervisors_only": "only supervisors take from the queue here",
  "reason.not_member": "you do not work on this number",
  "reason.other": "refused by the server",
};
type Key = keyof typeof en;

const zh: Record<Key, string> = {
  "bulk.label": "批量操作",
  "bulk.count": "已选 {n} 个",
  "bulk.clear": "取消选择",
  "bulk.assign": "分配给…",
  "bulk.me": "我（{name}）",
  "bulk.transfer": "转接到团队…",
  "bulk.tag": "添加标签…",
  "bulk.pending": "标为待处理",
  "bulk.resolve": "解决",
  "bulk.busy": "处理中…",
  "bulk.done.assign": "已分配 {n} 个",
  "bulk.done.transfer": "已转接 {n} 个",
  "bulk.done.tag": "已为 {n} 个添加标签",
  "bulk.done.pending": "已将 {n} 个标为待处理",
  "bulk.done.resolve": "已解决 {n} 个",
  "bulk.refused": "{n} 个未更改：{reason}",
  "bulk.undo": "撤销",
  "bulk.undone": "已撤销：恢复 {n} 个",
  "bulk.failed": "操作未完成：{reason}",
  "bulk.hint": "x 选择 · Shift+↑↓ 扩展 · Esc 取消",
  "reason.assigned_elsewhere": "已分配给其他人",
  "reason.not_assignee": "只有负责人或主管可以操作",
  "reason.already_resolved": "已经解决",
  "reason.already_open": "已经是打开状态",
  "reason.already_theirs": "已经是对方的会话",
  "reason.already_yours": "已经是你的会话",
  "reason.taken": "已被 {name} 接手",
  "reason.target_away": "{name} 处于离开状态",
  "reason.target_offline": "{name} 不在线",
  "reason.target_full": "{name} 已达接待上限",
  "reason.not_open": "会话未打开",
  "reason.resolved": "已解决",
  "reason.queued": "仍在排队，请先分配",
  "reason.unknown_tag": "该标签已不存在",
  "reason.unknown_team": "该团队已不负责此号码",
  "reason.unknown_agent": "此人已不负责此号码",
  "reason.changed_since": "期间已被他人更改",
  "reason.undo_gone": "已超过撤销时限",
  "reason.conversation_not_found": "会话已不存在",
  "reason.force_supervisors_only": "只有主管可以强制转接",
  "reason.queue_supervisors_only": "此号码只有主管可以从队列接手",
  "reason.not_member": "你不负责此号码",
  "reason.other": "服务器拒绝了操作",
};

export const bt = translator({ en, zh });

/** A refusal's code in the reader's language; a code this panel does not know yet reads as a plain refusal. */
export function reason(code: string | undefined, params: Record<string, string | number> = {}): string {
  return knownReason(code, params) ?? bt("reason.other");
}

/** A refusal's code this dictionary holds, in the reader's language; null for another (extension/lib/error-text.ts). */
export function knownReason(code: string | undefined, params: Record<string, string | number> = {}): string | null {
  const key = `reason.${code ?? "other"}`;
  return code && key in en ? bt(key as Key, params) : null;
}
