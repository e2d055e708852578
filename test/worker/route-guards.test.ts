import { SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, BASE, createWorkspace, newCustomerWrites, conversationOfCustomer, type TestWorkspace } from "./helpers";

/** Routes anyone may call: sign-in, workspace setup (its own secret), and the invitation link (the link is the credential). */
const PUBLIC = new Set(["POST /sessions", "POST /setup", "GET /invites/{token}", "POST /invites/{token}/accept"]);

interface Operation {
  method: string;
  path: string;
}

async function everyRoute(): Promise<Operation[]> {
  const doc = (await (await SELF.fetch(`${BASE}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  return Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => ({ method: method.toUpperCase(), path })));
}

/** Fills a route's parameters with this workspace's real ids, so a refusal is about who asks, not what. */
function concrete(path: string, ws: TestWorkspace, conversationId: string): string {
  return path
    .replace("{phoneNumberId}", ws.phoneNumberId)
    .replace("{conversationId}", conversationId)
    .replace("{personId}", ws.agents[0]!.id)
    .replace("{contactId}", "1")
    .replace(/\{[a-zA-Z]+\}/g, "x1");
}

async function call(op: Operation, path: string, token: string | null) {
  const response = await SELF.fetch(`${BASE}/api${path}`, {
    method: op.method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), "content-type": "application/json" },
    body: op.method === "GET" ? undefined : "{}",
  });
  await response.arrayBuffer();
  return response.status;
}

describe("every route checks who is asking", () => {
  it("the OpenAPI document lists the API, and every route but sign-in, setup and invitation links refuses a request without a token (401)", async () => {
    const ws = await createWorkspace(1);
    const routes = await everyRoute();
    expect(routes.length).toBeGreaterThan(60);
    for (const op of routes) {
      const label = `${op.method} ${op.path}`;
      if (PUBLIC.has(label)) continue;
      expect({ label, status: await call(op, concrete(op.path, ws, "1"), null) }).toEqual({ label, status: 401 });
      expect({ label, status: await call(op, concrete(op.path, ws, "1"), "wnotaworkspace1.forgedforgedforgedforgedforgedforged") }).toEqual({ label, status: 401 });
    }
  });

  it("an admin of another workspace never gets a 2xx from a route naming this workspace's number, person or conversation", async () => {
    const ws = await createWorkspace(1);
    await api("PUT", "/me/status", { token: ws.agents[0]!.token, body: { status: "available" } });
    const conversation = await conversationOfCustomer(ws.adminToken, ws.phoneNumberId, await newCustomerWrites(ws.phoneNumberId));
    const stranger = await createWorkspace(0);
    const scoped = (await everyRoute()).filter((op) => /\{(phoneNumberId|personId|conversationId)\}/.test(op.path));
    expect(scoped.length).toBeGreaterThan(25);
    for (const op of scoped) {
      const label = `${op.method} ${op.path}`;
      const status = await call(op, concrete(op.path, ws, conversation.id), stranger.adminToken);
      expect({ label, refused: status >= 400 && status < 500 }).toEqual({ label, refused: true });
    }
  });
});

describe("CORS", () => {
  it("answers only the extension's own origin", async () => {
    const preflight = (origin: string) =>
      SELF.fetch(`${BASE}/api/me`, { method: "OPTIONS", headers: { origin, "access-control-request-method": "GET", "access-control-request-headers": "authorization" } });
    const extension = await preflight("chrome-extension://dogfkfociadkkieogbinadpicgbjkaoh");
    expect(extension.headers.get("access-control-allow-origin")).toBe("chrome-extension://dogfkfociadkkieogbinadpicgbjkaoh");
    for (const origin of ["https://evil.example", "chrome-extension://aaaabbbbccccddddeeeeffffgggghhhh", "null"]) {
      expect((await preflight(origin)).headers.get("access-control-allow-origin")).toBeNull();
    }
  });
});
