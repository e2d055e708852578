import { metaSchemaProblem } from "./meta-schema.ts";

/**
 * The Graph API as the inbox uses it, answered the way Meta answers, over the Fetch API so the same code
 * serves the simulator's HTTP server and the Workers tests' outbound requests.
 *
 * Control endpoints under /simulator/graph/ make it fail on purpose (any Meta error code, HTTP status, or a
 * dropped connection) so a test, or a person trying `npm start`, can watch retries and error handling.
 */

export interface SentMessage {
  wamid: string;
  to: string;
  body: Record<string, unknown>;
  at: number;
  /** The last four characters of the access token it was sent with: tests tell tokens apart without seeing one. */
  tokenTail: string;
}

export interface InjectedFailure {
  /** Meta's error code, e.g. 130429; 0 with `network` for a dropped connection. */
  code: number;
  httpStatus: number;
  title?: string;
  network?: boolean;
  /** How many sends fail before the simulator answers normally again. */
  count: number;
  /** Only sends to this recipient fail (lets parallel tests keep apart); all when absent. */
  to?: string;
}

/** A body Meta's schema refused: where it was posted, the body, and the validator's sentence. */
export interface SchemaViolation {
  path: string;
  body: unknown;
  problem: string;
}

/**
 * Every body any Graph stand-in in this process validated, and the ones Meta's schema refused. Kept on globalThis
 * so that a bundled copy of this module (vitest.config.ts's) and a test's own copy add to one ledger; the test
 * runs turn a refused body into a failure (test/support/meta-schema-*.ts, bench/run.ts).
 */
export interface MetaConformance {
  validated: number;
  violations: SchemaViolation[];
}

export function metaConformance(): MetaConformance {
  const holder = globalThis as { [key: symbol]: MetaConformance | undefined };
  const key = Symbol.for("wa-inbox.meta-conformance");
  return (holder[key] ??= { validated: 0, violations: [] });
}

/** A failure message naming each refused body and what is wrong with it. */
export function describeViolations(violations: SchemaViolation[]): string {
  const lines = violations.slice(0, 20).map((v) => {
    const body = JSON.stringify(v.body);
    return `  POST ${v.path}: ${v.problem}\n    body: ${body.length > 600 ? `${body.slice(0, 600)}…` : body}`;
  });
  const more = violations.length > 20 ? [`  … and ${violations.length - 20} more`] : [];
  return [`Meta's schema refused ${violations.length} ${violations.length === 1 ? "body" : "bodies"} sent to the Graph API:`, ...lines, ...more].join("\n");
}

export interface FakeGraphOptions {
  accessToken: string;
  /** The one number and WABA this Meta knows; null accepts any (the Workers tests use many). */
  phoneNumberId: string | null;
  wabaId: string | null;
  /** Base URL under which media bytes are served (the simulator's own address). */
  publicUrl: () => string;
  onSent?: (message: SentMessage) => void;
}

/** Meta formats a number for display with spaces and a dash; the simulator makes one from the id's last digits. */
export function simulatedDisplayNumber(phoneNumberId: string): string {
  const digits = phoneNumberId.slice(-4).padStart(4, "0");
  return `+1 555-${digits}`;
}

export const demoTemplates = [
  {
    name: "order_update",
    language: "zh_CN",
    status: "APPROVED",
    category: "UTILITY",
    components: [
      { type: "HEADER", format: "TEXT", text: "订单 {{1}}" },
      { type: "BODY", text: "您好 {{1}}，您的订单 {{2}} 已发货，预计 {{3}} 送达。" },
      { type: "FOOTER", text: "Acme Store 客服" },
      { type: "BUTTONS", buttons: [{ type: "QUICK_REPLY", text: "查看物流" }, { type: "QUICK_REPLY", text: "联系客服" }] },
    ],
  },
  {
    name: "follow_up",
    language: "en_US",
    status: "APPROVED",
    category: "UTILITY",
    components: [
      { type: "BODY", text: "Hi {{1}}, we are following up on your request. Reply to this message to continue the conversation." },
      { type: "BUTTONS", buttons: [{ type: "QUICK_REPLY", text: "Continue" }] },
    ],
  },
  {
    name: "follow_up",
    language: "zh_CN",
    status: "APPROVED",
    category: "UTILITY",
    components: [{ type: "BODY", text: "您好 {{1}}，我们在跟进您的问题，回复本消息即可继续沟通。" }],
  },
  { name: "spring_sale", language: "zh_CN", status: "REJECTED", category: "MARKETING", components: [{ type: "BODY", text: "春季大促" }] },
];

/** What the simulator serves for a customer's media: a picture with the media id, so screenshots show something real. */
function placeholderPicture(id: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="320" height="200" viewBox="0 0 320 200">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#9ad0c2"/><stop offset="1" stop-color="#2d6a5f"/></linearGradient></defs>
<rect width="320" height="200" fill="url(#g)"/><circle cx="250" cy="55" r="24" fill="#f6e27f"/>
<path d="M0 200 L90 110 L150 160 L210 100 L320 200 Z" fill="#1f4d45"/>
<text x="12" y="24" font-family="sans-serif" font-size="13" fill="#fff">customer photo · media ${id.replace(/[<&"]/g, "")}</text></svg>`;
}

/** Thrown to make the caller drop the connection, as a network failure would. */
export class SimulatedNetworkFailure extends Error {
  constructor() {
    super("simulated network failure");
  }
}

function wamid(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return `wamid.SIM${[...bytes].map((b) => b.toString(16).padStart(2, "0")).join("").toUpperCase()}`;
}

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

const graphError = (status: number, code: number, message: string) =>
  json({ error: { message: `(#${code}) ${message}`, type: "OAuthException", code, fbtrace_id: "SIMULATOR" } }, status);

/** Meta's answer for an object a token may not see: the same as for one that does not exist. */
const noSuchObject = (method: string, objectId: string) =>
  graphError(400, 100, `Unsupported ${method.toLowerCase()} request. Object with ID '${objectId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation`);

export class FakeGraph {
  readonly sent: SentMessage[] = [];
  readonly statusCalls: Record<string, unknown>[] = [];
  readonly failures: InjectedFailure[] = [];
  /** Bodies Meta's own schema refused (also in the process's metaConformance() ledger, which fails the test run). */
  readonly rejected: SchemaViolation[] = [];
  /** Every send attempt, including refused ones, to prove retries never duplicate. */
  attempts = 0;
  private readonly uploads = new Map<string, { bytes: Uint8Array; mimeType: string }>();
  /** Tokens Meta accepts besides the main one, for everything the main one reads (another system user of the business). */
  private readonly extraTokens = new Set<string>();
  /** Templates a test approved for one WABA besides the demo ones (e.g. one with an image header). */
  private readonly extraTemplates = new Map<string, typeof demoTemplates>();
  /**
   * Tokens bound to some numbers and their WABA, as a company's own system-user token is: Meta answers them for those
   * and refuses every other number and account as an object that does not exist for them.
   */
  private readonly boundTokens = new Map<string, { numbers: Set<string>; wabas: Set<string> }>();
  /** The WhatsApp Business Accounts this Meta knows, with their numbers: the configured one and every one registered since. */
  private readonly wabaNumbers = new Map<string, Set<string>>();
  /** Quality ratings set through the control API, to show a YELLOW or RED number. */
  private readonly ratings = new Map<string, string>();
  /**
   * Recipients whose sends are accepted (the wamid is given and recorded) but answered only when released: at Meta a
   * status webhook can outrun the answer to the send, and tests need that moment to last.
   */
  private readonly held = new Map<string, { released: Promise<void>; release: () => void }>();

  private readonly options: FakeGraphOptions;

  constructor(options: FakeGraphOptions) {
    this.options = options;
    if (options.phoneNumberId !== null && options.wabaId !== null) this.register(options.phoneNumberId, options.wabaId);
  }

  private register(phoneNumberId: string, wabaId: string): void {
    const numbers = this.wabaNumbers.get(wabaId) ?? new Set<string>();
    numbers.add(phoneNumberId);
    this.wabaNumbers.set(wabaId, numbers);
  }

  private accepts(bearer: string): boolean {
    return bearer === this.options.accessToken || this.extraTokens.has(bearer) || this.boundTokens.has(bearer);
  }

  /** Whether a token may read and act for a number: a bound token its own only; the business's tokens every known one. */
  private reads(bearer: string, phoneNumberId: string): boolean {
    const bound = this.boundTokens.get(bearer);
    if (bound) return bound.numbers.has(phoneNumberId);
    return this.options.phoneNumberId === null || phoneNumberId === this.options.phoneNumberId || [...this.wabaNumbers.values()].some((n) => n.has(phoneNumberId));
  }

  private readsWaba(bearer: string, wabaId: string): boolean {
    const bound = this.boundTokens.get(bearer);
    if (bound) return bound.wabas.has(wabaId);
    return this.options.wabaId === null || this.wabaNumbers.has(wabaId);
  }

  reset(): void {
    this.sent.length = 0;
    this.statusCalls.length = 0;
    this.failures.length = 0;
    this.rejected.length = 0;
    this.attempts = 0;
    for (const hold of this.held.values()) hold.release();
    this.held.clear();
  }

  /** A file the business uploaded, as the customer's phone downloads it once a message carries its id. */
  uploadedFile(id: string): { bytes: Uint8Array; mimeType: string } | undefined {
    return this.uploads.get(id);
  }

  /** Answers a Graph API or control request; null when the path is not one of ours. */
  async handle(request: Request): Promise<Response | null> {
    const url = new URL(request.url);
    const path = url.pathname;

    if (path.startsWith("/simulator/graph/")) return this.control(request, path.slice("/simulator/graph/".length));
    if (path.startsWith("/simulator/media-bytes/")) {
      const id = decodeURIComponent(path.slice("/simulator/media-bytes/".length));
      if (!this.accepts(request.headers.get("authorization")?.replace(/^Bearer /, "") ?? "")) return new Response("unauthorized", { status: 401 });
      const upload = this.uploads.get(id);
      if (upload) return new Response(upload.bytes as unknown as BodyInit, { headers: { "content-type": upload.mimeType } });
      return new Response(placeholderPicture(id), { headers: { "content-type": "image/svg+xml" } });
    }

    const match = /^\/(v\d+\.\d+)\/([^/]+)(?:\/([a-z_]+))?$/.exec(path);
    if (!match) return null;
    const [, , objectId, edge] = match as unknown as [string, string, string, string | undefined];
    const bearer = request.headers.get("authorization")?.replace(/^Bearer /, "") ?? "";
    if (!this.accepts(bearer)) {
      return graphError(401, 190, "Error validating access token: The session is invalid.");
    }
    // A company's own token acts for its own numbers only, the way Meta answers a token without access to an object.
    if ((edge === "messages" || edge === "media") && request.method === "POST" && this.boundTokens.has(bearer) && !this.reads(bearer, objectId)) {
      return noSuchObject(request.method, objectId);
    }
    if (edge === "phone_numbers" && request.method === "GET") {
      if (!this.readsWaba(bearer, objectId)) return noSuchObject(request.method, objectId);
      const data = [...(this.wabaNumbers.get(objectId) ?? [])].map((id) => ({
        id,
        display_phone_number: simulatedDisplayNumber(id),
        verified_name: "Acme Store",
        quality_rating: this.ratings.get(id) ?? "GREEN",
      }));
      return json({ data, paging: { cursors: { before: "QVFIUk", after: "QVFIUl" } } });
    }
    if (edge === "messages" && request.method === "POST") return this.messages(objectId, request, bearer.slice(-4), path);
    if (edge === "media" && request.method === "POST") return this.upload(objectId, request);
    if (edge === "message_templates" && request.method === "GET") {
      if (!this.readsWaba(bearer, objectId)) return noSuchObject(request.method, objectId);
      return json({ data: [...demoTemplates, ...(this.extraTemplates.get(objectId) ?? [])], paging: { cursors: { before: "MAZDZD", after: "MjQZD" } } });
    }
    if (!edge && request.method === "GET" && url.searchParams.get("fields")?.includes("display_phone_number")) {
      if (!this.reads(bearer, objectId)) return noSuchObject(request.method, objectId);
      return json({
        verified_name: "Acme Store",
        display_phone_number: simulatedDisplayNumber(objectId),
        quality_rating: this.ratings.get(objectId) ?? "GREEN",
        id: objectId,
      });
    }
    if (!edge && request.method === "GET") {
      return json({
        messaging_product: "whatsapp",
        url: `${this.options.publicUrl()}/simulator/media-bytes/${encodeURIComponent(objectId)}`,
        mime_type: this.uploads.get(objectId)?.mimeType ?? "image/svg+xml",
        sha256: "simulated",
        file_size: this.uploads.get(objectId)?.bytes.length ?? placeholderPicture(objectId).length,
        id: objectId,
      });
    }
    return graphError(400, 100, `Unsupported ${request.method} request on ${path}`);
  }

  private async messages(phoneNumberId: string, request: Request, tokenTail: string, path: string): Promise<Response> {
    if (this.options.phoneNumberId !== null && phoneNumberId !== this.options.phoneNumberId) {
      return graphError(400, 100, `Unsupported post request. Object with ID '${phoneNumberId}' does not exist`);
    }
    const text = await request.text();
    let body: Record<string, unknown> | null = null;
    try {
      body = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // refused below
    }
    const problem =
      !body || typeof body !== "object" || Array.isArray(body)
        ? "the body is not a JSON object"
        : body.messaging_product !== "whatsapp"
          ? "messaging_product must be whatsapp"
          : metaSchemaProblem(body);
    const ledger = metaConformance();
    ledger.validated++;
    if (problem || !body) {
      const violation = { path, body: body ?? text, problem: problem ?? "no body" };
      this.rejected.push(violation);
      ledger.violations.push(violation);
      return graphError(400, 100, `Invalid parameter: ${violation.problem}`);
    }
    if (body.status === "read") {
      this.statusCalls.push(body);
      return json({ success: true });
    }
    this.attempts++;
    // A phone number in `to`, or a business-scoped user id in `recipient` (Meta: `to` wins when both are given).
    const to = String(body.to ?? body.recipient ?? "");
    const index = this.failures.findIndex((f) => !f.to || f.to === to.replace(/^\+/, ""));
    const failure = this.failures[index];
    if (failure) {
      if (--failure.count <= 0) this.failures.splice(index, 1);
      if (failure.network) throw new SimulatedNetworkFailure();
      return graphError(failure.httpStatus, failure.code, failure.title ?? `Simulated error ${failure.code}`);
    }
    const isPhone = body.to !== undefined;
    if (isPhone ? !/^\+?\d{5,20}$/.test(to) : !/^[A-Z]{2}\.(ENT\.)?[A-Za-z0-9]{1,128}$/.test(to)) {
      return graphError(400, 100, isPhone ? "Invalid parameter: to must be a phone number" : "Invalid parameter: recipient must be a business-scoped user id");
    }
    const message: SentMessage = { wamid: wamid(), to: to.replace(/^\+/, ""), body, at: Date.now(), tokenTail };
    this.sent.push(message);
    this.options.onSent?.(message);
    await this.held.get(message.to)?.released;
    return json({ messaging_product: "whatsapp", contacts: [{ input: to, ...(isPhone ? { wa_id: message.to } : { user_id: message.to }) }], messages: [{ id: message.wamid }] });
  }

  private async upload(phoneNumberId: string, request: Request): Promise<Response> {
    if (this.options.phoneNumberId !== null && phoneNumberId !== this.options.phoneNumberId) return graphError(400, 100, `Object with ID '${phoneNumberId}' does not exist`);
    const form = await request.formData().catch(() => null);
    const file = form?.get("file");
    if (!form || form.get("messaging_product") !== "whatsapp" || !file || typeof file === "string") {
      return graphError(400, 100, "Invalid parameter: send messaging_product=whatsapp and a file");
    }
    const id = String(Date.now()) + String(Math.floor(Math.random() * 1e6));
    this.uploads.set(id, { bytes: new Uint8Array(await file.arrayBuffer()), mimeType: file.type || "application/octet-stream" });
    return json({ id });
  }

  private async control(request: Request, action: string): Promise<Response> {
    if (action === "failures" && request.method === "POST") {
      const failure = (await request.json()) as Partial<InjectedFailure>;
      const code = Number(failure.code ?? 0);
      this.failures.push({
        code,
        httpStatus: Number(failure.httpStatus ?? (code === 130429 || code === 131056 || code === 4 || code === 80007 ? 429 : code === 190 ? 401 : 400)),
        title: failure.title,
        network: failure.network === true,
        count: Math.max(1, Number(failure.count ?? 1)),
        ...(failure.to ? { to: String(failure.to) } : {}),
      });
      return json({ failures: this.failures });
    }
    if (action === "failures" && request.method === "DELETE") {
      this.failures.length = 0;
      return json({ failures: [] });
    }
    if (action === "sent") {
      const to = new URL(request.url).searchParams.get("to");
      const sent = to ? this.sent.filter((m) => m.to === to) : this.sent;
      const rejected = to ? this.rejected.filter((r) => String((r.body as { to?: unknown }).to ?? "").replace(/^\+/, "") === to) : this.rejected;
      return json({ sent, attempts: this.attempts, statusCalls: this.statusCalls, rejected });
    }
    if (action === "tokens" && request.method === "POST") {
      // {token}: another token of the business, reading all it reads. {phoneNumberId, wabaId[, token]}: a token bound to
      // that number and account (minted when not given), as a company's system user has for its own number.
      const { token, phoneNumberId, wabaId } = (await request.json()) as { token?: string; phoneNumberId?: string; wabaId?: string };
      if (phoneNumberId || wabaId) {
        if (!phoneNumberId || !wabaId || !/^\d+$/.test(phoneNumberId) || !/^\d+$/.test(wabaId)) return json({ error: "send {phoneNumberId, wabaId} (digits), and optionally the token" }, 400);
        const bound = token ?? `EAAGsim${[...crypto.getRandomValues(new Uint8Array(24))].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
        this.register(phoneNumberId, wabaId);
        const scope = this.boundTokens.get(bound) ?? { numbers: new Set<string>(), wabas: new Set<string>() };
        scope.numbers.add(phoneNumberId);
        scope.wabas.add(wabaId);
        this.boundTokens.set(bound, scope);
        return json({ token: bound });
      }
      if (!token) return json({ error: "send {token}, or {phoneNumberId, wabaId} for a token bound to that number" }, 400);
      this.extraTokens.add(token);
      return json({ ok: true });
    }
    if (action === "templates" && request.method === "POST") {
      const { wabaId, templates } = (await request.json()) as { wabaId?: string; templates?: typeof demoTemplates };
      if (!wabaId || !Array.isArray(templates)) return json({ error: "send {wabaId, templates}" }, 400);
      this.extraTemplates.set(wabaId, templates);
      return json({ ok: true });
    }
    if (action === "numbers" && request.method === "POST") {
      // A number the business has in a WABA: the business's own tokens (the deployment's) then read it.
      const { phoneNumberId, wabaId } = (await request.json()) as { phoneNumberId?: string; wabaId?: string };
      if (!phoneNumberId || !wabaId || !/^\d+$/.test(phoneNumberId) || !/^\d+$/.test(wabaId)) return json({ error: "send {phoneNumberId, wabaId} (digits)" }, 400);
      this.register(phoneNumberId, wabaId);
      return json({ ok: true });
    }
    if (action === "quality" && request.method === "POST") {
      const { phoneNumberId, rating } = (await request.json()) as { phoneNumberId?: string; rating?: string };
      if (!phoneNumberId || !rating) return json({ error: "send {phoneNumberId, rating}" }, 400);
      this.ratings.set(phoneNumberId, rating);
      return json({ ok: true });
    }
    if ((action === "hold" || action === "release") && request.method === "POST") {
      const { to } = (await request.json()) as { to?: string };
      if (!to) return json({ error: "send {to}" }, 400);
      const key = to.replace(/^\+/, "");
      if (action === "hold" && !this.held.has(key)) {
        let release = () => {};
        const released = new Promise<void>((done) => (release = done));
        this.held.set(key, { released, release });
      }
      if (action === "release") {
        this.held.get(key)?.release();
        this.held.delete(key);
      }
      return json({ held: [...this.held.keys()] });
    }
    if (action === "reset" && request.method === "POST") {
      this.reset();
      return json({ ok: true });
    }
    return json({ error: `no control action ${action}` }, 404);
  }
}
