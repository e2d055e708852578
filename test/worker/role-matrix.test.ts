import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Session } from "../../shared/people";
import { api, BASE, conversationOfCustomer, createWorkspace, newCustomerWrites, setStatus, unique } from "./helpers";

type Gate = "public" | "setup" | "agent" | "supervisor" | "admin";

/**
 * Who may call each route of the API: the least role it needs. Every route of the OpenAPI document must be listed,
 * so a new route cannot ship without someone deciding who may call it.
 */
const MATRIX: Record<string, Gate> = {
  "POST /sessions": "public",
  "GET /invites/{token}": "public",
  "POST /invites/{token}/accept": "public",
  "POST /setup": "setup",
  "POST /setup/import": "setup",
  "POST /setup/import/begin": "setup",
  "POST /setup/import/rows": "setup",
  "POST /setup/import/finish": "setup",
  "POST /setup/numbers": "setup",
  "POST /setup/numbers/{phoneNumberId}/move": "setup",

  "GET /me": "agent",
  "PUT /me": "agent",
  "PUT /me/status": "agent",
  "PUT /me/password": "agent",
  "GET /catalog": "agent",
  "POST /canned-responses": "agent",
  "PUT /canned-responses/{id}": "agent",
  "DELETE /canned-responses/{id}": "agent",
  "POST /socket-ticket": "agent",
  "GET /teams": "agent",
  "GET /workspace/settings": "agent",
  "GET /numbers/{phoneNumberId}/conversations": "agent",
  "POST /numbers/{phoneNumberId}/conversations": "agent",
  "GET /numbers/{phoneNumberId}/counts": "agent",
  "GET /numbers/{phoneNumberId}/search": "agent",
  "GET /numbers/{phoneNumberId}/templates": "agent",
  "GET /numbers/{phoneNumberId}/agents": "agent",
  "GET /numbers/{phoneNumberId}/routing": "agent",
  "GET /numbers/{phoneNumberId}/contacts/{contactId}": "agent",
  "POST /numbers/{phoneNumberId}/contacts/{contactId}/tags": "agent",
  "PUT /numbers/{phoneNumberId}/contacts/{contactId}/attributes/{key}": "agent",
  "PUT /numbers/{phoneNumberId}/contacts/{contactId}/language": "agent",
  "GET /numbers/{phoneNumberId}/conversations/{conversationId}/messages": "agent",
  "POST /numbers/{phoneNumberId}/conversations/{conversationId}/messages": "agent",
  "POST /numbers/{phoneNumberId}/conversations/{conversationId}/typing": "agent",
  "POST /numbers/{phoneNumberId}/conversations/{conversationId}/resolve": "agent",
  "POST /numbers/{phoneNumberId}/conversations/{conversationId}/reopen": "agent",
  "POST /numbers/{phoneNumberId}/conversations/{conversationId}/read": "agent",
  "POST /numbers/{phoneNumberId}/conversations/{conversationId}/claim": "agent",
  "POST /numbers/{phoneNumberId}/conversations/{conversationId}/snooze": "agent",
  "POST /numbers/{phoneNumberId}/conversations/{conversationId}/transfer": "agent",
  "POST /numbers/{phoneNumberId}/conversations/bulk": "agent",
  "POST /numbers/{phoneNumberId}/conversations/bulk/{undoId}/undo": "agent",
  "DELETE /sessions/current": "agent",

  "GET /events": "supervisor",
  "GET /people": "supervisor",
  "PUT /people/{personId}": "supervisor",
  "PUT /people/{personId}/status": "supervisor",
  "POST /people/{personId}/deactivate": "supervisor",
  "POST /people/{personId}/reactivate": "supervisor",
  "POST /people/{personId}/password-reset": "supervisor",
  "POST /invites": "supervisor",
  "GET /invites": "supervisor",
  "DELETE /invites/{inviteId}": "supervisor",
  "GET /numbers": "supervisor",
  "POST /numbers/{phoneNumberId}/check": "supervisor",
  "GET /floor": "supervisor",
  "GET /audit": "supervisor",
  "GET /audit/export.csv": "supervisor",
  "GET /board": "supervisor",
  "GET /reports": "supervisor",
  "GET /reports/export.csv": "supervisor",
  "GET /numbers/{phoneNumberId}/conversations/{conversationId}/review": "supervisor",
  "POST /tag-groups": "supervisor",
  "PUT /tag-groups/{id}": "supervisor",
  "DELETE /tag-groups/{id}": "supervisor",
  "POST /tags": "supervisor",
  "PUT /tags/{id}": "supervisor",
  "DELETE /tags/{id}": "supervisor",
  "GET /tags/usage": "supervisor",
  "POST /attributes": "supervisor",
  "PUT /attributes/{key}": "supervisor",
  "DELETE /attributes/{key}": "supervisor",
  "GET /canned-responses/library": "supervisor",
  "GET /canned-responses/export.csv": "supervisor",
  "POST /canned-responses/import": "supervisor",
  "POST /teams": "supervisor",
  "PUT /teams/{teamId}": "supervisor",
  "DELETE /teams/{teamId}": "supervisor",
  "PUT /numbers/{phoneNumberId}/routing": "supervisor",
  "GET /numbers/{phoneNumberId}/automation": "supervisor",
  "PUT /numbers/{phoneNumberId}/automation": "supervisor",
  "PUT /workspace/settings": "supervisor",
  "GET /numbers/{phoneNumberId}/unreadable": "supervisor",
  "GET /numbers/{phoneNumberId}/unreadable/{deliveryId}": "supervisor",
  "POST /numbers/{phoneNumberId}/unreadable/{deliveryId}/dismiss": "supervisor",

  "POST /people": "admin",
  "POST /numbers": "admin",
  "PUT /numbers/{phoneNumberId}": "admin",
  "POST /numbers/{phoneNumberId}/disconnect": "admin",
  "POST /numbers/{phoneNumberId}/release": "admin",
  "GET /numbers/{phoneNumberId}/webhook-setup": "admin",
  "GET /workspace/export": "admin",
};

const RANK = { agent: 0, supervisor: 1, admin: 2 } as const;
type Role = keyof typeof RANK;

async function documentedRoutes(): Promise<string[]> {
  const doc = (await (await SELF.fetch(`${BASE}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`));
}

/** A refusal because of who asks, as the role gate and the objects word it. */
const ROLE_REFUSAL = /this needs the role|only (supervisors|admins|an admin)/;

describe("the role matrix covers every route", () => {
  it("lists exactly the routes of the OpenAPI document", async () => {
    expect(Object.keys(MATRIX).sort()).toEqual((await documentedRoutes()).sort());
  });

  it("each role below a route's gate gets 403 and a sentence; each role at or above it gets past the gate", async () => {
    const ws = await createWorkspace(2);
    const [caller, target] = [ws.agents[0]!, ws.agents[1]!];
    const supEmail = `sup-${unique("")}@example.test`;
    await api("POST", "/people", { token: ws.adminToken, body: { name: "Sup", email: supEmail, password: "password-1", role: "supervisor" } });
    const supervisor = (await api<Session>("POST", "/sessions", { body: { email: supEmail, password: "password-1" } })).body.token;
    await setStatus(caller.token, "available");
    const conversation = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, await newCustomerWrites(ws.phoneNumberId));
    const tokens: Record<Role, string> = { agent: caller.token, supervisor, admin: ws.adminToken };
    const concrete = (path: string) =>
      path
        .replace("{phoneNumberId}", ws.phoneNumberId)
        .replace("{conversationId}", conversation.id)
        .replace("{contactId}", conversation.contact.id)
        .replace("{personId}", target.id)
        .replace(/\{[a-zA-Z]+\}/g, "x1");

    // Signing out and disconnecting the number end what the other calls rely on: they go last.
    const last = ["POST /numbers/{phoneNumberId}/disconnect", "DELETE /sessions/current"];
    const routes = Object.entries(MATRIX).sort(([a], [b]) => last.indexOf(a) - last.indexOf(b));
    let checked = 0;
    for (const [route, gate] of routes) {
      if (gate === "public") continue;
      const [method, path] = route.split(" ") as [string, string];
      for (const role of Object.keys(RANK) as Role[]) {
        const response = await SELF.fetch(`${BASE}/api${concrete(path)}`, {
          method,
          headers: { authorization: `Bearer ${tokens[role]}`, "content-type": "application/json" },
          body: method === "GET" ? undefined : "{}",
        });
        const text = await response.text();
        const message = response.headers.get("content-type")?.includes("json") ? ((JSON.parse(text) as { error?: { message: string } }).error?.message ?? "") : "";
        const label = `${role} ${route}`;
        if (gate === "setup") {
          // A session, even an admin's, never stands in for the deployment's setup token.
          expect({ label, status: response.status }).toEqual({ label, status: 401 });
        } else if (RANK[role] < RANK[gate]) {
          expect({ label, status: response.status, roleRefusal: ROLE_REFUSAL.test(message) }).toEqual({ label, status: 403, roleRefusal: true });
        } else {
          expect({ label, pastTheGate: response.status !== 401 && !(response.status === 403 && ROLE_REFUSAL.test(message)) }).toEqual({ label, pastTheGate: true });
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(200);
  });
});
