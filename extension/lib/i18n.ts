export type Locale = "en" | "zh";

const en = {
  appName: "Team Inbox",
  "signIn.title": "Sign in to your team inbox",
  "signIn.server": "Server URL",
  "signIn.email": "Email",
  "signIn.password": "Password",
  "signIn.submit": "Sign in",
  "signIn.busy": "Signing in…",
  "signIn.permissionDenied": "The browser did not allow access to this server.",
  "error.network": "Cannot reach the server. Check the URL and your connection.",
  "status.label": "My status",
  "status.available": "Available",
  "status.away": "Away",
  "status.awayHint": "You are Away: new conversations go to colleagues. Switch to Available to receive them.",
  "live.connecting": "Connecting…",
  "live.live": "Live",
  "live.offline": "Offline, reconnecting…",
  "inbox.mine": "My conversations",
  "inbox.empty": "No open conversations. New ones arrive here while you are Available.",
  "inbox.unread": "{n} unread",
  "conversation.back": "Back to the list",
  "conversation.assigned": "Assigned: {reason}",
  "conversation.loading": "Loading messages…",
  "composer.label": "Reply",
  "composer.placeholder": "Type a reply. Enter sends, Shift+Enter adds a line",
  "composer.send": "Send",
  "tick.pending": "Sending",
  "tick.accepted": "Accepted by WhatsApp",
  "tick.sent": "Sent",
  "tick.delivered": "Delivered",
  "tick.read": "Read",
  "tick.played": "Played",
  "tick.failed": "Not delivered",
  signOut: "Sign out",
  language: "语言 / Language",
};

type Key = keyof typeof en;

const zh: Record<Key, string> = {
  appName: "团队收件箱",
  "signIn.title": "登录团队收件箱",
  "signIn.server": "服务器地址",
  "signIn.email": "邮箱",
  "signIn.password": "密码",
  "signIn.submit": "登录",
  "signIn.busy": "正在登录…",
  "signIn.permissionDenied": "浏览器未允许访问该服务器。",
  "error.network": "无法连接服务器，请检查地址和网络。",
  "status.label": "我的状态",
  "status.available": "在线",
  "status.away": "离开",
  "status.awayHint": "您当前为离开状态：新会话会分配给同事。切换为在线即可接收。",
  "live.connecting": "正在连接…",
  "live.live": "实时",
  "live.offline": "已断开，正在重连…",
  "inbox.mine": "我的会话",
  "inbox.empty": "暂无进行中的会话。在线时新会话会出现在这里。",
  "inbox.unread": "{n} 条未读",
  "conversation.back": "返回列表",
  "conversation.assigned": "分配原因：{reason}",
  "conversation.loading": "正在加载消息…",
  "composer.label": "回复",
  "composer.placeholder": "输入回复。Enter 发送，Shift+Enter 换行",
  "composer.send": "发送",
  "tick.pending": "发送中",
  "tick.accepted": "WhatsApp 已接收",
  "tick.sent": "已发送",
  "tick.delivered": "已送达",
  "tick.read": "已读",
  "tick.played": "已播放",
  "tick.failed": "发送失败",
  signOut: "退出登录",
  language: "语言 / Language",
};

const dictionaries: Record<Locale, Record<Key, string>> = { en, zh };

/** Follows the browser until the agent picks a language in the panel; the panel re-renders on change. */
let current: Locale = navigator.language.toLowerCase().startsWith("zh") ? "zh" : "en";

export const getLocale = (): Locale => current;
export function setLocale(next: Locale): void {
  current = next;
  document.documentElement.lang = next === "zh" ? "zh-CN" : "en";
}

export function t(key: Key, vars: Record<string, string | number> = {}): string {
  return dictionaries[current][key].replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? ""));
}

export function formatTime(ms: number): string {
  const date = new Date(ms);
  const sameDay = new Date().toDateString() === date.toDateString();
  const tag = current === "zh" ? "zh-CN" : "en";
  return sameDay
    ? date.toLocaleTimeString(tag, { hour: "2-digit", minute: "2-digit" })
    : date.toLocaleDateString(tag, { month: "short", day: "numeric" });
}
