/** The simulator's chat page: a person plays the customer on WhatsApp. */
export function chatPage(options: { displayPhoneNumber: string }): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>WhatsApp customer simulator · 客户模拟器</title>
<style>
  body { font: 15px system-ui, sans-serif; margin: 0; background: #ece5dd; display: flex; justify-content: center; }
  main { width: 420px; min-height: 100vh; background: #f7f3ee; display: flex; flex-direction: column; }
  header { background: #075e54; color: #fff; padding: 12px 16px; }
  header small { display: block; opacity: .8; }
  form.who { display: flex; gap: 6px; padding: 8px 12px; background: #dcf8c6aa; }
  form.who input { flex: 1; min-width: 0; padding: 6px; }
  ol { list-style: none; margin: 0; padding: 12px; flex: 1; overflow-y: auto; display: flex; flex-direction: column; gap: 6px; }
  li { max-width: 80%; padding: 6px 10px; border-radius: 8px; background: #fff; white-space: pre-wrap; }
  li.in { align-self: flex-end; background: #dcf8c6; }
  li.out { align-self: flex-start; }
  li small { display: block; color: #667; font-size: 11px; }
  li img.media { display: block; max-width: 100%; max-height: 220px; border-radius: 6px; margin-bottom: 4px; background: #eee; }
  li a.file { display: block; padding: 8px; border-radius: 6px; background: #f0f0f0; color: #075e54; margin-bottom: 4px; }
  li .rows { display: flex; flex-direction: column; gap: 4px; margin-top: 6px; }
  li .rows button { background: #fff; color: #128c7e; border: 1px solid #128c7e; border-radius: 6px; text-align: left; }
  form.compose { display: flex; gap: 6px; padding: 10px; background: #eee; }
  form.compose input { flex: 1; padding: 10px; border-radius: 20px; border: 1px solid #ccc; }
  button { padding: 8px 14px; border: 0; border-radius: 20px; background: #128c7e; color: #fff; cursor: pointer; }
  label { font-size: 12px; }
</style>
</head>
<body>
<main>
  <header>Chat with the business · 与商家聊天<small>Business number +${options.displayPhoneNumber} (simulated Meta)</small></header>
  <form class="who" aria-label="Customer">
    <label>Name 姓名 <input id="name" value="Zhao Lei 赵磊" autocomplete="off"></label>
    <label>Phone 电话 <input id="waId" value="8613800138000" inputmode="numeric" autocomplete="off"></label>
  </form>
  <ol id="lines" aria-live="polite"></ol>
  <form class="compose" id="compose">
    <input id="text" placeholder="Type a message · 输入消息" aria-label="Message" autocomplete="off">
    <button>Send 发送</button>
  </form>
</main>
<script>
  const lines = document.getElementById("lines");
  const waId = () => document.getElementById("waId").value.trim();
  async function refresh() {
    const res = await fetch("/simulator/messages?waId=" + encodeURIComponent(waId()));
    const { messages } = await res.json();
    lines.replaceChildren(...messages.map((m) => {
      const li = document.createElement("li");
      li.className = m.direction;
      li.textContent = m.text ?? JSON.stringify(m.body);
      // A file from the business, as WhatsApp shows it: a picture inline, anything else as a download.
      if (m.media) {
        const caption = m.media.caption ?? "";
        li.textContent = caption;
        if (m.media.kind === "image" || m.media.kind === "sticker") {
          const img = document.createElement("img");
          img.className = "media";
          img.src = m.media.url;
          img.alt = caption || m.media.kind;
          li.prepend(img);
        } else {
          const a = document.createElement("a");
          a.className = "file";
          a.href = m.media.url;
          a.download = m.media.filename ?? m.media.kind;
          a.textContent = (m.media.kind === "document" ? "📄 " : m.media.kind === "video" ? "🎬 " : "🎵 ") + (m.media.filename ?? m.media.kind);
          li.prepend(a);
        }
      }
      // A list from the business (the satisfaction survey): its rows are buttons the customer taps.
      const rows = m.body && m.body.type === "interactive" ? m.body.interactive.action.sections.flatMap((s) => s.rows) : [];
      if (rows.length) {
        const box = document.createElement("div");
        box.className = "rows";
        for (const row of rows) {
          const b = document.createElement("button");
          b.type = "button";
          b.textContent = row.title + (row.description ? "  " + row.description : "");
          b.onclick = async () => {
            await fetch("/simulator/choices", { method: "POST", headers: { "content-type": "application/json" },
              body: JSON.stringify({ waId: waId(), name: document.getElementById("name").value.trim(), id: row.id, title: row.title, description: row.description }) });
            refresh();
          };
          box.append(b);
        }
        li.append(box);
      }
      const meta = document.createElement("small");
      meta.textContent = new Date(m.at).toLocaleTimeString() + (m.direction === "out" ? " · from the business" : "");
      li.append(meta);
      return li;
    }));
    lines.scrollTop = lines.scrollHeight;
  }
  document.getElementById("compose").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = document.getElementById("text");
    const text = input.value.trim();
    if (!text) return;
    input.value = "";
    await fetch("/simulator/messages", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ waId: waId(), name: document.getElementById("name").value.trim(), text }),
    });
    refresh();
  });
  setInterval(refresh, 1000);
  refresh();
</script>
</body>
</html>`;
}
