import { env, runInDurableObject, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { AuditEntry } from "../../shared/audit";
import type { NumberDetail } from "../../shared/numbers";
import { app } from "../../worker/app";
import { directoryFor } from "../../worker/directory/client";
import { deploymentMode, deploymentTokenServes } from "../../worker/lib/deployment";
import { Workspace } from "../../worker/workspace/Workspace";
import type { Principal } from "../../worker/lib/result";
import {
  api,
  BASE,
  connectNumber,
  connectSocket,
  conversationOfCustomer,
  conversationsOf,
  createWorkspace,
  GRAPH_CONTROL,
  newCustomerWrites,
  setStatus,
  tick,
  tokenForNumber,
  uniqueNumberId,
} from "./helpers";

type Refusal = { error: { status: number; message: string } };

const operator = (path: string, body: unknown, token = "test-setup-token") =>
  SELF.fetch(`${BASE}/api${path}`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify(body) });

const workspaceIdOf = (token: string) => token.split(".")[0]!;
const ownerOf = (phoneNumberId: string) => directoryFor(env).ownerOfNumber(phoneNumberId);
const auditOf = async (token: string, action: string) => (await api<{ entries: AuditEntry[] }>("GET", `/audit?action=${action}`, { token })).body.entries;

describe("connecting a number needs proof of control (multi-company deployment, the default)", () => {
  it("an admin gives the number's WABA and a token Meta confirms for both; anything less is refused before anything is stored", async () => {
    const ws = await createWorkspace(0);
    const number = uniqueNumberId();
    const waba = uniqueNumberId();
    const attempt = (body: Record<string, unknown>) => api<Refusal>("POST", "/numbers", { token: ws.adminToken, body: { phoneNumberId: number, displayName: "New line", ...body } });

    const noToken = await attempt({ wabaId: waba });
    expect(noToken.status).toBe(422);
    expect(noToken.body.error.message).toMatch(/^accessToken: this deployment serves several companies/);
    const noWaba = await attempt({ accessToken: await tokenForNumber(number, waba) });
    expect(noWaba.status).toBe(422);
    expect(noWaba.body.error.message).toMatch(/^wabaId: /);
    // A real token, but for another number of the company: Meta does not let it read this one.
    const otherNumbersToken = await tokenForNumber(uniqueNumberId(), waba);
    const wrongNumber = await attempt({ wabaId: waba, accessToken: otherNumbersToken });
    expect(wrongNumber.status).toBe(422);
    expect(wrongNumber.body.error.message).toMatch(/Meta refused this access token for number/);
    // The number's token, but naming an account the number is not in (e.g. another company's WABA).
    const elsewhere = uniqueNumberId();
    await fetch(`${GRAPH_CONTROL}/numbers`, { method: "POST", body: JSON.stringify({ phoneNumberId: uniqueNumberId(), wabaId: elsewhere }) });
    const wrongWaba = await attempt({ wabaId: elsewhere, accessToken: await tokenForNumber(number, waba) });
    expect(wrongWaba.status).toBe(422);
    expect(wrongWaba.body.error.message).toMatch(/^wabaId: Meta refused this access token for WhatsApp Business Account/);

    expect(await ownerOf(number)).toBeNull();
    expect((await api<{ numbers: NumberDetail[] }>("GET", "/numbers", { token: ws.adminToken })).body.numbers.map((n) => n.phoneNumberId)).not.toContain(number);

    const connected = await connectNumber(ws.adminToken, number, { wabaId: waba });
    expect(connected.status).toBe(200);
    expect(connected.body).toMatchObject({ phoneNumberId: number, wabaId: waba, hasOwnToken: true, deploymentToken: false, displayPhoneNumber: expect.stringMatching(/^\+1 555-/) });
    expect(await ownerOf(number)).toBe(workspaceIdOf(ws.adminToken));
  });

  it("two companies claiming the same free number at once: one gets it, the other 409, and the number answers to the winner only", async () => {
    const [x, y] = await Promise.all([createWorkspace(0), createWorkspace(0)]);
    const number = uniqueNumberId();
    const waba = uniqueNumberId();
    const token = await tokenForNumber(number, waba);
    const claims = await Promise.all(
      [x, y].map((ws) => api<NumberDetail & Refusal>("POST", "/numbers", { token: ws.adminToken, body: { phoneNumberId: number, wabaId: waba, accessToken: token, displayName: "Contested" } })),
    );
    expect(claims.map((c) => c.status).sort()).toEqual([200, 409]);
    const winner = claims[0]!.status === 200 ? x : y;
    const loser = winner === x ? y : x;
    expect(claims.find((c) => c.status === 409)!.body.error.message).not.toContain(workspaceIdOf(winner.adminToken));
    expect(await ownerOf(number)).toBe(workspaceIdOf(winner.adminToken));
    expect((await api("GET", `/numbers/${number}/conversations?view=all`, { token: winner.adminToken })).status).toBe(200);
    expect((await api("GET", `/numbers/${number}/conversations?view=all`, { token: loser.adminToken })).status).toBe(404);
  });

  it("a replacement token must prove the number and its WABA too", async () => {
    const ws = await createWorkspace(0);
    const stranger = await tokenForNumber(uniqueNumberId(), uniqueNumberId());
    const refused = await api<Refusal>("PUT", `/numbers/${ws.phoneNumberId}`, { token: ws.adminToken, body: { accessToken: stranger } });
    expect(refused.status).toBe(422);
  });
});

describe("releasing a number is its owner's act", () => {
  it("audited, the conversations go with it, the socket closes, and whoever connects it next (with proof) starts empty", async () => {
    const b = await createWorkspace(1);
    const agent = b.agents[0]!;
    const socket = await connectSocket(agent.token, b.phoneNumberId);
    await setStatus(agent.token, "available");
    await conversationOfCustomer(b.adminToken, b.phoneNumberId, await newCustomerWrites(b.phoneNumberId, "旧客户"));

    expect((await api("POST", `/numbers/${b.phoneNumberId}/release`, { token: agent.token, body: { confirm: b.phoneNumberId } })).status).toBe(403);
    const unconfirmed = await api<Refusal>("POST", `/numbers/${b.phoneNumberId}/release`, { token: b.adminToken, body: { confirm: "1" } });
    expect(unconfirmed.status).toBe(400);
    const released = await api("POST", `/numbers/${b.phoneNumberId}/release`, { token: b.adminToken, body: { confirm: b.phoneNumberId } });
    expect(released.status).toBe(200);
    expect(await auditOf(b.adminToken, "number.release")).toEqual([expect.objectContaining({ target: `number:${b.phoneNumberId}`, actorName: "Admin" })]);
    await tick(50);
    expect(socket.events.some((e) => e.type === "revoked")).toBe(true);
    expect((await api("GET", `/numbers/${b.phoneNumberId}/conversations?view=all`, { token: b.adminToken })).status).toBe(404);
    expect(await ownerOf(b.phoneNumberId)).toBeNull();

    const a = await createWorkspace(0);
    const wabaId = uniqueNumberId();
    expect((await connectNumber(a.adminToken, b.phoneNumberId, { wabaId })).status).toBe(200);
    expect(await conversationsOf(a.adminToken, b.phoneNumberId, "all")).toEqual([]);
    expect(await conversationsOf(a.adminToken, b.phoneNumberId, "resolved")).toEqual([]);
    socket.close();
  });
});

describe("the deployment operator (setup token)", () => {
  it("connects a number for a workspace, whose own token the deployment's then stands in for; refused for another's number or without the token", async () => {
    const ws = await createWorkspace(1);
    const workspaceId = workspaceIdOf(ws.adminToken);
    const number = uniqueNumberId();
    const body = { workspaceId, phoneNumberId: number, displayName: "Operator line", memberIds: [ws.agents[0]!.id] };
    expect((await operator("/setup/numbers", body, ws.adminToken)).status).toBe(401);
    const connected = await operator("/setup/numbers", body);
    expect(connected.status).toBe(200);
    expect(await connected.json()).toMatchObject({ phoneNumberId: number, hasOwnToken: false, deploymentToken: true });
    expect(await auditOf(ws.adminToken, "number.connect")).toContainEqual(expect.objectContaining({ target: `number:${number}`, actorName: "Deployment operator" }));

    // A reply from it goes out with the deployment's token (the one the simulator calls "test-access-token").
    const agent = ws.agents[0]!;
    const socket = await connectSocket(agent.token, number);
    await setStatus(agent.token, "available");
    const phone = await newCustomerWrites(number);
    const conversation = await conversationOfCustomer(ws.adminToken, number, phone);
    expect((await api("POST", `/numbers/${number}/conversations/${conversation.id}/messages`, { token: agent.token, body: { type: "text", text: "您好", clientId: crypto.randomUUID() } })).status).toBe(200);
    await tick(100);
    const sent = (await (await fetch(`${GRAPH_CONTROL}/sent?to=${phone}`)).json()) as { sent: { tokenTail: string }[] };
    expect(sent.sent.map((s) => s.tokenTail)).toEqual(["oken"]);
    socket.close();

    const other = await createWorkspace(0);
    const taken = await operator("/setup/numbers", { ...body, workspaceId: workspaceIdOf(other.adminToken), memberIds: [] });
    expect(taken.status).toBe(409);
    expect((await operator("/setup/numbers", { ...body, workspaceId: "wnosuchworkspace1", phoneNumberId: uniqueNumberId(), memberIds: [] })).status).toBe(404);
  });

  it("moves a number with its conversations to another workspace: audited in both, the old owner shut out, the number's object answering to the new one", async () => {
    const from = await createWorkspace(1);
    const to = await createWorkspace(1);
    const socket = await connectSocket(from.agents[0]!.token, from.phoneNumberId);
    // The old owner's admin works on the number too: every socket of the company it leaves must close.
    const adminSocket = await connectSocket(from.adminToken, from.phoneNumberId);
    await setStatus(from.agents[0]!.token, "available");
    const phone = await newCustomerWrites(from.phoneNumberId, "搬家前的消息");
    await conversationOfCustomer(from.adminToken, from.phoneNumberId, phone);

    const move = { toWorkspaceId: workspaceIdOf(to.adminToken), memberIds: [to.agents[0]!.id] };
    expect((await operator(`/setup/numbers/${from.phoneNumberId}/move`, move, from.adminToken)).status).toBe(401);
    const moved = await operator(`/setup/numbers/${from.phoneNumberId}/move`, move);
    expect(moved.status).toBe(200);
    expect(await moved.json()).toMatchObject({ phoneNumberId: from.phoneNumberId, displayName: "Shop", deploymentToken: true });

    expect(await auditOf(from.adminToken, "number.move_out")).toEqual([expect.objectContaining({ target: `number:${from.phoneNumberId}`, actorName: "Deployment operator" })]);
    const moveIn = await auditOf(to.adminToken, "number.move_in");
    expect(moveIn).toEqual([expect.objectContaining({ target: `number:${from.phoneNumberId}`, actorName: "Deployment operator" })]);
    // Neither log names the other company.
    expect(JSON.stringify(await auditOf(from.adminToken, "number.move_out"))).not.toContain(workspaceIdOf(to.adminToken));
    expect(JSON.stringify(moveIn)).not.toContain(workspaceIdOf(from.adminToken));

    expect(await ownerOf(from.phoneNumberId)).toBe(workspaceIdOf(to.adminToken));
    expect((await api("GET", `/numbers/${from.phoneNumberId}/conversations?view=all`, { token: from.adminToken })).status).toBe(404);
    expect((await conversationsOf(to.adminToken, from.phoneNumberId, "all")).map((c) => c.contact.waId)).toEqual([phone]);
    await tick(50);
    expect(socket.events.some((e) => e.type === "revoked")).toBe(true);
    expect(adminSocket.events.some((e) => e.type === "revoked")).toBe(true);
    adminSocket.close();
    const asOldOwner: Principal = { workspaceId: workspaceIdOf(from.adminToken), personId: "someone", name: "Old", role: "admin" };
    expect(await env.NUMBER_INBOX.getByName(from.phoneNumberId).counts(asOldOwner)).toMatchObject({ ok: false, status: 404 });
    socket.close();
  });
});

describe("single-company deployments (DEPLOYMENT_MODE=single)", () => {
  it("the switch: only the word single turns it on; the deployment's token then serves every number", () => {
    expect(deploymentMode({})).toBe("multi");
    expect(deploymentMode({ DEPLOYMENT_MODE: "multi" })).toBe("multi");
    expect(deploymentMode({ DEPLOYMENT_MODE: "singel" })).toBe("multi");
    expect(deploymentMode({ DEPLOYMENT_MODE: " Single " })).toBe("single");
    expect(deploymentTokenServes({}, {})).toBe(false);
    expect(deploymentTokenServes({}, { operatorConnected: true })).toBe(true);
    expect(deploymentTokenServes({ DEPLOYMENT_MODE: "single" }, {})).toBe(true);
  });

  it("refuses a second workspace", async () => {
    await createWorkspace(0); // this deployment already has one
    const response = await app.request(
      `${BASE}/api/setup`,
      { method: "POST", headers: { "content-type": "application/json", authorization: "Bearer test-setup-token" }, body: JSON.stringify({ workspaceName: "Second", admin: { name: "Two", email: `two-${uniqueNumberId()}@example.test`, password: "password-1" } }) },
      { ...env, DEPLOYMENT_MODE: "single" },
    );
    expect(response.status).toBe(409);
    expect(((await response.json()) as Refusal).error.message).toMatch(/serves a single company/);
  });

  it("an admin connects a number without a token of its own: Meta must still confirm the deployment's token reads it", async () => {
    const ws = await createWorkspace(0);
    const me = (await api<{ agent: { id: string } }>("GET", "/me", { token: ws.adminToken })).body.agent;
    const admin: Principal = { workspaceId: workspaceIdOf(ws.adminToken), personId: me.id, name: "Admin", role: "admin" };
    const number = uniqueNumberId();
    const result = await runInDurableObject(env.WORKSPACE.getByName(admin.workspaceId), async (_, state) => {
      const single = new Workspace(state, { ...env, DEPLOYMENT_MODE: "single" });
      return single.connectNumber(admin, { phoneNumberId: number, displayName: "Own line", memberIds: [] });
    });
    expect(result).toMatchObject({ ok: true, value: { phoneNumberId: number, hasOwnToken: false, deploymentToken: true } });
  });
});
