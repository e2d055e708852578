import { describe, expect, it } from "vitest";
import type { Conversation } from "../../shared/inbox";
import { api, connectSocket, createWorkspace, newCustomerWrites, setStatus, tick } from "./helpers";

type Page = { conversations: Conversation[]; nextCursor: string | null };

describe("conversation views: paging and counts", () => {
  it("pages through a view with a stable cursor, newest activity first, nothing twice", async () => {
    const ws = await createWorkspace(1);
    const a = ws.agents[0]!;
    const socket = await connectSocket(a.token, ws.phoneNumberId);
    await setStatus(a.token, "available");
    const phones: string[] = [];
    for (let i = 0; i < 7; i++) {
      phones.push(await newCustomerWrites(ws.phoneNumberId, `问题 ${i}`));
      await tick(3);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `/numbers/${ws.phoneNumberId}/conversations?view=mine&limit=3${cursor ? `&cursor=${cursor}` : ""}`;
      const { status, body }: { status: number; body: Page } = await api<Page>("GET", query, { token: a.token });
      expect(status).toBe(200);
      seen.push(...body.conversations.map((c) => c.contact.waId!));
      cursor = body.nextCursor;
      pages++;
      // A customer writing while the agent scrolls does not shift later pages.
      if (pages === 1) await newCustomerWrites(ws.phoneNumberId, "新问题");
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual([...phones].reverse());
    const bad = await api<{ error: { message: string } }>("GET", `/numbers/${ws.phoneNumberId}/conversations?cursor=abc`, { token: a.token });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/cursor/);
    socket.close();
  });

  it("counts each view for the person asking", async () => {
    const ws = await createWorkspace(2);
    const [a, b] = ws.agents as [(typeof ws.agents)[0], (typeof ws.agents)[0]];
    const socket = await connectSocket(a.token, ws.phoneNumberId);
    await setStatus(a.token, "available");
    await newCustomerWrites(ws.phoneNumberId);
    await newCustomerWrites(ws.phoneNumberId);
    await setStatus(a.token, "away");
    await newCustomerWrites(ws.phoneNumberId); // queued
    const { body: mine } = await api<{ conversations: Conversation[] }>("GET", `/numbers/${ws.phoneNumberId}/conversations`, { token: a.token });
    await api("POST", `/numbers/${ws.phoneNumberId}/conversations/${mine.conversations[0]!.id}/resolve`, { token: a.token });
    expect((await api("GET", `/numbers/${ws.phoneNumberId}/counts`, { token: a.token })).body).toEqual({ mine: 1, unassigned: 1, all: 2, resolved: 1 });
    expect((await api("GET", `/numbers/${ws.phoneNumberId}/counts`, { token: b.token })).body).toEqual({ mine: 0, unassigned: 1, all: 2, resolved: 0 });
    expect((await api("GET", `/numbers/${ws.phoneNumberId}/counts`, { token: ws.adminToken })).body).toEqual({ mine: 0, unassigned: 1, all: 2, resolved: 1 });
    socket.close();
  });
});

describe("list filters", () => {
  it("filters by status, team and unread", async () => {
    const ws = await createWorkspace(2);
    const [a, b] = ws.agents as [(typeof ws.agents)[0], (typeof ws.agents)[0]];
    const sockets = [await connectSocket(a.token, ws.phoneNumberId), await connectSocket(b.token, ws.phoneNumberId)];
    await setStatus(a.token, "available");
    await setStatus(b.token, "available");
    const team = (await api<{ id: string }>("POST", "/teams", { token: ws.adminToken, body: { name: "售后", memberIds: [b.id] } })).body.id;
    await newCustomerWrites(ws.phoneNumberId); // → A
    await newCustomerWrites(ws.phoneNumberId); // → B
    const list = async (query: string) =>
      (await api<{ conversations: Conversation[] }>("GET", `/numbers/${ws.phoneNumberId}/conversations?view=all&${query}`, { token: ws.adminToken })).body.conversations;
    expect((await list(`team=${team}`)).map((c) => c.assigneeId)).toEqual([b.id]);
    expect(await list("team=nope")).toEqual([]);
    const aConversation = (await list("")).find((c) => c.assigneeId === a.id)!;
    await api("POST", `/numbers/${ws.phoneNumberId}/conversations/${aConversation.id}/snooze`, { token: a.token, body: {} });
    expect((await list("status=pending")).map((c) => c.id)).toEqual([aConversation.id]);
    expect((await list("status=open")).map((c) => c.assigneeId)).toEqual([b.id]);
    await api("GET", `/numbers/${ws.phoneNumberId}/conversations/${aConversation.id}/messages`, { token: a.token });
    expect((await list("unread=true")).map((c) => c.assigneeId)).toEqual([b.id]);
    const bad = await api<{ error: { message: string } }>("GET", `/numbers/${ws.phoneNumberId}/conversations?status=closed`, { token: ws.adminToken });
    expect(bad.status).toBe(400);
    sockets.forEach((s) => s.close());
  });
});
