import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { BulkResult, BulkUndoResult } from "../../shared/bulk";
import type { Conversation } from "../../shared/inbox";
import type { Session } from "../../shared/people";
import { api, connectSocket, conversationOfCustomer, createWorkspace, newCustomerWrites, setStatus, unique } from "./helpers";

/** A workspace whose two agents each hold `perAgent` conversations; a supervisor; a tag; a team of agent B. */
async function setup(perAgent: number) {
  const ws = await createWorkspace(2);
  const [a, b] = ws.agents as [(typeof ws.agents)[0], (typeof ws.agents)[0]];
  const sockets = [await connectSocket(a.token, ws.phoneNumberId), await connectSocket(b.token, ws.phoneNumberId)];
  await setStatus(a.token, "available");
  await setStatus(b.token, "available");
  const supEmail = `sup-${unique("")}@example.test`;
  await api("POST", "/people", { token: ws.adminToken, body: { name: "Sup", email: supEmail, password: "password-1", role: "supervisor" } });
  const supervisor = (await api<Session>("POST", "/sessions", { body: { email: supEmail, password: "password-1" } })).body.token;
  const tag = (await api<{ id: string }>("POST", "/tags", { token: ws.adminToken, body: { name: "退货" } })).body.id;
  const team = (await api<{ id: string }>("POST", "/teams", { token: ws.adminToken, body: { name: "售后", memberIds: [b.id] } })).body.id;
  const conversations: Conversation[] = [];
  // Round robin: A, B, A, B…
  for (let i = 0; i < perAgent * 2; i++) conversations.push(await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, await newCustomerWrites(ws.phoneNumberId, `第 ${i} 个问题`)));
  const path = `/numbers/${ws.phoneNumberId}/conversations`;
  const view = async (name: string) => (await api<{ conversations: Conversation[] }>("GET", `${path}?view=${name}&limit=200`, { token: ws.adminToken })).body.conversations;
  const all = async () => [...(await view("all")), ...(await view("resolved"))].filter((c) => conversations.some((x) => x.id === c.id));
  const bulk = (token: string, body: unknown) => api<BulkResult & { error?: { message: string } }>("POST", `${path}/bulk`, { token, body });
  const undo = (token: string, undoId: string) => api<BulkUndoResult & { error?: { code: string } }>("POST", `${path}/bulk/${undoId}/undo`, { token });
  const close = () => sockets.forEach((s) => s.close());
  return { ws, a, b, supervisor, tag, team, conversations, all, bulk, undo, close };
}

const state = (c: Conversation) => ({ id: c.id, status: c.status, assigneeId: c.assigneeId, teamId: c.teamId, tags: [...c.tags].sort() });
const byId = (list: Conversation[]) => list.map(state).sort((x, y) => Number(x.id) - Number(y.id));

describe("bulk actions on conversations", () => {
  it("an agent's bulk resolve: their own done, a colleague's refused with the single action's code; one undo brings theirs back", async () => {
    const s = await setup(3);
    const before = byId(await s.all());
    const ids = s.conversations.map((c) => c.id);
    const done = await s.bulk(s.a.token, { ids, action: { kind: "resolve" } });
    expect(done.status).toBe(200);
    const mine = new Set(before.filter((c) => c.assigneeId === s.a.id).map((c) => c.id));
    expect(mine.size).toBe(3);
    for (const r of done.body.results) {
      if (mine.has(r.id)) expect(r).toEqual({ id: r.id, outcome: "done" });
      else expect(r).toMatchObject({ id: r.id, outcome: "refused", code: "assigned_elsewhere", message: "this conversation is assigned to someone else" });
    }
    expect(done.body.results.map((r) => r.id)).toEqual(ids); // in the order asked
    expect((await s.all()).filter((c) => c.status === "resolved").map((c) => c.id).sort()).toEqual([...mine].sort());

    const undone = await s.undo(s.a.token, done.body.undoId!);
    expect(undone.status).toBe(200);
    expect(undone.body.results.map((r) => r.outcome)).toEqual(["done", "done", "done"]);
    expect(byId(await s.all())).toEqual(before);
    // Once only.
    expect((await s.undo(s.a.token, done.body.undoId!)).body.error?.code).toBe("undo_gone");
    s.close();
  });

  it("a supervisor assigns, tags and marks pending across agents; each undo restores every conversation as it was", async () => {
    const s = await setup(4);
    const ids = s.conversations.map((c) => c.id);
    const original = byId(await s.all());
    for (const action of [{ kind: "assign", toAgentId: s.b.id }, { kind: "tag", tagId: s.tag }, { kind: "pending" }, { kind: "transfer", toTeamId: s.team }] as const) {
      const done = await s.bulk(s.supervisor, { ids, action });
      expect(done.status, JSON.stringify(done.body)).toBe(200);
      const outcomes = done.body.results.map((r) => r.outcome);
      const after = await s.all();
      if (action.kind === "assign") {
        // B's own four are already theirs: refused the way a single transfer would be.
        expect(done.body.results.filter((r) => r.outcome === "refused").every((r) => r.code === "already_theirs")).toBe(true);
        expect(outcomes.filter((o) => o === "done")).toHaveLength(4);
        expect(after.every((c) => c.assigneeId === s.b.id)).toBe(true);
      }
      if (action.kind === "tag") expect(after.every((c) => c.tags.includes(s.tag))).toBe(true);
      if (action.kind === "pending") expect(after.every((c) => c.status === "pending")).toBe(true);
      if (action.kind === "transfer") expect(outcomes.filter((o) => o === "done")).toHaveLength(8);
      const undone = await s.undo(s.supervisor, done.body.undoId!);
      expect(undone.body.results.every((r) => r.outcome === "done"), JSON.stringify(undone.body)).toBe(true);
      expect(byId(await s.all()), action.kind).toEqual(original);
    }
    s.close();
  });

  it("an undo leaves alone a conversation someone changed since, and only the person who acted may undo", async () => {
    const s = await setup(1);
    const [first, second] = s.conversations as [Conversation, Conversation];
    const done = await s.bulk(s.supervisor, { ids: [first.id, second.id], action: { kind: "resolve" } });
    expect(done.body.results.map((r) => r.outcome)).toEqual(["done", "done"]);
    expect((await s.undo(s.a.token, done.body.undoId!)).status).toBe(404);
    await api("POST", `/numbers/${s.ws.phoneNumberId}/conversations/${second.id}/reopen`, { token: s.ws.adminToken });
    const undone = await s.undo(s.supervisor, done.body.undoId!);
    expect(undone.body.results).toEqual([
      { id: first.id, outcome: "done" },
      expect.objectContaining({ id: second.id, outcome: "refused", code: "changed_since" }),
    ]);
    s.close();
  });

  it("refuses a request it cannot read, naming the field, and changes nothing", async () => {
    const s = await setup(1);
    const before = byId(await s.all());
    const ids = s.conversations.map((c) => c.id);
    const bad = [
      [{ ids: [], action: { kind: "resolve" } }, "ids"],
      [{ ids: Array.from({ length: 201 }, (_, i) => String(i + 1)), action: { kind: "resolve" } }, "at most 200"],
      [{ ids: [ids[0], ids[0]], action: { kind: "resolve" } }, "each conversation once"],
      [{ ids, action: { kind: "delete" } }, "action"],
      [{ ids, action: { kind: "assign" } }, "toAgentId"],
    ] as const;
    for (const [body, says] of bad) {
      const response = await s.bulk(s.supervisor, body);
      expect(response.status).toBe(400);
      expect(response.body.error?.message).toContain(says);
    }
    expect(byId(await s.all())).toEqual(before);
    s.close();
  });

  it("property: any selection and action, then its undo, leaves every conversation as it was", async () => {
    const s = await setup(2);
    const original = byId(await s.all());
    const ids = s.conversations.map((c) => c.id);
    const action = fc.constantFrom<Record<string, unknown>>(
      { kind: "assign", toAgentId: s.a.id },
      { kind: "assign", toAgentId: s.b.id },
      { kind: "tag", tagId: s.tag },
      { kind: "pending" },
      { kind: "resolve" },
      { kind: "transfer", toTeamId: s.team },
    );
    await fc.assert(
      fc.asyncProperty(fc.subarray(ids, { minLength: 1 }), action, fc.constantFrom(s.supervisor, s.a.token), async (selection, act, token) => {
        const done = await s.bulk(token, { ids: selection, action: act });
        expect(done.status).toBe(200);
        expect(done.body.results.map((r) => r.id)).toEqual(selection);
        if (done.body.undoId) await s.undo(token, done.body.undoId);
        expect(byId(await s.all())).toEqual(original);
      }),
      { numRuns: 12 },
    );
    s.close();
  });
});
