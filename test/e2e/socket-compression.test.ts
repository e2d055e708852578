import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { DEMO_PASSWORD, demoWorkspace } from "../../scripts/demo-data.ts";
import { readFrame } from "../../shared/socket-frame.ts";
import { startStack, type Stack } from "./stack.ts";

/**
 * The number's sockets decline permessage-deflate, which every browser offers (#20): deflating each frame cost the
 * number's object 8% of its thread end to end, for frames of a few KB of JSON. Checked on the deploy bundle served on
 * the worker's own socket (`startStack({ direct: true })`): under `wrangler dev` Miniflare's entry worker stands
 * between the client and the worker and negotiates compression itself, whatever the worker's flags say.
 */
let stack: Stack;
beforeAll(async () => {
  stack = await startStack({ direct: true });
}, 120_000);
afterAll(async () => {
  await stack?.dispose();
});

async function call<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const response = await fetch(`${stack.workerUrl}/api${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status}`);
  return (await response.json()) as T;
}

describe("the number's socket", () => {
  it("answers a client offering permessage-deflate without compression, and still carries the events", async () => {
    const { token } = await call<{ token: string }>("POST", "/sessions", null, { email: demoWorkspace.admin.email, password: DEMO_PASSWORD });
    const number = demoWorkspace.number.phoneNumberId;
    const { ticket } = await call<{ ticket: string }>("POST", "/socket-ticket", token, { phoneNumberId: number });
    const socket = new WebSocket(`${stack.workerUrl.replace("http", "ws")}/api/numbers/${number}/socket?ticket=${encodeURIComponent(ticket)}`, {
      perMessageDeflate: { clientMaxWindowBits: true },
    });
    // ws offers "permessage-deflate; client_max_window_bits" with this option, the offer Chromium makes.
    let answered: string | string[] | undefined = "(no upgrade)";
    socket.on("upgrade", (response) => {
      answered = response.headers["sec-websocket-extensions"];
    });
    const first = new Promise<string>((heard) => socket.once("message", (data) => heard(String(data))));
    await new Promise<void>((open, fail) => {
      socket.once("open", () => open());
      socket.once("error", fail);
    });
    expect(answered).toBeUndefined();
    expect(socket.extensions).toBe("");
    expect(readFrame(await first).map((e) => e.type)).toContain("ready");
    socket.close();
  });
});
