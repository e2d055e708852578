/**
 * Local stand-in for Meta, for `npm start` and the browser tests. It is not part of the worker:
 * the worker only knows a Graph API base URL, which points here locally.
 *
 * - Graph API (simulator/graph.ts): sends answer with a wamid, then the simulator posts the signed
 *   `sent`, `delivered` and `read` status webhooks to the worker; media, uploads and templates too.
 * - A chat page at / where a person writes as a customer; each message becomes a signed webhook.
 * - Control endpoints under /simulator/ for tests (and curious people): customer messages, any
 *   webhook body, injected Graph API failures.
 *
 * Runs on Node 22 directly (type stripping), with no dependencies.
 */
import { createHmac, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { FakeGraph, SimulatedNetworkFailure, type SentMessage } from "./graph.ts";
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
  /** Delays of the sent, delivered and read status webhooks after a send, in ms; null sends none. */
  statusDelaysMs: [number, number, number] | null;
}

export interface ChatLine {
  wamid: string;
  direction: "in" | "out";
  waId: string;
  name?: string;
  text: string | null;
  body?: unknown;
  /** A file the business sent: where the customer's phone downloads it (an uploaded file here, else Meta's link). */
  media?: { kind: string; url: string; mimeType: string | null; filename: string | null; caption: string | null };
  status?: string;
  at: number;
}

export interface Simulator {
  url: string;
  graph: FakeGraph;
  close(): Promise<void>;
}

export const demoNumber = { phoneNumberId: "105550100", displayPhoneNumber: "15550100", wabaId: "205550100" };

function customerWamid(): string {
  return `wamid.CUST${randomBytes(12).toString("hex").toUpperCase()}`;
}

async function toFetchRequest(req: IncomingMessage, base: string): Promise<Request> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = chunks.length ? Buffer.concat(chunks) : undefined;
  const headers = new Headers();
  for (const [key, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(key, value);
  return new Request(new URL(req.url ?? "/", base), { method: req.method, headers, body: req.method === "GET" ? undefined : body });
}

async function writeFetchResponse(res: ServerResponse, response: Response): Promise<void> {
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}

/** Text of what the business sent, for the chat page. */
function outboundText(body: Record<string, unknown>): string | null {
  const type = String(body.type ?? "text");
  const part = body[type] as Record<string, unknown> | undefined;
  if (type === "text") return String(part?.body ?? "");
  if (type === "template") return `[template ${String(part?.name)}] ${JSON.stringify(part?.components ?? [])}`;
  if (type === "reaction") return `[reaction ${String(part?.emoji ?? "")}]`;
  if (type === "interactive") return String((part?.body as { text?: string } | undefined)?.text ?? "[interactive]");
  return `[${type}] ${String(part?.caption ?? part?.filename ?? part?.link ?? part?.id ?? "")}`;
}

export function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const lines: ChatLine[] = [];
  let publicUrl = "";

  async function postSigned(payload: unknown): Promise<number> {
    const body = JSON.stringify(payload);
    const signature = createHmac("sha256", options.appSecret).update(body).digest("hex");
    // Meta retries until it gets a 200; the simulator tries a few times so a restarting worker loses nothing.
    for (let attempt = 0; attempt < 6; attempt++) {
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

  const envelope = (value: Record<string, unknown>, field = "messages") => ({
    object: "whatsapp_business_account",
    entry: [
      {
        id: options.wabaId,
        changes: [
          {
            field,
            value: {
              messaging_product: "whatsapp",
              metadata: { display_phone_number: options.displayPhoneNumber, phone_number_id: options.phoneNumberId },
              ...value,
            },
          },
        ],
      },
    ],
  });

  /** The file an outbound image, video, audio, document or sticker carries, as the customer receives it. */
  function outboundMedia(body: Record<string, unknown>): ChatLine["media"] {
    const kind = String(body.type ?? "");
    if (!["image", "video", "audio", "document", "sticker"].includes(kind)) return undefined;
    const part = (body[kind] ?? {}) as { id?: string; link?: string; caption?: string; filename?: string };
    const uploaded = part.id ? graph.uploadedFile(part.id) : undefined;
    const url = part.id ? `/simulator/chat-media/${encodeURIComponent(part.id)}` : part.link;
    if (!url) return undefined;
    return { kind, url, mimeType: uploaded?.mimeType ?? null, filename: part.filename ?? null, caption: part.caption ?? null };
  }

  function onSent(message: SentMessage): void {
    const line: ChatLine = {
      wamid: message.wamid,
      direction: "out",
      waId: message.to,
      text: outboundText(message.body),
      body: message.body,
      media: outboundMedia(message.body),
      at: message.at,
    };
    lines.push(line);
    const delays = options.statusDelaysMs;
    if (!delays) return;
    (["sent", "delivered", "read"] as const).forEach((status, i) => {
      setTimeout(() => {
        line.status = status;
        void postSigned(
          envelope({
            statuses: [
              {
                id: message.wamid,
                status,
                timestamp: String(Math.floor(Date.now() / 1000)),
                // A message sent to a BSUID is reported with the BSUID in recipient_user_id (no phone to name).
                ...(message.body.to !== undefined ? { recipient_id: message.to } : { recipient_user_id: message.to }),
              },
            ],
          }),
        );
      }, delays[i]);
    });
  }

  const graph = new FakeGraph({ ...options, publicUrl: () => publicUrl, onSent });

  /** The customer taps a row of a list the business sent (e.g. the satisfaction survey). */
  async function customerChooses(waId: string, name: string, row: { id: string; title: string; description?: string }) {
    const line: ChatLine = { wamid: customerWamid(), direction: "in", waId, name, text: `${row.title}${row.description ? ` ${row.description}` : ""}`, at: Date.now() };
    lines.push(line);
    const status = await postSigned(
      envelope({
        contacts: [{ profile: { name }, wa_id: waId }],
        messages: [
          {
            from: waId,
            id: line.wamid,
            timestamp: String(Math.floor(Date.now() / 1000)),
            type: "interactive",
            interactive: { type: "list_reply", list_reply: { id: row.id, title: row.title, ...(row.description ? { description: row.description } : {}) } },
          },
        ],
      }),
    );
    return { wamid: line.wamid, workerStatus: status };
  }

  /** `sentAt` (ms) dates the message earlier, as WhatsApp does for one it delivers late (a phone back online). */
  async function customerWrites(waId: string, name: string, text: string, sentAt = Date.now()) {
    const line: ChatLine = { wamid: customerWamid(), direction: "in", waId, name, text, at: sentAt };
    lines.push(line);
    const status = await postSigned(
      envelope({
        contacts: [{ profile: { name }, wa_id: waId }],
        messages: [{ from: waId, id: line.wamid, timestamp: String(Math.floor(sentAt / 1000)), type: "text", text: { body: text } }],
      }),
    );
    return { wamid: line.wamid, workerStatus: status };
  }

  const server = createServer(async (req, res) => {
    try {
      const request = await toFetchRequest(req, publicUrl);
      const url = new URL(request.url);
      const fromGraph = await graph.handle(request).catch((error: unknown) => {
        if (error instanceof SimulatedNetworkFailure) {
          req.socket.destroy();
          return "dropped" as const;
        }
        throw error;
      });
      if (fromGraph === "dropped") return;
      if (fromGraph) return writeFetchResponse(res, fromGraph);
      const send = (status: number, body: unknown, type = "application/json") => {
        res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
        res.end(typeof body === "string" ? body : JSON.stringify(body));
      };
      if (request.method === "GET" && url.pathname === "/") return send(200, chatPage(options), "text/html; charset=utf-8");
      if (request.method === "POST" && url.pathname === "/simulator/messages") {
        const body = (await request.json()) as { waId?: string; name?: string; text?: string; sentAt?: number };
        if (!body.waId || !/^\d{5,20}$/.test(body.waId) || !body.text) return send(400, { error: "waId (digits) and text are required" });
        if (body.sentAt !== undefined && !Number.isSafeInteger(body.sentAt)) return send(400, { error: "sentAt: milliseconds since 1970" });
        return send(200, await customerWrites(body.waId, body.name ?? body.waId, body.text, body.sentAt));
      }
      if (request.method === "POST" && url.pathname === "/simulator/choices") {
        const body = (await request.json()) as { waId?: string; name?: string; id?: string; title?: string; description?: string };
        if (!body.waId || !/^\d{5,20}$/.test(body.waId) || !body.id || !body.title) return send(400, { error: "waId (digits), id and title are required" });
        return send(200, await customerChooses(body.waId, body.name ?? body.waId, { id: body.id, title: body.title, description: body.description }));
      }
      if (request.method === "POST" && url.pathname === "/simulator/webhooks") {
        // Any `value` of a messages change (a voice note, a location, an order…), signed and delivered as Meta would;
        // `?field=` names another change (smb_message_echoes, history, smb_app_state_sync for a number shared with the
        // WhatsApp Business app).
        const value = (await request.json()) as Record<string, unknown>;
        const field = url.searchParams.get("field") ?? "messages";
        if (!/^[a-z_]{1,64}$/.test(field)) return send(400, { error: "field is a webhook field name such as smb_message_echoes" });
        return send(200, { workerStatus: await postSigned(envelope(value, field)) });
      }
      if (request.method === "GET" && url.pathname.startsWith("/simulator/chat-media/")) {
        // The customer's phone downloads what the business sent; Meta hands it over without the business's token.
        const file = graph.uploadedFile(decodeURIComponent(url.pathname.slice("/simulator/chat-media/".length)));
        if (!file) return send(404, { error: "no such media" });
        res.writeHead(200, { "content-type": file.mimeType, "content-length": String(file.bytes.length), "cache-control": "private, max-age=3600" });
        return res.end(Buffer.from(file.bytes));
      }
      if (request.method === "GET" && url.pathname === "/simulator/messages") {
        const waId = url.searchParams.get("waId");
        return send(200, { messages: waId ? lines.filter((l) => l.waId === waId) : lines });
      }
      send(404, { error: `no route ${request.method} ${url.pathname}` });
    } catch (error) {
      res.writeHead(400, { "content-type": "application/json" });
      res.end(JSON.stringify({ error: `bad request: ${(error as Error).message}` }));
    }
  });

  return new Promise((resolve) => {
    server.listen(options.port, options.host, () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : options.port;
      publicUrl = `http://${options.host}:${port}`;
      resolve({
        url: publicUrl,
        graph,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

// Started directly: `node simulator/server.ts`
if (import.meta.url === `file://${process.argv[1]}`) {
  const simulator = await startSimulator({
    port: Number(process.env.SIMULATOR_PORT ?? 8790),
    host: "127.0.0.1",
    workerUrl: process.env.WORKER_URL ?? "http://127.0.0.1:8787",
    appSecret: process.env.WHATSAPP_APP_SECRET ?? "dev-app-secret-change-me",
    accessToken: process.env.WHATSAPP_ACCESS_TOKEN ?? "dev-access-token",
    ...demoNumber,
    statusDelaysMs: [500, 2_000, 4_000],
  });
  console.log(`Meta simulator on ${simulator.url}`);
}
