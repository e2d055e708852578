/**
 * The page behind an invitation or password-reset link. Served by the worker as one static HTML document (no
 * token in it: the script reads the link's path), so the link works in any browser, before the extension is
 * installed. Text in English and Simplified Chinese, following the browser's language with a switch.
 */
export function invitePage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Team Inbox</title>
<style>
  body { font: 15px/1.5 system-ui, "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif; background: #f3f5f4; color: #1d2a26; margin: 0; }
  main { max-width: 420px; margin: 48px auto; background: #fff; border-radius: 10px; padding: 28px; box-shadow: 0 1px 4px rgba(0,0,0,.12); }
  h1 { font-size: 20px; margin: 0 0 4px; } p { margin: 6px 0 16px; color: #4a5a55; }
  label { display: block; font-weight: 600; margin: 14px 0 4px; }
  input { width: 100%; box-sizing: border-box; padding: 9px 10px; border: 1px solid #b9c4c0; border-radius: 6px; font: inherit; }
  input:focus, button:focus { outline: 3px solid #7cc4a8; outline-offset: 1px; }
  button { margin-top: 20px; width: 100%; padding: 10px; border: 0; border-radius: 6px; background: #1f7a5c; color: #fff; font: inherit; font-weight: 600; cursor: pointer; }
  button[disabled] { opacity: .6; }
  .lang { float: right; background: none; color: #1f7a5c; width: auto; margin: 0; padding: 2px 6px; font-weight: 400; }
  [role=alert] { color: #a32d2d; margin-top: 12px; } .done { color: #1f7a5c; }
</style>
</head>
<body>
<main>
  <button class="lang" id="lang" type="button"></button>
  <h1 id="title"></h1>
  <p id="lead"></p>
  <form id="form" hidden>
    <div id="invite-fields">
      <label for="name" data-t="name"></label><input id="name" name="name" autocomplete="name" maxlength="80">
      <label for="email" data-t="email"></label><input id="email" name="email" type="email" autocomplete="email" maxlength="254">
    </div>
    <label for="password" data-t="password"></label><input id="password" name="password" type="password" autocomplete="new-password" minlength="8" required>
    <button id="submit" type="submit"></button>
  </form>
  <div id="error" role="alert"></div>
  <p id="done" class="done" role="status"></p>
</main>
<script>
const text = {
  en: { lang: "中文", invite: "Join {w}", reset: "Set a new password", inviteLead: "You are invited as {r}. Choose your name, email and password.",
        resetLead: "For {e}. Choose a new password; your other sessions end.", name: "Your name", email: "Email", password: "Password (at least 8 characters)",
        accept: "Create my account", save: "Save password", busy: "Saving…", expired: "This link cannot be used",
        done: "Done. Open the Team Inbox extension and sign in as {e}.", admin: "an admin", supervisor: "a supervisor", agent: "an agent" },
  zh: { lang: "English", invite: "加入 {w}", reset: "设置新密码", inviteLead: "您受邀成为{r}。请填写姓名、邮箱和密码。",
        resetLead: "账号 {e}。请设置新密码，其他设备上的登录将失效。", name: "您的姓名", email: "邮箱", password: "密码（至少 8 位）",
        accept: "创建我的账号", save: "保存密码", busy: "正在保存…", expired: "此链接无法使用",
        done: "完成。请打开 Team Inbox 扩展，用 {e} 登录。", admin: "管理员", supervisor: "主管", agent: "客服" },
};
let lang = (navigator.language || "en").toLowerCase().startsWith("zh") ? "zh" : "en";
const token = decodeURIComponent(location.pathname.split("/").pop() || "");
const $ = (id) => document.getElementById(id);
let preview = null, error = "", doneEmail = "";
const t = (k, v = {}) => text[lang][k].replace(/\\{(\\w)\\}/g, (_, x) => v[x] ?? "");
function render() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  $("lang").textContent = text[lang].lang;
  document.querySelectorAll("[data-t]").forEach((el) => (el.textContent = t(el.dataset.t)));
  if (preview) {
    const reset = preview.kind === "reset";
    $("title").textContent = reset ? t("reset") : t("invite", { w: preview.workspaceName });
    $("lead").textContent = reset ? t("resetLead", { e: preview.email }) : t("inviteLead", { r: t(preview.role) });
    $("invite-fields").hidden = reset;
    $("name").required = !reset; $("email").required = !reset;
    $("submit").textContent = reset ? t("save") : t("accept");
    $("form").hidden = Boolean(doneEmail);
  } else if (error) { $("title").textContent = t("expired"); }
  $("error").textContent = error;
  $("done").textContent = doneEmail ? t("done", { e: doneEmail }) : "";
}
$("lang").onclick = () => { lang = lang === "zh" ? "en" : "zh"; render(); };
$("form").onsubmit = async (event) => {
  event.preventDefault();
  const button = $("submit"); button.disabled = true; button.textContent = t("busy"); error = "";
  const body = preview.kind === "reset" ? { password: $("password").value } : { name: $("name").value, email: $("email").value, password: $("password").value };
  try {
    const response = await fetch("/api/invites/" + encodeURIComponent(token) + "/accept", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const json = await response.json();
    if (response.ok) doneEmail = json.email; else error = json.error.message;
  } catch { error = "network error"; }
  button.disabled = false; render();
};
fetch("/api/invites/" + encodeURIComponent(token)).then(async (response) => {
  const json = await response.json();
  if (response.ok) preview = json; else error = json.error.message;
  render();
}).catch(() => { error = "network error"; render(); });
render();
</script>
</body>
</html>`;
}
