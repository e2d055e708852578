import { knownReason } from "../components/bulk/strings";
import { translator } from "./i18n";

/**
 * The server's error codes (shared/error-codes.ts) in the reader's language. Loaded when the first refusal arrives, so
 * the side panel's first load carries none of it. The bulk bar's refusal reasons (the same codes a single action gives)
 * are reused for the codes they name. Grouped by where they come from, to keep merges of new codes easy.
 */
const en = {
  // Generic, by status: a refusal with no more specific code.
  bad_request: "The request was not valid.",
  unauthorized: "Sign in first.",
  forbidden: "You are not allowed to do this.",
  not_found: "This no longer exists; refresh and try again.",
  conflict: "This changed in the meantime; refresh and try again.",
  too_large: "This is too large to send.",
  unsupported_type: "This kind of file or content is not accepted.",
  unprocessable: "The server could not do this with what was sent.",
  upgrade_required: "This needs a live connection.",
  too_many_requests: "Too many attempts; wait a moment and try again.",
  internal: "Something went wrong on the server; try again.",
  upstream_refused: "WhatsApp did not accept the request; try again later.",
  unavailable: "The server is not ready for this yet; try again later.",
  // Input.
  invalid_request: "Invalid request: check the field {field}.",
  invalid_json: "The request was not valid JSON.",
  search_empty: "Type something to search for.",
  confirm_number: "Type the phone number id again to confirm.",
  choice_needs_options: "A choice attribute needs at least one option.",
  file_too_large: "The file is larger than WhatsApp's {mb} MB limit.",
  // Sessions and roles.
  sign_in_first: "Sign in first.",
  session_expired: "Your session has ended; sign in again.",
  wrong_credentials: "The email or password is wrong.",
  account_deactivated: "This account was deactivated; ask an admin of your team.",
  sign_in_locked: "Too many failed sign-ins; try again in {minutes} min.",
  password_wrong: "The current password is wrong.",
  supervisors_only: "Only supervisors and admins may do this.",
  admins_only: "Only an admin may do this.",
  // People, numbers, catalogue.
  email_taken: "{email} already has an account.",
  last_admin: "This is the workspace's last admin; make someone else admin first.",
  cannot_deactivate_self: "You cannot deactivate yourself.",
  person_deactivated: "This person is deactivated; reactivate them first.",
  link_invalid: "This link is not valid; ask for a new one.",
  link_used: "This link was used already; ask for a new one.",
  link_expired: "This link has expired; ask for a new one.",
  number_not_connected: "Number {number} is not connected in this workspace.",
  number_elsewhere: "This number is connected to another workspace.",
  meta_unreachable: "Meta could not be reached to check the number; try again.",
  meta_refused_token: "Meta refused this access token for the number.",
  tag_exists: "A tag named {name} exists already.",
  attribute_exists: "The attribute {key} exists already.",
  attribute_unknown: "There is no contact attribute {key}.",
  attribute_supervisors_only: "Only supervisors edit {key}.",
  team_in_rotation: "Team {team} is in a number's rotation; take it out of the rules first.",
  canned_not_yours: "This canned response is not yours to change.",
  // Conversations.
  conversation_not_found: "This conversation no longer exists.",
  contact_not_found: "This customer is not on this number.",
  reply_not_assignee: "Only the assigned agent or a supervisor can reply here.",
  number_disconnected: "This number was disconnected: its history stays readable, but nothing can be sent from it.",
  window_closed: "The 24-hour window is closed: only a template can be sent now.",
  customer_not_written: "The customer has not written yet.",
  template_not_approved: "Template {name} ({language}) is not approved for this number; refresh the templates.",
  until_past: "Pick a time in the future.",
  // New conversations.
  number_token_invalid: "WhatsApp refused this number's access token; an admin must connect it again.",
  not_team_member: "Only members of {team} and supervisors start conversations for it.",
  template_variables: "Template {name} needs other variables; fill each one.",
  no_recipient: "This customer has no phone number or WhatsApp id to write to.",
  open_elsewhere: "This customer already has an open conversation with {name}.",
  template_unknown: "Template {name} ({language}) is not on this number any more; reopen this dialog.",
  start_rate_limited: "You started many conversations just now; try again in {retryAfterSeconds} s.",
  unknown_team: "That team does not work on this number.",
};
type Code = keyof typeof en;

const zh: Record<Code, string> = {
  bad_request: "请求无效。",
  unauthorized: "请先登录。",
  forbidden: "您没有权限执行此操作。",
  not_found: "该内容已不存在，请刷新后重试。",
  conflict: "内容已被更改，请刷新后重试。",
  too_large: "内容太大，无法发送。",
  unsupported_type: "不支持此类文件或内容。",
  unprocessable: "服务器无法按所提交的内容处理。",
  upgrade_required: "此操作需要实时连接。",
  too_many_requests: "尝试次数过多，请稍后再试。",
  internal: "服务器出错，请重试。",
  upstream_refused: "WhatsApp 未接受该请求，请稍后再试。",
  unavailable: "服务器暂时无法处理，请稍后再试。",
  invalid_request: "请求无效：请检查字段 {field}。",
  invalid_json: "请求不是有效的 JSON。",
  search_empty: "请输入要搜索的内容。",
  confirm_number: "请再次输入号码 ID 以确认。",
  choice_needs_options: "选项类属性至少需要一个选项。",
  file_too_large: "文件超过 WhatsApp 的 {mb} MB 上限。",
  sign_in_first: "请先登录。",
  session_expired: "登录已失效，请重新登录。",
  wrong_credentials: "邮箱或密码错误。",
  account_deactivated: "此账号已停用，请联系团队管理员。",
  sign_in_locked: "登录失败次数过多，请 {minutes} 分钟后再试。",
  password_wrong: "当前密码错误。",
  supervisors_only: "只有主管和管理员可以执行此操作。",
  admins_only: "只有管理员可以执行此操作。",
  email_taken: "{email} 已有账号。",
  last_admin: "这是工作区最后一位管理员，请先指定其他管理员。",
  cannot_deactivate_self: "不能停用自己。",
  person_deactivated: "此成员已停用，请先重新启用。",
  link_invalid: "链接无效，请重新获取。",
  link_used: "链接已被使用，请重新获取。",
  link_expired: "链接已过期，请重新获取。",
  number_not_connected: "号码 {number} 未接入此工作区。",
  number_elsewhere: "此号码已接入另一个工作区。",
  meta_unreachable: "无法连接 Meta 验证号码，请重试。",
  meta_refused_token: "Meta 拒绝了此号码的访问令牌。",
  tag_exists: "已有名为 {name} 的标签。",
  attribute_exists: "属性 {key} 已存在。",
  attribute_unknown: "没有联系人属性 {key}。",
  attribute_supervisors_only: "只有主管可以编辑 {key}。",
  team_in_rotation: "团队 {team} 在号码的轮流分配中，请先从规则中移除。",
  canned_not_yours: "这条快捷回复不属于您，无法更改。",
  conversation_not_found: "该会话已不存在。",
  contact_not_found: "此号码下没有这位客户。",
  reply_not_assignee: "只有负责的客服或主管可以在此回复。",
  number_disconnected: "此号码已断开：历史记录仍可查看，但无法再发送消息。",
  window_closed: "24 小时服务窗口已关闭：现在只能发送模板消息。",
  customer_not_written: "客户尚未发来消息。",
  template_not_approved: "模板 {name}（{language}）未获此号码批准，请刷新模板。",
  until_past: "请选择将来的时间。",
  number_token_invalid: "WhatsApp 拒绝了此号码的访问令牌，需要管理员重新连接。",
  not_team_member: "只有 {team} 的成员和主管可以为该团队发起会话。",
  template_variables: "模板 {name} 的变量不匹配，请逐一填写。",
  no_recipient: "此客户没有可发送的手机号或 WhatsApp ID。",
  open_elsewhere: "该客户已有与 {name} 的进行中会话。",
  template_unknown: "模板 {name}（{language}）已不在此号码上，请重新打开此窗口。",
  start_rate_limited: "您刚刚发起了太多会话，请 {retryAfterSeconds} 秒后再试。",
  unknown_team: "该团队不在此号码上。",
};

const et = translator({ en, zh });

/** A response with no error body (a proxy's page, a crash): what its status means. */
function statusCode(status: number): Code | undefined {
  return status >= 500 ? "internal" : status === 404 ? "not_found" : status === 403 ? "forbidden" : status === 401 ? "unauthorized" : undefined;
}

/** A refusal's code in the reader's language; the server's English sentence for a code this version does not know. */
export function errorText(code: string | undefined, params: Record<string, string | number>, english: string, status = 0): string {
  const known = code ?? statusCode(status);
  if (known && known in en) return et(known as Code, params);
  return knownReason(known, params) ?? english;
}
