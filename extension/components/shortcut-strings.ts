import { translator } from "../lib/i18n";

/** The shortcuts sheet's words, in its own chunk (loaded on the first `?`), so they weigh nothing on the panel's first load. */
const en = {
  "keys.title": "Keyboard shortcuts",
  "keys.move": "Move through the list",
  "keys.open": "Open the conversation",
  "keys.back": "Back to the list, close a dialog",
  "keys.select": "Select the conversation (for a bulk action); Esc clears",
  "keys.extend": "Extend the selection",
  "keys.reply": "Reply",
  "keys.resolve": "Resolve",
  "keys.transfer": "Transfer",
  "keys.status": "Switch Available / Away",
  "keys.search": "Search",
  "keys.views": "Mine, Unassigned, All, Resolved",
  "keys.help": "Show these shortcuts",
};

const zh: Record<keyof typeof en, string> = {
  "keys.title": "键盘快捷键",
  "keys.move": "在列表中移动",
  "keys.open": "打开会话",
  "keys.back": "返回列表、关闭对话框",
  "keys.select": "选择会话（用于批量操作）；Esc 取消选择",
  "keys.extend": "扩展选择",
  "keys.reply": "回复",
  "keys.resolve": "解决",
  "keys.transfer": "转接",
  "keys.status": "切换在线 / 离开",
  "keys.search": "搜索",
  "keys.views": "我的、未分配、全部、已解决",
  "keys.help": "显示快捷键",
};

export const kt = translator({ en, zh });
export type ShortcutKey = keyof typeof en;
