/**
 * Local stand-in for Meta, for `npm start` and the browser tests. It is not part of the worker:
 * the worker only knows a Graph API base URL, which points here locally.
 *
 * - Graph API: POST /{version}/{phone_number_id}/messages answers like Meta (a wamid), then sends the
 *   signed `sent`, `delivered` and `read` status webhooks to the worker.
 * - A chat page at / where a person writes as a customer; each message becomes a signed webhook.
 * - A small control API under /simulator/ for tests.
 *
 * Runs on Node 22 directly (type stripping), with no dependencies.
 */
import { createHmac, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { chatPage } from "./page.ts";

export interface SimulatorOptions {
  port: number;
  host: string;
  workerUrl: string;
  appSecret: string;
  accessToken: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
  wabaId: string;
  /** Delays of the sent, delivered and read status webhooks after a send, in ms. */
  statusDelaysMs: [number, number, number];
}

export interface ChatLine {
  wamid: string;
  direction: "in" | "out";
  waId: string;
  name?: string;
  text: string | null;
  body?: unknown;
  status?: string;
  at: number;
}

export interface Simulator {
  url: string;
  close(): Promise<void>;
}

function wamid(): string {
  return `wamid.SIM${randomBytes(12).toString("hex").toUpperCase()}`;
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : {};
}

function send(res: ServerResponse, status: number, body: unknown, type = "application/json"): void {
  res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
  res.end(typeof body === "string" ? body : JSON.stringify(body));
}

function graphError(res: ServerResponse, status: number, code: number, message: string): void {
  send(res, status, { error: { message: `(#${code}) ${message}`, type: "OAuthException", code, fbtrace_id: "SIM" } });
}

export function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const lines: ChatLine[] = [];

  async function deliverWebhook(value: Record<string, unknown>): Promise<number> {
    const payload = {
      object: "whatsapp_business_account",
      entry: [
        {
          id: options.wabaId,
          changes: [
            {
              field: "messages",
              value: {
                messaging_product: "whatsapp",
                metadata: { display_phone_number: options.displayPhoneNumber, phone_number_id: options.phoneNumberId },
                ...value,
              },
            },
          ],
        },
      ],
    };
    const body = JSON.stringify(payload);
    const signature = createHmac("sha256", options.appSecret).update(body).digest("hex");
    // Meta retries until it gets a 200; the simulator tries a few times so a restarting worker loses nothing.
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        const response = await fetch(`${options.workerUrl}/webhooks/whatsapp`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-hub-signature-256": `sha256=${signature}` },
          body,
        });
        if (response.status === 200) return 200;
        if (response.status < 500) return response.status;
      } catch {
        // worker not reachable yet
      }
      await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
    }
    return 0;
  }

  function scheduleStatuses(line: ChatLine): void {
    (["sent", "delivered", "read"] as const).forEach((status, i) => {
      setTimeout(() => {
        line.status = status;
        void deliverWebhook({
          statuses: [
            {
              id: line.wamid,
              status,
              timestamp: String(Math.floor(Date.now() / 1000)),
              recipient_id: line.waId,
            },
          ],
        });
      }, options.statusDelaysMs[i]);
    });
  }

  async function customerWrites(waId: string, name: string, text: string) {
    const line: ChatLine = { wamid: wamid(), direction: "in", waId, name, text, at: Date.now() };
    lines.push(line);
    const status = await deliverWebhook({
      contacts: [{ profile: { name }, wa_id: waId }],
      messages: [{ from: waId, id: line.wamid, timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: text } }],
    });
    return { wamid: line.wamid, workerStatus: status };
  }

  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? "/", "http://simulator");
      const path = url.pathname;
      const graphSend = /^\/(v\d+\.\d+)\/(\d+)\/messages$/.exec(path);
      if (req.method === "POST" && graphSend) {
        if (req.headers.authorization !== `Bearer ${options.accessToken}`) {
          return graphError(res, 401, 190, "Error validating access token: the token is invalid");
        }
        if (graphSend[2] !== options.phoneNumberId) {
          return graphError(res, 400, 100, `Unsupported post request. Object with ID '${graphSend[2]}' does not exist`);
        }
        const body = (await readJson(req)) as Record<string, unknown>;
        if (body.messaging_product !== "whatsapp") return graphError(res, 400, 100, "Invalid parameter: messaging_product");
        if (body.status === "read") return send(res, 200, { success: true });
        const to = String(body.to ?? "");
        if (!/^\+?\d{5,20}$/.test(to)) return graphError(res, 400, 100, "Invalid parameter: to");
        const text = (body.text as { body?: string } | undefined)?.body ?? null;
        const line: ChatLine = { wamid: wamid(), direction: "out", waId: to.replace(/^\+/, ""), text, body, at: Date.now() };
        lines.push(line);
        scheduleStatuses(line);
        return send(res, 200, {
          messaging_product: "whatsapp",
          contacts: [{ input: to, wa_id: line.waId }],
          messages: [{ id: line.wamid }],
        });
      }
      if (req.method === "GET" && path === "/") return send(res, 200, chatPage(options), "text/html; charset=utf-8");
      if (req.method === "POST" && path === "/simulator/messages") {
        const body = (await readJson(req)) as { waId?: string; name?: string; text?: string };
        if (!body.waId || !/^\d{5,20}$/.test(body.waId) || !body.text) {
          return send(res, 400, { error: "waId (digits) and text are required" });
        }
        return send(res, 200, await customerWrites(body.waId, body.name ?? body.waId, body.text));
      }
      if (req.method === "GET" && path === "/simulator/messages") {
        const waId = url.searchParams.get("waId");
        return send(res, 200, { messages: waId ? lines.filter((l) => l.waId === waId) : lines });
      }
      send(res, 404, { error: `no route ${req.method} ${path}` });
    } catch (error) {
      send(res, 400, { error: `bad request: ${(error as Error).message}` });
    }
  });

  return new Promise((resolve) => {
    server.listen(options.port, options.host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : options.port;
      resolve({
        url: `http://${options.host}:${port}`,
        close: () => new Promise<void>((done) => { server.closeAllConnections(); server.close(() => done()); }),
      });
    });
  });
}

export const demoNumber = { phoneNumberId: "105550100", displayPhoneNumber: "15550100", wabaId: "205550100" };

// Started directly: `node simulator/server.ts`
if (import.meta.url === `file://${process.argv[1]}`) {
  const simulator = await startSimulator({
    port: Number(process.env.SIMULATOR_PORT ?? 8790),
    host: "127.0.0.1",
    workerUrl: process.env.WORKER_URL ?? "http://127.0.0.1:8787",
    appSecret: process.env.WHATSAPP_APP_SECRET ?? "dev-app-secret-change-me",
    accessToken: process.env.WHATSAPP_ACCESS_TOKEN ?? "dev-access-token",
    ...demoNumber,
    statusDelaysMs: [300, 900, 1800],
  });
  console.log(`Meta simulator on ${simulator.url}`);
}
