import { describe, expect, it } from "vitest";
import type { SearchResult } from "../../shared/inbox";
import { planSearch } from "../../worker/number-inbox/search-plan";
import { api, connectSocket, createWorkspace, customerMessage, postWebhook, setStatus } from "./helpers";

async function search(token: string, phoneNumberId: string, q: string) {
  return api<{ results: SearchResult[]; error?: { message: string } }>("GET", `/numbers/${phoneNumberId}/search?q=${encodeURIComponent(q)}`, { token });
}

describe("search", () => {
  it("finds conversations by name, by phone however typed, and by Chinese and English words in old messages", async () => {
    const ws = await createWorkspace(2);
    const [a, b] = ws.agents as [(typeof ws.agents)[0], (typeof ws.agents)[0]];
    const sockets = [await connectSocket(a.token, ws.phoneNumberId), await connectSocket(b.token, ws.phoneNumberId)];
    await setStatus(a.token, "available");
    const post = (from: string, name: string, text: string) =>
      postWebhook(
        customerMessage(ws.phoneNumberId, from, text).replace(`"Customer ${from}"`, JSON.stringify(name)),
      );
    await post("8613800138000", "王芳", "你好，我想退货，保温杯的盖子坏了");
    await post("8613800138000", "王芳", "The lid is cracked, can I get a refund?");
    await post("8613912345678", "Li Lei", "请问今天能发货吗");

    const byName = await search(a.token, ws.phoneNumberId, "王芳");
    expect(byName.body.results[0]?.conversation.contact.name).toBe("王芳");
    const byPhone = await search(a.token, ws.phoneNumberId, "+86 139-1234");
    expect(byPhone.body.results.map((r) => r.conversation.contact.waId)).toEqual(["8613912345678"]);
    const chinese = await search(a.token, ws.phoneNumberId, "保温杯");
    expect(chinese.body.results).toHaveLength(1);
    expect(chinese.body.results[0]!.message?.snippet).toContain("保温杯");
    const english = await search(a.token, ws.phoneNumberId, "refund");
    expect(english.body.results[0]!.message?.snippet).toMatch(/refund/);
    // Two characters: below the trigram tokenizer, a LIKE match still finds it.
    const short = await search(a.token, ws.phoneNumberId, "发货");
    expect(short.body.results[0]!.message?.snippet).toContain("发货");
    // Only what the viewer may open: B is not assigned any of these.
    expect((await search(b.token, ws.phoneNumberId, "保温杯")).body.results).toHaveLength(0);
    expect((await search(ws.adminToken, ws.phoneNumberId, "保温杯")).body.results).toHaveLength(1);
    const empty = await search(a.token, ws.phoneNumberId, "   ");
    expect(empty.status).toBe(400);
    sockets.forEach((s) => s.close());
  });

  it("plans queries: trigram phrases from three characters, LIKE with wildcards escaped, digits for phones", () => {
    expect(planSearch("退货")).toMatchObject({ ftsPhrase: null, likePattern: "%退货%" });
    expect(planSearch('say "hi"')).toMatchObject({ ftsPhrase: '"say ""hi"""' });
    expect(planSearch("50%_off")?.likePattern).toBe("%50\\%\\_off%");
    expect(planSearch("+86 (138) 0013")?.digits).toBe("861380013");
    expect(planSearch("订单 123")?.digits).toBeNull();
  });
});
