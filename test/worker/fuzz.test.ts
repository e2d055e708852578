import { env, runInDurableObject, SELF } from "cloudflare:test";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { boardSchema, reportSchema } from "../../shared/analytics";
import { contactProfileSchema } from "../../shared/catalog";
import {
  conversationListSchema,
  conversationSchema,
  messageListSchema,
  messageSchema,
  searchResultsSchema,
  type Conversation,
  type SocketEvent,
} from "../../shared/inbox";
import type { Session } from "../../shared/people";
import { unreadableListSchema } from "../../shared/unreadable";
import { webhookPayloadSchema } from "../../shared/webhook";
import type { Principal } from "../../worker/lib/result";
import { CONVERSATION_SELECT, toConversation, toMessage } from "../../worker/number-inbox/rows";
import { MAX_WEBHOOK_DEPTH } from "../../worker/webhook/routes";
import { MAX_WEBHOOK_BYTES } from "../../worker/webhook/signed-body";
import {
  api,
  BASE,
  connectSocket,
  conversationOfCustomer,
  createWorkspace,
  customerMessage,
  messagesChange,
  messagesOf,
  postWebhook,
  setStatus,
  sign,
  tick,
  unique,
  uniqueNumberId,
  type TestWorkspace,
} from "./helpers";

/**
 * Fuzzing the worker's two doors: Meta's webhook (mutated real payloads, signed and not; and signed POSTs mixing
 * ordinary messages with odd ones of every class issue #19 names, after each of which every ordinary message must be
 * stored once and routed, every odd one visible, and every list, search, panel and report valid) and every API route
 * (the OpenAPI document's paths plus the few outside it), with random bodies, queries, headers and credentials,
 * and once more with every documented bound at its largest. Whatever arrives: never a 5xx, never a stack trace,
 * every refusal a 4xx whose message names the problem, and afterwards the worker still stores and routes a real
 * customer message.
 *
 * The API is fuzzed in a workspace of its own, which the fuzzer may sign out, demote, deactivate or disconnect;
 * it is then signed in again or rebuilt. The webhook's workspace is left to prove real traffic at the end.
 *
 * `npm test` runs a short, fixed-seed run. FUZZ_RUNS (runs per property) and FUZZ_SEED, as bindings,
 * make it longer or different; fast-check prints the seed and path of any failure to replay it.
 */
const fuzzEnv = env as unknown as { FUZZ_RUNS?: string; FUZZ_SEED?: string };
const RUNS = Number.isSafeInteger(Number(fuzzEnv.FUZZ_RUNS)) && Number(fuzzEnv.FUZZ_RUNS) > 0 ? Number(fuzzEnv.FUZZ_RUNS) : 300;
const SEED = fuzzEnv.FUZZ_SEED && Number.isSafeInteger(Number(fuzzEnv.FUZZ_SEED)) ? Number(fuzzEnv.FUZZ_SEED) : 20_260_523;
const runs = (n: number) => ({ numRuns: Math.max(1, Math.round(n)), seed: SEED });
const budget = (requestsPerRun: number) => 60_000 + RUNS * requestsPerRun * 60;

// ---------------------------------------------------------------------------------------------------------------
// What every answer must look like
// ---------------------------------------------------------------------------------------------------------------

/** Traces of an exception: V8 frames, source positions, error class prefixes. */
const STACK_TRACE = /\bat [\w$.<>[\]]+ \(|\n\s*at \S|\.m?[jt]sx?:\d+|\b\w*Error:|node_modules|\/worker\//g;

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string | Uint8Array | FormData;
}

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

const tally = new Map<string, Map<number, number>>();
function count(kind: string, status: number) {
  const byStatus = tally.get(kind) ?? new Map<number, number>();
  byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
  tally.set(kind, byStatus);
}
function report(kind: string, started: number, numRuns: number) {
  const byStatus = [...(tally.get(kind) ?? new Map<number, number>())].sort(([a], [b]) => a - b);
  const total = byStatus.reduce((sum, [, n]) => sum + n, 0);
  console.log(`fuzz ${kind}: ${total} requests in ${Date.now() - started} ms (seed ${SEED}, ${Math.round(numRuns)} runs) — ${byStatus.map(([s, n]) => `${s}×${n}`).join(" ")}`);
}

// The benchmark's long run reads this line (reliability.fuzz_cases, fuzz_5xx).
afterAll(() => {
  const all = [...tally.values()].flatMap((byStatus) => [...byStatus]);
  const cases = all.reduce((sum, [, n]) => sum + n, 0);
  const serverErrors = all.filter(([status]) => status >= 500).reduce((sum, [, n]) => sum + n, 0);
  console.log(`RELIABILITY ${JSON.stringify({ fuzz_cases: cases, fuzz_5xx: serverErrors, fuzz_runs_per_property: RUNS })}`);
});

function bodyText(body: Sent["body"]): string {
  if (body === undefined) return "";
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return new TextDecoder().decode(body);
  return [...body.entries()].map(([k, v]) => `${k}=${typeof v === "string" ? v : `<file ${v.name} ${v.size} bytes>`}`).join("&");
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function describeExchange(sent: Sent, answer: Answer): string {
  const body = bodyText(sent.body);
  return `${sent.method} ${sent.url.slice(0, 300)}\n  headers ${JSON.stringify(sent.headers).slice(0, 300)}\n  body ${JSON.stringify(body.slice(0, 300))}${body.length > 300 ? `… (${body.length} chars)` : ""}\n→ ${answer.status} ${answer.contentType}: ${answer.text.slice(0, 500)}`;
}

async function exchange(kind: string, sent: Sent): Promise<Answer> {
  const response = await SELF.fetch(sent.url, { method: sent.method, headers: sent.headers, body: sent.body });
  // A socket upgrade the test did not ask for must not stay open.
  response.webSocket?.accept();
  response.webSocket?.close(1000, "fuzz");
  const answer = { status: response.status, contentType: response.headers.get("content-type") ?? "", text: await response.text() };
  count(kind, answer.status);
  return answer;
}

/**
 * The rules for every answer. A stack-trace-like fragment is excused only when the request itself carried it
 * (a refusal may quote the path or a field the caller sent); `textRefusal` allows a plain-text 4xx (Meta's handshake).
 */
function checkAnswer(sent: Sent, answer: Answer, options: { textRefusal?: boolean } = {}): void {
  const where = describeExchange(sent, answer);
  expect(answer.status, `a 5xx:\n${where}`).toBeLessThan(500);
  const echoable = `${sent.url}\n${safeDecode(sent.url)}\n${JSON.stringify(sent.headers)}\n${bodyText(sent.body)}`;
  for (const match of answer.text.matchAll(STACK_TRACE)) {
    expect(echoable.includes(match[0]), `a stack trace ("${match[0]}") in the answer:\n${where}`).toBe(true);
  }
  if (answer.status >= 400) {
    if (options.textRefusal && !answer.contentType.includes("json")) {
      expect(answer.text.trim().length, `an empty refusal:\n${where}`).toBeGreaterThan(0);
      return;
    }
    expect(answer.contentType, `a refusal that is not JSON:\n${where}`).toContain("application/json");
    const refusal = JSON.parse(answer.text) as { error?: { status?: unknown; message?: unknown } };
    expect(refusal.error?.status, `error.status differs from the HTTP status:\n${where}`).toBe(answer.status);
    expect(typeof refusal.error?.message === "string" && refusal.error.message.trim().length > 0, `a refusal without a message:\n${where}`).toBe(true);
  } else if (answer.contentType.includes("json")) {
    expect(() => JSON.parse(answer.text), `a 2xx that claims JSON but is not:\n${where}`).not.toThrow();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Mutating JSON: real payloads and schema-shaped bodies alike
// ---------------------------------------------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Container = Json[] | { [key: string]: Json };

interface Slot {
  parent: Container;
  key: string | number;
}

function slotsOf(root: Json): Slot[] {
  const out: Slot[] = [];
  const walk = (node: Json, depth: number) => {
    if (depth > 60) return;
    if (Array.isArray(node)) {
      node.forEach((child, i) => {
        out.push({ parent: node, key: i });
        walk(child, depth + 1);
      });
    } else if (node !== null && typeof node === "object") {
      for (const [key, child] of Object.entries(node)) {
        out.push({ parent: node, key });
        walk(child, depth + 1);
      }
    }
  };
  walk(root, 0);
  return out;
}

const read = (slot: Slot): Json => (slot.parent as Record<string | number, Json>)[slot.key]!;
const write = (slot: Slot, value: Json) => {
  (slot.parent as Record<string | number, Json>)[slot.key] = value;
};

function retype(value: Json): Json {
  if (typeof value === "string") return Number.isFinite(Number(value)) && value.trim() !== "" ? Number(value) : value.length;
  if (typeof value === "number") return String(value);
  if (typeof value === "boolean") return value ? "true" : 0;
  if (value === null) return "null";
  if (Array.isArray(value)) return Object.fromEntries(value.map((v, i) => [String(i), v]));
  return Object.values(value);
}

function flip(value: Json): Json {
  if (Array.isArray(value)) return Object.fromEntries(value.map((v, i) => [String(i), v]));
  if (value !== null && typeof value === "object") return Object.values(value);
  return [value];
}

/**
 * Deep nesting is written into the JSON text, not built as a value: neither JSON.stringify nor fast-check's
 * reports survive thousands of levels. A marker string stands in for it until the body is serialised.
 */
const nestMarker = (depth: number) => `\u2063nest:${depth}\u2063`;
function expandNesting(text: string): string {
  return text.replace(/"\u2063nest:(\d+)\u2063"/g, (_, depth: string) => {
    const pairs = Math.ceil(Number(depth) / 2);
    return `${'[{"n":'.repeat(pairs)}0${"}]".repeat(pairs)}`;
  });
}
/** How deep the body nests (the body is level 1), iteratively: the point is that it may be very deep. */
function depthOf(value: unknown): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 1]];
  while (pending.length > 0) {
    const [node, depth] = pending.pop()!;
    if (node === null || typeof node !== "object") continue;
    deepest = Math.max(deepest, depth);
    for (const child of Array.isArray(node) ? node : Object.values(node)) pending.push([child, depth + 1]);
  }
  return deepest;
}

type Mutation =
  | { op: "delete"; at: number }
  | { op: "replace"; at: number; value: Json }
  | { op: "retype"; at: number }
  | { op: "flip"; at: number }
  | { op: "huge"; at: number; unit: string; times: number }
  | { op: "nest"; at: number; depth: number }
  | { op: "widen"; at: number; length: number }
  | { op: "duplicate"; at: number };

type TextMutation =
  | { op: "truncate"; at: number }
  | { op: "splice"; at: number; text: string }
  | { op: "duplicateKey"; at: number }
  | { op: "pad"; bytes: number }
  | { op: "replace"; text: string };

function mutate(root: Json, mutations: Mutation[]): Json {
  let doc: Json = structuredClone(root);
  for (const m of mutations) {
    const slots = slotsOf(doc);
    if (slots.length === 0) {
      // Only the root is left: replace it as a whole.
      if (m.op === "replace") doc = structuredClone(m.value);
      else if (m.op === "nest") doc = nestMarker(m.depth);
      else if (m.op === "retype") doc = retype(doc);
      else if (m.op === "flip") doc = flip(doc);
      continue;
    }
    const slot = slots[m.at % slots.length]!;
    const value = read(slot);
    switch (m.op) {
      case "delete":
        if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 1);
        else delete slot.parent[slot.key as string];
        break;
      case "replace":
        write(slot, structuredClone(m.value));
        break;
      case "retype":
        write(slot, retype(value));
        break;
      case "flip":
        write(slot, flip(value));
        break;
      case "huge":
        write(slot, m.unit.repeat(m.times));
        break;
      case "nest":
        write(slot, nestMarker(m.depth));
        break;
      case "widen":
        write(slot, Array.from({ length: m.length }, (_, i) => ({ i })));
        break;
      case "duplicate":
        if (Array.isArray(value) && value.length > 0) value.push(...structuredClone(value));
        else if (Array.isArray(slot.parent)) slot.parent.splice(slot.key as number, 0, structuredClone(value));
        else write(slot, [value, structuredClone(value)]);
        break;
    }
  }
  return doc;
}

function mutateText(text: string, mutations: TextMutation[]): string {
  for (const m of mutations) {
    switch (m.op) {
      case "truncate":
        text = text.slice(0, m.at % Math.max(1, text.length));
        break;
      case "splice": {
        const at = m.at % (text.length + 1);
        text = text.slice(0, at) + m.text + text.slice(at);
        break;
      }
      case "duplicateKey": {
        // JSON.stringify never repeats a key; a hand-written body may. The later one wins in JSON.parse.
        const keys = [...text.matchAll(/"([^"\\]{1,40})":/g)];
        const match = keys[m.at % Math.max(1, keys.length)];
        if (match?.index !== undefined) text = `${text.slice(0, match.index)}"${match[1]}":{"dup":[1,"x",null]},${text.slice(match.index)}`;
        break;
      }
      case "pad":
        text += " ".repeat(m.bytes);
        break;
      case "replace":
        text = m.text;
        break;
    }
  }
  return text;
}

const oddStrings = [
  "", " ", "0", "-1", "1e999", "NaN", "null", "true", "[]", "{}", "undefined", "__proto__", "constructor", "toString",
  "\u0000", "\ud800", "\udfff", "😀", "👩🏽‍💻", "\u202e", "中文", "עברית", "\r\n", "'; DROP TABLE messages; --", "%", "%zz", "../..", "<script>", "\\", "\"",
  "messages", "statuses", "text", "image", "wamid.X", "+1 555 0100",
];

const weirdValue: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom<Json>(...oddStrings, null, true, false, 0, -1, 1.5, 1e308, -1e308, 2 ** 53, -(2 ** 63), [], {}, [null], { "": "" }) },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: "grapheme", maxLength: 20 }) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) as fc.Arbitrary<Json> },
);

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant("delete" as const), at: fc.nat() }) },
  { weight: 4, arbitrary: fc.record({ op: fc.constant("replace" as const), at: fc.nat(), value: weirdValue }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant("retype" as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("flip" as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("duplicate" as const), at: fc.nat() }) },
  // Built when applied, so a failure's report stays short: up to 20,000 levels of nesting, 5,000 entries.
  { weight: 1, arbitrary: fc.record({ op: fc.constant("nest" as const), at: fc.nat(), depth: fc.oneof(fc.integer({ min: 2, max: 80 }), fc.integer({ min: 80, max: 20_000 })) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("widen" as const), at: fc.nat(), length: fc.integer({ min: 0, max: 5000 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant("huge" as const),
      at: fc.nat(),
      unit: fc.constantFrom("x", "é", "中", "😀", "\u0000", "\\\"", "\ud83d"),
      times: fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 1_000, max: 80_000 }) }, { weight: 1, arbitrary: fc.constantFrom(700_000, 1_100_000, 2_900_000) }),
    }),
  },
);

const textMutationArb: fc.Arbitrary<TextMutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant("truncate" as const), at: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("splice" as const), at: fc.nat(), text: fc.oneof(fc.constantFrom(",", "}", "]", "\"", "\\", "\u0000", "NaN", "//", "\ud800"), fc.string({ maxLength: 8 })) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant("duplicateKey" as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("pad" as const), bytes: fc.constantFrom(1, 1_000, MAX_WEBHOOK_BYTES) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant("replace" as const), text: fc.oneof(fc.constantFrom("", " ", "null", "[]", "{}", "\"x\"", "0", "\ufeff{}", "{\"object\":\"whatsapp_business_account\",\"entry\":{}}"), fc.string({ unit: "binary", maxLength: 200 })) }) },
);

/** Mostly well-formed JSON, so the deeper code is reached; now and then broken text. */
const textMutationsArb = fc.oneof({ weight: 5, arbitrary: fc.constant<TextMutation[]>([]) }, { weight: 2, arbitrary: fc.array(textMutationArb, { minLength: 1, maxLength: 2 }) });

// ---------------------------------------------------------------------------------------------------------------
// The webhook
// ---------------------------------------------------------------------------------------------------------------

const fixtureFiles = import.meta.glob<string>("../fixtures/whatsapp/*.json", { query: "?raw", import: "default", eager: true });
const fixtures = Object.entries(fixtureFiles)
  .filter(([path]) => !path.endsWith("/expected.json"))
  .map(([path, raw]) => ({ file: path.split("/").pop()!, payload: JSON.parse(raw) as Json }));

type Attack = "missing" | "empty" | "wrongSecret" | "otherBody" | "shortHex" | "sha1" | "garbage" | "upperHex" | "padded";
/** Signature variants that must still verify: hex is case-insensitive and the header value is trimmed. */
const VERIFYING: Attack[] = ["upperHex", "padded"];

async function signatureFor(attack: Attack, text: string): Promise<string | null> {
  const good = await sign(text);
  switch (attack) {
    case "missing":
      return null;
    case "empty":
      return "";
    case "wrongSecret":
      return sign(text, "not-the-app-secret");
    case "otherBody":
      return sign(`${text} `);
    case "shortHex":
      return good.slice(0, -2);
    case "sha1":
      return good.replace("sha256=", "sha1=");
    case "garbage":
      return `sha256=${"z".repeat(64)}`;
    case "upperHex":
      return `sha256=${good.slice(7).toUpperCase()}`;
    case "padded":
      return `  ${good}  `;
  }
}

/** What the webhook must answer, from the bytes alone: the same checks in the same order as the route, each refusal with the words that name its problem. */
function expectedWebhookAnswer(bytes: Uint8Array, verifies: boolean): { reason: string; status: number; names?: RegExp } {
  if (bytes.byteLength > MAX_WEBHOOK_BYTES) return { reason: "too large", status: 413, names: /larger than Meta's 3 MB/ };
  if (!verifies) return { reason: "not signed by Meta", status: 401, names: /X-Hub-Signature-256/ };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return { reason: "not JSON", status: 400, names: /not valid JSON/ };
  }
  if (depthOf(json) > MAX_WEBHOOK_DEPTH) return { reason: "nested too deep", status: 400, names: /nests deeper than/ };
  const parsed = webhookPayloadSchema.safeParse(json);
  if (!parsed.success) return { reason: "not a webhook", status: 400, names: new RegExp(`^not a WhatsApp webhook: ${escapeRegExp(parsed.error.issues[0]!.path.join(".") || "body")}: `) };
  return { reason: "acknowledged", status: 200 };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

let freshSuffix = 0;
/** Points a fixture at a number and WABA, and optionally gives its wamids new ids so they are not deduplicated away. */
function retarget(payload: Json, phoneNumberId: Json, wabaId: string, fresh: boolean): Json {
  const doc = structuredClone(payload) as { entry?: { id?: Json; changes?: { value?: Record<string, Json> }[] }[] };
  const suffix = `.fz${++freshSuffix}`;
  for (const entry of doc.entry ?? []) {
    entry.id = wabaId;
    for (const change of entry.changes ?? []) {
      const value = change.value;
      if (!value) continue;
      if (value.metadata && typeof value.metadata === "object") (value.metadata as Record<string, Json>).phone_number_id = phoneNumberId;
      if (!fresh) continue;
      for (const list of [value.messages, value.statuses]) {
        if (!Array.isArray(list)) continue;
        for (const item of list) if (item && typeof item === "object" && !Array.isArray(item) && typeof item.id === "string") item.id += suffix;
      }
    }
  }
  return doc as Json;
}

// ---------------------------------------------------------------------------------------------------------------
// The API: routes from the OpenAPI document, values from their schemas and from what the worker handed out
// ---------------------------------------------------------------------------------------------------------------

interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
}

interface Parameter {
  name: string;
  in: "path" | "query" | "header";
  required?: boolean;
  schema?: JsonSchema;
}

interface Route {
  method: string;
  /** OpenAPI form, /numbers/{phoneNumberId}/… */
  path: string;
  secured: boolean;
  params: Parameter[];
  query: Parameter[];
  body: JsonSchema | null;
}

/** Ids, tokens and emails the worker handed out, by kind; the fuzzer sends them back in paths and bodies. */
const pools: Record<string, string[]> = { number: [], person: [], team: [], id: [], small: ["1", "2", "3"], token: [], key: [], email: [] };
function remember(pool: string, value: unknown) {
  if (typeof value !== "string" || value.length === 0 || value.length > 300) return;
  const list = (pools[pool] ??= []);
  if (list.includes(value)) return;
  list.push(value);
  if (list.length > 80) list.shift();
}

/** Which pool a parameter or property draws from, by its name. */
function poolFor(name: string): string {
  if (/phoneNumberId|numberIds/i.test(name)) return "number";
  if (/personId|agentId|memberIds|supervisorIds|createdBy|ownerId/i.test(name)) return "person";
  if (/teamId/i.test(name)) return "team";
  if (/conversationId|contactId|replyToId|targetId|cursor/i.test(name)) return "small";
  if (/token/i.test(name)) return "token";
  if (/^key$|attribute/i.test(name)) return "key";
  if (/email/i.test(name)) return "email";
  return "id";
}

function harvest(path: string, value: unknown, depth = 0): void {
  if (depth > 8 || value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    for (const item of value.slice(0, 50)) harvest(path, item, depth + 1);
    return;
  }
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    if (typeof child === "string") {
      if (key === "id") {
        remember("id", child);
        if (path.startsWith("/people") || path.startsWith("/me")) remember("person", child);
        if (path.startsWith("/teams")) remember("team", child);
        if (/conversations|contacts/.test(path) && /^\d+$/.test(child)) remember("small", child);
      } else if (key === "phoneNumberId") remember("number", child);
      else if (/^(personId|agentId|assigneeId|createdBy)$/.test(key)) remember("person", child);
      else if (key === "key") remember("key", child);
      else if (key === "email") remember("email", child);
      else if (key === "url" && child.includes("/invite/")) remember("token", child.split("/invite/")[1]);
      else if (key === "ticket") remember("token", child);
    } else harvest(path, child, depth + 1);
  }
}

/** The ids of the workspace being fuzzed now, by pool; a pool reference prefers them over stale or foreign ones. */
const current: Record<string, string[]> = {};

/** A value drawn from a pool when the request is built: the pools grow while the fuzzer runs. */
class PoolRef {
  constructor(
    readonly pool: string,
    readonly pick: number,
  ) {}
  resolve(): string {
    const now = current[this.pool] ?? [];
    if (now.length > 0 && this.pick % 3 !== 0) return now[Math.floor(this.pick / 3) % now.length]!;
    const list = pools[this.pool]!.length > 0 ? pools[this.pool]! : pools.id!;
    return list.length > 0 ? list[this.pick % list.length]! : "1";
  }
}

function resolveRefs(value: unknown): Json {
  if (value instanceof PoolRef) return value.resolve();
  if (Array.isArray(value)) return value.map(resolveRefs);
  if (value !== null && typeof value === "object") return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveRefs(v)]));
  return value as Json;
}

const poolRef = (name: string) => fc.nat().map((pick) => new PoolRef(poolFor(name), pick));

const digitsArb = fc.oneof(fc.stringMatching(/^\d{1,15}$/), fc.constantFrom("0", "00", "999999999999999", "9007199254740993", "1".repeat(30)));

/** Strings a `z.string().trim().min(min).max(max)` accepts. */
function trimmedString(min: number, max: number, unit: "grapheme-ascii" | "grapheme"): fc.Arbitrary<string> {
  const first = fc.constantFrom("a", "Z", "7", "中", "é", "😀", "_");
  return fc.tuple(first, fc.string({ unit, maxLength: Math.max(0, Math.min(max, 40) - 1) })).map(([a, rest]) => {
    const text = (a + rest).trim();
    return (text.length < min ? text + "x".repeat(min - text.length) : text).slice(0, max);
  });
}

function longString(min: number, max: number): fc.Arbitrary<string> {
  return fc
    .tuple(fc.integer({ min: Math.max(min, 1), max: Math.max(min, Math.min(max, 300)) }), fc.constantFrom("a", "é", "中", "😀", "x y", "%_\\"))
    .map(([length, unit]) => {
      let text = "";
      for (const ch of unit.repeat(length)) {
        if (text.length + ch.length > length) break;
        text += ch;
      }
      return text.trim().padEnd(min, "x");
    });
}

function patternArb(pattern: string): fc.Arbitrary<string> {
  if (pattern.includes("\\d{4}-\\d{2}-\\d{2}")) return fc.oneof(fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)), fc.stringMatching(/^\d{4}-\d{2}-\d{2}$/));
  if (pattern.includes("[01]\\d|2[0-3]")) return fc.stringMatching(/^([01]\d|2[0-3]):[0-5]\d$/);
  if (pattern.includes("#[0-9a-fA-F]")) return fc.stringMatching(/^#[0-9a-fA-F]{6}$/);
  if (pattern.includes("\\d+\\.\\d+") || pattern.includes("\\.(\\d")) return fc.stringMatching(/^\d{1,16}\.\d{1,6}$/);
  if (pattern.includes("\\p{L}")) return fc.oneof(fc.stringMatching(/^[a-z0-9_-]{1,30}$/), fc.constantFrom("问候", "Ünïcödé", "a".repeat(30)));
  if (pattern.includes("\\d")) return digitsArb;
  return fc.string({ maxLength: 40 });
}

function stringArb(schema: JsonSchema, name: string, strict: boolean): fc.Arbitrary<unknown> {
  const min = schema.minLength ?? 0;
  const max = schema.maxLength ?? 60;
  const choices: fc.WeightedArbitrary<unknown>[] = [];
  if (schema.format === "uuid") choices.push({ weight: 6, arbitrary: fc.uuid() });
  else if (schema.format === "email") {
    choices.push({ weight: 4, arbitrary: fc.stringMatching(/^[a-z0-9]{1,12}@[a-z]{1,8}\.test$/) }, { weight: 2, arbitrary: poolRef("email") });
    if (!strict) choices.push({ weight: 2, arbitrary: fc.emailAddress() });
  } else if (schema.pattern) {
    choices.push({ weight: 6, arbitrary: patternArb(schema.pattern) });
    if (schema.pattern.includes("\\d") && !schema.pattern.includes("-")) choices.push({ weight: 4, arbitrary: poolRef(name) });
  } else {
    choices.push(
      { weight: 4, arbitrary: trimmedString(min, max, "grapheme-ascii") },
      { weight: 1, arbitrary: trimmedString(min, max, "grapheme") },
      { weight: 3, arbitrary: poolRef(name) },
      // Long values too, anywhere up to the documented maximum (or 300): short strings are what generators like.
      { weight: 3, arbitrary: longString(min, max) },
    );
    if (/password/i.test(name)) choices.push({ weight: 3, arbitrary: fc.constantFrom("password-1", "password-2", "correct horse battery") });
    if (!strict) choices.push({ weight: 2, arbitrary: fc.string({ minLength: min, maxLength: Math.min(max, 40) }) });
  }
  // The edges of the documented length, and just past them.
  if (!strict) choices.push({ weight: 2, arbitrary: fc.constantFrom("x".repeat(max), "x".repeat(max + 1), "x".repeat(Math.max(0, min - 1)), " ".repeat(Math.max(1, min))) });
  return fc.oneof(...choices);
}

function numberArb(schema: JsonSchema, integer: boolean, strict: boolean): fc.Arbitrary<unknown> {
  const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : -1_000_000);
  const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : Math.max(min + 1_000_000, 2e12));
  const inRange = integer ? fc.integer({ min: Math.max(min, -(2 ** 31)), max: Math.min(max, 2 ** 31 - 1) }) : fc.double({ min, max, noNaN: true });
  const times = [Date.now(), Date.now() + 3_600_000, Date.now() - 86_400_000].filter((t) => t >= min && t <= max);
  if (strict) return times.length > 0 ? fc.oneof(inRange, fc.constantFrom(...times)) : inRange;
  // Past 2189 (the last alarm time the runtime accepts), the last instant a Date holds, and just past it.
  const edges = [min, max, min - 1, max + 1, 0, -1, ...times, Date.UTC(2190, 0, 1), Number.MAX_SAFE_INTEGER, 8.64e15, 8.64e15 + 1, -8.64e15 - 1];
  return fc.oneof(
    { weight: 5, arbitrary: inRange },
    { weight: 3, arbitrary: fc.constantFrom(...edges) },
    { weight: 1, arbitrary: fc.maxSafeInteger() },
    ...(integer ? [] : [{ weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) }]),
  );
}

/**
 * Values for a JSON schema. Strict: what the schema accepts, to reach the code behind the validation.
 * Loose: mostly that, plus the edges just past every bound and values of other enums and types.
 */
function fromSchema(schema: JsonSchema | undefined, name: string, strict: boolean, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || Object.keys(schema).length === 0 || depth > 6) return strict ? fc.oneof(poolRef(name), fc.jsonValue({ maxDepth: 2 })) : fc.oneof(weirdValue, poolRef(name), fc.jsonValue({ maxDepth: 2 }));
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum) return strict ? fc.constantFrom(...schema.enum) : fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...schema.enum) }, { weight: 1, arbitrary: fc.constantFrom("", "unknown", "ALL") });
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives) return fc.oneof(...alternatives.map((s) => fromSchema(s, name, strict, depth + 1)));
  if (schema.allOf) return fromSchema(Object.assign({}, ...schema.allOf) as JsonSchema, name, strict, depth + 1);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : schema.properties ? ["object"] : ["string"];
  return fc.oneof(
    ...types.map((type): fc.Arbitrary<unknown> => {
      switch (type) {
        case "null":
          return fc.constant(null);
        case "boolean":
          return fc.boolean();
        case "integer":
          return numberArb(schema, true, strict);
        case "number":
          return numberArb(schema, false, strict);
        case "array": {
          const maxItems = Math.min(schema.maxItems ?? 4, 4);
          const items = fromSchema(schema.items, name, strict, depth + 1);
          const fitting = fc.array(items, { minLength: Math.min(schema.minItems ?? 0, maxItems), maxLength: maxItems });
          if (strict) return fitting;
          return fc.oneof({ weight: 6, arbitrary: fitting }, { weight: 1, arbitrary: fc.array(items, { minLength: (schema.maxItems ?? 40) + 1, maxLength: (schema.maxItems ?? 40) + 1 }) });
        }
        case "object": {
          const properties = schema.properties ?? {};
          const model = Object.fromEntries(Object.entries(properties).map(([key, s]) => [key, fromSchema(s, key, strict, depth + 1)]));
          return fc.record(model, { requiredKeys: (schema.required ?? []).filter((k) => k in model) });
        }
        default:
          return stringArb(schema, name, strict);
      }
    }),
  );
}

/**
 * The largest value a schema documents: every string at its maximum length in three-byte characters, every list
 * as long as allowed (up to 50), every optional field present, numbers at their maximum, and anything-goes values
 * (`{}`) nested ten thousand levels deep. Ids that must match a pattern are the world's own.
 */
function largest(schema: JsonSchema | undefined, name: string, depth = 0): unknown {
  if (!schema || Object.keys(schema).length === 0) return depth === 0 ? {} : nestMarker(10_000);
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return schema.enum[schema.enum.length - 1];
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives) return largest(alternatives[0], name, depth + 1);
  const type = (Array.isArray(schema.type) ? schema.type : [schema.type ?? (schema.properties ? "object" : "string")]).find((t) => t !== "null");
  switch (type) {
    case "boolean":
      return true;
    case "integer":
    case "number":
      return schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - 1 : Number.MAX_SAFE_INTEGER);
    case "array":
      return Array.from({ length: Math.min(schema.maxItems ?? 50, 50) }, () => largest(schema.items, name, depth + 1));
    case "object":
      return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([key, s]) => [key, largest(s, key, depth + 1)]));
    default:
      if (schema.format === "uuid") return crypto.randomUUID();
      if (schema.format === "email") return `largest${uniqueNumberId()}@example.test`;
      if (schema.pattern) return /^\^\\d(\+|\{1,\d+\})\$$/.test(schema.pattern) ? new PoolRef(poolFor(name), 1).resolve() : fc.sample(patternArb(schema.pattern), { numRuns: 1, seed: SEED })[0]!;
      return "中".repeat(Math.min(schema.maxLength ?? 1_000, 100_000));
  }
}

type PathValue = { kind: "value"; value: unknown } | { kind: "raw"; text: string };

/** A path segment: schema-shaped or an id the worker handed out, mostly; sometimes something no route expects. */
function pathValueArb(param: Parameter): fc.Arbitrary<PathValue> {
  return fc.oneof(
    { weight: 6, arbitrary: poolRef(param.name).map((value): PathValue => ({ kind: "value", value })) },
    { weight: 3, arbitrary: fromSchema(param.schema, param.name, false).map((value): PathValue => ({ kind: "value", value })) },
    { weight: 2, arbitrary: fc.oneof(fc.constantFrom(...oddStrings), fc.string({ unit: "binary", maxLength: 30 }), fc.constantFrom("x".repeat(3000), "1".repeat(400))).map((value): PathValue => ({ kind: "value", value })) },
    { weight: 1, arbitrary: fc.constantFrom("%zz", "%", "%00", "%2F", "a%2Fb", "..", ".", "%E0%A4%A", "%F0%9F%98", "a b", "?x=1", "#frag", "\\").map((text): PathValue => ({ kind: "raw", text })) },
  );
}

/** A path segment is "odd" when it can no longer reach the route it was meant for (so a 404 is fair). */
const oddSegment = (segment: string) => segment === "" || segment === "." || segment === ".." || /[?#\\ ]/.test(segment) || /%(?![0-9A-Fa-f]{2})/.test(segment);

type BodyChoice =
  | { kind: "none" }
  | { kind: "json"; value: unknown; mutations: Mutation[]; text: TextMutation[] }
  | { kind: "raw"; text: string };

const contentTypeArb = fc.oneof(
  { weight: 12, arbitrary: fc.constant<string | null>("application/json") },
  { weight: 1, arbitrary: fc.constantFrom<string | null>(null, "application/json; charset=utf-8", "APPLICATION/JSON", "text/plain", "application/x-www-form-urlencoded", "multipart/form-data", "multipart/form-data; boundary=x", "application/vnd.api+json", "application/json; charset=utf-16", "*/*", "") },
);

function bodyArb(route: Route): fc.Arbitrary<BodyChoice> {
  const validValue = route.body ? fromSchema(route.body, "body", true) : fc.jsonValue({ maxDepth: 2 });
  const schemaValue = route.body ? fromSchema(route.body, "body", false) : fc.jsonValue({ maxDepth: 2 });
  return fc.oneof(
    { weight: route.body ? 1 : 4, arbitrary: fc.constant<BodyChoice>({ kind: "none" }) },
    { weight: 10, arbitrary: fc.record({ kind: fc.constant("json" as const), value: validValue, mutations: fc.constant<Mutation[]>([]), text: fc.constant<TextMutation[]>([]) }) },
    { weight: 3, arbitrary: fc.record({ kind: fc.constant("json" as const), value: schemaValue, mutations: fc.constant<Mutation[]>([]), text: fc.constant<TextMutation[]>([]) }) },
    {
      weight: 5,
      arbitrary: fc.record({ kind: fc.constant("json" as const), value: schemaValue, mutations: fc.array(mutationArb, { minLength: 1, maxLength: 3 }), text: textMutationsArb }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("json" as const), value: weirdValue, mutations: fc.constant<Mutation[]>([]), text: fc.constant<TextMutation[]>([]) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("raw" as const), text: fc.oneof(fc.string({ unit: "binary", maxLength: 200 }), fc.constantFrom("", "{", "{\"a\":", "null", "[1,2", "\ufeff{}", "{}garbage", "a=1&b=2")) }) },
  );
}

const headerValueArb = fc.oneof(fc.stringMatching(/^[\x21-\x7e][\x20-\x7e]{0,60}$/), fc.constantFrom("", "gzip", "*", "null", "chrome-extension://dogfkfociadkkieogbinadpicgbjkaoh", "https://evil.test", "1.2.3.4"));
const extraHeadersArb = fc.array(
  fc.tuple(
    fc.constantFrom("accept", "accept-language", "origin", "x-forwarded-for", "cf-connecting-ip", "user-agent", "x-request-id", "cookie", "if-none-match", "range", "access-control-request-method", "x-http-method-override", "content-encoding"),
    headerValueArb,
  ),
  { maxLength: 3 },
);

type Credential = "admin" | "agent" | "none" | "forgedHere" | "forgedElsewhere" | "malformed" | "lowercaseScheme" | "setupToken" | "truncated";
/** Besides the admin's and the agent's: no credential at all (half the time), or a wrong one. */
const extraCredentialArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Credential>("none") },
  { weight: 6, arbitrary: fc.constantFrom<Credential>("forgedHere", "forgedElsewhere", "malformed", "lowercaseScheme", "setupToken", "truncated") },
);

interface ApiCase {
  route: number;
  methodOverride: string | null;
  params: PathValue[];
  query: [string, unknown][];
  extraQuery: [string, string][];
  body: BodyChoice;
  contentType: string | null;
  headers: [string, string][];
  extraCredential: Credential;
  malformedHeader: string;
}

function apiCaseArb(routes: Route[]): fc.Arbitrary<ApiCase> {
  const perRoute = routes.map((route, index) =>
    fc.record({
      route: fc.constant(index),
      methodOverride: fc.oneof({ weight: 12, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS") }),
      params: fc.tuple(...route.params.map(pathValueArb)),
      query: fc.tuple(
        ...route.query.map((q) =>
          fc.oneof(
            { weight: q.required ? 1 : 3, arbitrary: fc.constant<[string, unknown] | null>(null) },
            // (A null has no form in a query string; "null" is for the loose values.)
            { weight: 4, arbitrary: fromSchema(q.schema, q.name, true).filter((v) => v !== null).map((v): [string, unknown] => [q.name, v]) },
            { weight: 2, arbitrary: fromSchema(q.schema, q.name, false).map((v): [string, unknown] => [q.name, v]) },
            { weight: 1, arbitrary: weirdValue.map((v): [string, unknown] => [q.name, v]) },
          ),
        ),
      ).map((pairs) => pairs.filter((p): p is [string, unknown] => p !== null)),
      extraQuery: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...route.query.map((q) => q.name), "x", "__proto__", "ticket", "view[]"), fc.string({ maxLength: 8 })), fc.string({ maxLength: 20 })), { maxLength: 2 }),
      body: bodyArb(route),
      contentType: contentTypeArb,
      headers: extraHeadersArb,
      extraCredential: extraCredentialArb,
      malformedHeader: fc.constantFrom("Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer a b", "Token abc", "Bearer \u00e9", "bearer", ".", "Bearer w.x"),
    }),
  );
  return fc.nat({ max: routes.length - 1 }).chain((i) => perRoute[i]!);
}

/** encodeURIComponent throws on a lone surrogate; the fuzzer sends U+FFFD there, as a browser would. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;
const encodeSegment = (text: string) => encodeURIComponent(text.replace(LONE_SURROGATE, "\ufffd"));

function queryText(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  return JSON.stringify(value);
}

// ---------------------------------------------------------------------------------------------------------------
// The worlds the fuzzer works in
// ---------------------------------------------------------------------------------------------------------------

interface World extends TestWorkspace {
  workspaceId: string;
  admin: { id: string; email: string };
  rebuilt: number;
}

async function signIn(email: string): Promise<string | null> {
  const result = await api<Session>("POST", "/sessions", { body: { email, password: "password-1" } });
  return result.status === 200 ? result.body.token : null;
}

/** A workspace with an admin, two agents, a number, a customer conversation and a team: things to aim at. */
async function buildWorld(rebuilt = 0): Promise<World> {
  const ws = await createWorkspace(2);
  const me = await api<Session>("GET", "/me", { token: ws.adminToken });
  expect(me.status).toBe(200);
  const customer = `86${uniqueNumberId()}`;
  const response = await postWebhook(customerMessage(ws.phoneNumberId, customer, "hello, fuzz"));
  expect(response.status).toBe(200);
  // A photo too, so the media route has something the fuzzer may see.
  const mediaId = `fuzzmedia${uniqueNumberId()}`;
  const photo = messagesChange(ws.phoneNumberId, {
    contacts: [{ profile: { name: "Customer" }, wa_id: customer }],
    messages: [{ from: customer, id: `wamid.fuzz${mediaId}`, timestamp: String(Math.floor(Date.now() / 1000)), type: "image", image: { id: mediaId, mime_type: "image/jpeg" } }],
  });
  expect((await postWebhook(photo)).status).toBe(200);
  const team = await api<{ id: string }>("POST", "/teams", { token: ws.adminToken, body: { name: "Fuzzers", memberIds: ws.agents.map((a) => a.id) } });
  expect(team.status).toBe(200);
  remember("number", ws.phoneNumberId);
  remember("person", me.body.agent.id);
  for (const agent of ws.agents) {
    remember("person", agent.id);
    remember("email", agent.email);
  }
  remember("team", team.body.id);
  Object.assign(current, {
    number: [ws.phoneNumberId],
    person: [me.body.agent.id, ...ws.agents.map((a) => a.id)],
    team: [team.body.id],
    small: ["1"],
    email: ws.agents.map((a) => a.email),
    media: [mediaId],
  });
  return { ...ws, workspaceId: ws.adminToken.split(".")[0]!, admin: { id: me.body.agent.id, email: me.body.agent.email }, rebuilt };
}

/**
 * After a run that changed something: the admin is still an admin, the agent still an agent on the number, both
 * signed in (again, if the fuzzer signed them out); otherwise the world is rebuilt, so every credential stays what it says.
 */
async function keepWorldUsable(world: World): Promise<World> {
  const roleOf = async (token: string) => {
    const me = await api<Session>("GET", "/me", { token });
    return me.status === 200 ? me.body.agent.role : null;
  };
  const agent = world.agents[0]!;
  let adminRole = await roleOf(world.adminToken);
  if (adminRole === null) adminRole = (world.adminToken = (await signIn(world.admin.email)) ?? "") ? await roleOf(world.adminToken) : null;
  let agentRole = await roleOf(agent.token);
  if (agentRole === null) agentRole = (agent.token = (await signIn(agent.email)) ?? "") ? await roleOf(agent.token) : null;
  const onNumber = agentRole === "agent" && (await api("GET", `/numbers/${world.phoneNumberId}/counts`, { token: agent.token })).status === 200;
  if (adminRole === "admin" && onNumber) return world;
  return buildWorld(world.rebuilt + 1);
}

function credentialHeader(credential: Credential, world: World, apiCase: ApiCase): string | null {
  switch (credential) {
    case "admin":
      return `Bearer ${world.adminToken}`;
    case "agent":
      return `Bearer ${world.agents[0]!.token}`;
    case "none":
      return null;
    case "forgedHere":
      return `Bearer ${world.workspaceId}.${"A".repeat(43)}`;
    case "forgedElsewhere":
      return `Bearer w${"q".repeat(12)}${apiCase.route}.${"B".repeat(43)}`;
    case "malformed":
      return apiCase.malformedHeader;
    case "lowercaseScheme":
      return `bearer ${world.agents[1]!.token}`;
    case "setupToken":
      return "Bearer test-setup-token";
    case "truncated":
      return `Bearer ${world.adminToken.slice(0, -3)}`;
  }
}

let fuzzAddress = 0;

function buildRequest(route: Route, apiCase: ApiCase, credential: Credential, world: World): { sent: Sent; oddPath: boolean } {
  let oddPath = false;
  let index = 0;
  const path = route.path.replace(/\{(\w+)\}/g, () => {
    const value = apiCase.params[index++]!;
    const segment = value.kind === "raw" ? value.text : encodeSegment(queryText(resolveRefs(value.value)));
    if (oddSegment(segment) || value.kind === "raw") oddPath = true;
    return segment;
  });
  const search = new URLSearchParams();
  for (const [key, value] of apiCase.query) search.append(key, queryText(resolveRefs(value)));
  for (const [key, value] of apiCase.extraQuery) search.append(key, value);
  const method = apiCase.methodOverride ?? route.method;
  // Failed sign-ins lock the caller's address; the fuzzer's come from addresses of their own, never from "local",
  // the one every other request of the test run shares (a locked "local" would refuse the helpers' sign-ins).
  const headers: Record<string, string> = { "cf-connecting-ip": `198.51.100.${++fuzzAddress % 200}` };
  for (const [name, value] of apiCase.headers) if (!(name === "cf-connecting-ip" && value.trim().toLowerCase() === "local")) headers[name] = value;
  const authorization = credentialHeader(credential, world, apiCase);
  if (authorization !== null) headers.authorization = authorization;
  let body: string | undefined;
  if (method !== "GET" && apiCase.body.kind !== "none") {
    body =
      apiCase.body.kind === "raw"
        ? apiCase.body.text
        : mutateText(expandNesting(JSON.stringify(mutate(resolveRefs(apiCase.body.value), apiCase.body.mutations)) ?? "null"), apiCase.body.text);
    if (apiCase.contentType !== null) headers["content-type"] = apiCase.contentType;
  }
  const query = search.toString();
  return { sent: { method, url: `${BASE}/api${path}${query ? `?${query}` : ""}`, headers, body }, oddPath };
}

async function loadRoutes(): Promise<Route[]> {
  const response = await SELF.fetch(`${BASE}/api/openapi.json`);
  expect(response.status).toBe(200);
  const doc = (await response.json()) as {
    paths: Record<string, Record<string, { security?: unknown[]; parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>>;
  };
  const routes: Route[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const parameters = operation.parameters ?? [];
      // Path parameters in the order they appear in the path.
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      routes.push({
        method: method.toUpperCase(),
        path,
        secured: (operation.security ?? []).length > 0,
        params: names.map((name) => parameters.find((p) => p.in === "path" && p.name === name) ?? { name, in: "path", schema: { type: "string" } }),
        query: parameters.filter((p) => p.in === "query"),
        body: operation.requestBody?.content?.["application/json"]?.schema ?? null,
      });
    }
  }
  return routes;
}

// ---------------------------------------------------------------------------------------------------------------
// Odd but signed webhooks (issue #19): messages of every odd class mixed with ordinary ones
// ---------------------------------------------------------------------------------------------------------------

/** What a generated odd message is made of: one class from each axis ("normal" where the axis is left alone). */
const ODD_AXES = {
  identity: ["normal", "empty", "blank", "huge", "unicode", "control", "lookalike", "numberTyped", "disagreeing", "fromNotContact", "bsuidOnly", "none"],
  timestamp: ["normal", "missing", "future", "huge", "beyondDouble", "negative", "fraction", "digitsText", "garbage", "object", "milliseconds", "beforeWhatsApp"],
  content: ["normal", "textString", "textNested", "textHuge", "surrogateNul", "unknownType", "noType", "interactiveWrong", "locationWrong", "orderWrong", "errorsWrong", "contextWrong", "editOther", "revokeOther"],
  fields: ["normal", "noId", "emptyId", "hugeId", "notObject", "duplicate", "statusSameWamid", "contactsOnly", "severalContacts"],
} as const;
type OddAxis = keyof typeof ODD_AXES;
type OddSpec = { [A in OddAxis]: (typeof ODD_AXES)[A][number] };
const oddSpecArb: fc.Arbitrary<OddSpec> = fc.record(
  Object.fromEntries(Object.entries(ODD_AXES).map(([axis, classes]) => [axis, fc.constantFrom(...classes)])) as { [A in OddAxis]: fc.Arbitrary<OddSpec[A]> },
);
const oddTally: Record<string, number> = {};

/** A few phones and business-scoped ids shared by the odd messages of every run, so identities meet and disagree. */
const SHARED_PHONES = ["8619900000001", "8619900000002", "8619900000003"];
const SHARED_USERS = ["US.1000000000000000001", "US.1000000000000000002", "US.1000000000000000003"];
const LOOKALIKES = ["user:US.1000000000000000001", "unknown:wamid.odd", "user:", "unknown:", "#1", "null"];

interface OddPost {
  body: string;
  /** Ordinary messages: each must be stored once, in its customer's conversation, and routed. */
  good: { wamid: string; phone: string; text: string }[];
  /** Every odd item as sent: each must be visible (in a conversation or among the unreadable deliveries). */
  odd: unknown[];
}

function buildOddPost(phoneNumberId: string, goodCount: number, specs: OddSpec[], picks: number[], twoChanges: boolean): OddPost {
  const pick = (i: number, list: readonly string[]) => list[(picks[i % picks.length] ?? 0) % list.length]!;
  const seconds = Math.floor(Date.now() / 1000);
  const good = Array.from({ length: goodCount }, () => ({ wamid: `wamid.good.${unique("")}`, phone: `86${uniqueNumberId()}`, text: `ordinary ${unique("t")}` }));
  const contacts: unknown[] = good.map((g) => ({ profile: { name: `Good ${g.phone}` }, wa_id: g.phone }));
  const messages: unknown[] = good.map((g) => ({ from: g.phone, id: g.wamid, timestamp: String(seconds), type: "text", text: { body: g.text } }));
  const statuses: unknown[] = [];
  const odd: unknown[] = [];
  const onlyContacts: unknown[] = [];
  specs.forEach((spec, i) => {
    for (const [axis, value] of Object.entries(spec)) oddTally[`${axis}.${value}`] = (oddTally[`${axis}.${value}`] ?? 0) + 1;
    const message: Record<string, unknown> = { id: `wamid.odd.${unique("")}`, timestamp: String(seconds), type: "text", text: { body: `odd ${i}` } };
    const phone = pick(i, SHARED_PHONES);
    const user = pick(i + 1, SHARED_USERS);
    let contact: Record<string, unknown> | null = { wa_id: phone, profile: { name: `Odd ${i}` } };
    message.from = phone;
    switch (spec.identity) {
      case "empty":
        message.from = "";
        contact = { wa_id: "", user_id: "", profile: { name: "" } };
        break;
      case "blank":
        message.from = "   ";
        contact = { wa_id: "\t" };
        break;
      case "huge":
        message.from = "9".repeat(10_000);
        contact = { wa_id: "9".repeat(10_000), user_id: "U".repeat(5_000) };
        break;
      case "unicode":
        message.from = pick(i, ["客户😀", "עברית", "\u202e8613", "Ünïcödé"]);
        contact = { wa_id: message.from, profile: { name: "😀".repeat(300), username: "用户名" } };
        break;
      case "control":
        message.from = pick(i, ["86\u00001", "86\ud8001", "86\n1"]);
        contact = null;
        break;
      case "lookalike":
        message.from = pick(i, LOOKALIKES);
        contact = { wa_id: message.from, user_id: pick(i + 2, LOOKALIKES) };
        break;
      case "numberTyped":
        message.from = 8619900000009;
        contact = { wa_id: 8619900000009 };
        break;
      case "disagreeing":
        contact = { wa_id: phone, user_id: user };
        message.from_user_id = pick(i + 3, SHARED_USERS);
        break;
      case "fromNotContact":
        contact = { wa_id: pick(i + 1, SHARED_PHONES) };
        break;
      case "bsuidOnly":
        delete message.from;
        contact = { user_id: user, profile: { username: `u${i}` } };
        break;
      case "none":
        delete message.from;
        contact = null;
        break;
    }
    switch (spec.timestamp) {
      case "missing":
        delete message.timestamp;
        break;
      case "future":
        message.timestamp = "4102444800";
        break;
      case "huge":
        message.timestamp = 1e21;
        break;
      case "beyondDouble":
        message.timestamp = "9007199254740993";
        break;
      case "negative":
        message.timestamp = -seconds;
        break;
      case "fraction":
        message.timestamp = seconds - 0.5;
        break;
      case "digitsText":
        message.timestamp = String(seconds - 3600);
        break;
      case "garbage":
        message.timestamp = pick(i, ["soon", "", "1e400", "NaN", " 1700000000"]);
        break;
      case "object":
        message.timestamp = { seconds };
        break;
      case "milliseconds":
        message.timestamp = Date.now();
        break;
      case "beforeWhatsApp":
        message.timestamp = 915148800;
        break;
    }
    const target = good[i % Math.max(1, good.length)]?.wamid ?? "wamid.none";
    switch (spec.content) {
      case "textString":
        message.text = "just a string";
        break;
      case "textNested":
        message.text = { body: { body: [{ body: "deep" }] } };
        break;
      case "textHuge":
        message.text = { body: pick(i, ["长", "x", "😀"]).repeat([70_000, 120_000, 150_000][(picks[i % picks.length] ?? 0) % 3]!) };
        break;
      case "surrogateNul":
        message.text = { body: "a\ud800b\u0000c\udfff" };
        break;
      case "unknownType":
        message.type = pick(i, ["hologram", "x".repeat(500), "TEXT", "text "]);
        break;
      case "noType":
        delete message.type;
        break;
      case "interactiveWrong":
        message.type = "interactive";
        message.interactive = pick(i, ["a", "b"]) === "a" ? { type: 7, button_reply: "x" } : { type: "nfm_reply", nfm_reply: { response_json: "[[[[", body: 5 } };
        break;
      case "locationWrong":
        message.type = "location";
        message.location = { latitude: "north", longitude: null, name: 42 };
        break;
      case "orderWrong":
        message.type = "order";
        message.order = { product_items: [{ quantity: "many", item_price: "1e400" }, null, "x"], catalog_id: {} };
        break;
      case "errorsWrong":
        message.type = "unsupported";
        message.errors = [{ code: "131051" }, "oops", null, { code: 1e400 }];
        break;
      case "contextWrong":
        message.context = { id: 12, forwarded: "yes", referred_product: "p" };
        break;
      case "editOther":
        message.type = "edit";
        message.edit = { original_message_id: target, message: { type: "text", text: { body: "edited by someone else" } } };
        break;
      case "revokeOther":
        message.type = "revoke";
        message.revoke = { original_message_id: target };
        break;
    }
    let item: unknown = message;
    switch (spec.fields) {
      case "noId":
        delete message.id;
        break;
      case "emptyId":
        message.id = "";
        break;
      case "hugeId":
        message.id = `wamid.${"x".repeat(2_000)}`;
        break;
      case "notObject":
        item = (["a message that is a string", 42, null, [1, 2], true] as unknown[])[(picks[i % picks.length] ?? 0) % 5];
        break;
      case "duplicate":
        messages.push(message);
        odd.push(message);
        break;
      case "statusSameWamid":
        statuses.push({ id: message.id, status: "read", timestamp: String(seconds), recipient_id: phone });
        break;
      case "contactsOnly":
        onlyContacts.push({ wa_id: `86${uniqueNumberId()}`, profile: { name: "no message" } });
        break;
      case "severalContacts":
        if (contact) contacts.push({ ...contact, profile: { name: "a second entry for the same sender" } });
        break;
    }
    if (contact) contacts.push(contact);
    messages.push(item);
    odd.push(item);
  });
  // Ordinary and odd messages interleaved, the same order for the same picks.
  const order = messages.map((m, i) => [m, (picks[i % picks.length] ?? 0) * 31 + i] as const).sort((a, b) => a[1] - b[1]).map(([m]) => m);
  const value = (list: unknown[], withStatuses: boolean) => ({
    messaging_product: "whatsapp",
    metadata: { display_phone_number: "15550100", phone_number_id: phoneNumberId },
    contacts,
    messages: list,
    ...(withStatuses && statuses.length > 0 ? { statuses } : {}),
  });
  const half = twoChanges ? Math.ceil(order.length / 2) : order.length;
  const changes = [{ field: "messages", value: value(order.slice(0, half), true) }];
  if (twoChanges) changes.push({ field: "messages", value: value(order.slice(half), false) });
  if (onlyContacts.length > 0) changes.push({ field: "messages", value: { ...value([], false), contacts: onlyContacts } });
  return { body: JSON.stringify({ object: "whatsapp_business_account", entry: [{ id: "WABA", changes }] }), good, odd };
}

const FUZZ_ADMIN = (workspaceId: string): Principal => ({ workspaceId, personId: "fuzz-reader", name: "Fuzz", role: "admin" });

/**
 * Every row the number's object holds, read back through the API's own conversions and checked against the shared
 * schemas: conversations, messages, each contact's profile, the unreadable deliveries. Returns how many rows.
 */
async function readEveryRowBack(phoneNumberId: string, workspaceId: string): Promise<number> {
  return runInDurableObject(env.NUMBER_INBOX.getByName(phoneNumberId), async (instance, state) => {
    const sql = state.storage.sql;
    let rows = 0;
    for (const row of sql.exec(`${CONVERSATION_SELECT} ORDER BY c.id`)) {
      const parsed = conversationSchema.safeParse(toConversation(row, phoneNumberId));
      expect(parsed.success, `conversation ${String(row.id)}: ${JSON.stringify(parsed.error?.issues[0])}`).toBe(true);
      rows++;
    }
    for (const row of sql.exec("SELECT * FROM messages ORDER BY id")) {
      const parsed = messageSchema.safeParse(toMessage(row));
      expect(parsed.success, `message ${String(row.id)}: ${JSON.stringify(parsed.error?.issues[0])}`).toBe(true);
      rows++;
    }
    for (const { id } of sql.exec<{ id: number }>("SELECT id FROM contacts ORDER BY id").toArray()) {
      const profile = await instance.contactProfile(FUZZ_ADMIN(workspaceId), String(id));
      expect(profile.ok && contactProfileSchema.safeParse(profile.value).success, `contact ${id}`).toBe(true);
      rows++;
    }
    const unreadable = await instance.unreadableDeliveries(FUZZ_ADMIN(workspaceId));
    expect(unreadable.ok && unreadableListSchema.safeParse(unreadable.value).success).toBe(true);
    return rows + (unreadable.ok ? unreadable.value.total : 0);
  });
}

/** A view paged to the end through the API's own cursor; every page valid; returns the conversations. */
async function pageToTheEnd(token: string, phoneNumberId: string, view: string, limit: number): Promise<Conversation[]> {
  const seen: Conversation[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 1_000; page++) {
    const query = `view=${view}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`;
    const answer = await api<unknown>("GET", `/numbers/${phoneNumberId}/conversations?${query}`, { token });
    expect(answer.status, `${view} page ${page} (cursor ${cursor}): ${JSON.stringify(answer.body)}`).toBe(200);
    const parsed = conversationListSchema.safeParse(answer.body);
    expect(parsed.success, `${view} page ${page}: ${JSON.stringify(parsed.error?.issues[0])}`).toBe(true);
    seen.push(...parsed.data!.conversations);
    cursor = parsed.data!.nextCursor;
    if (!cursor) {
      expect(new Set(seen.map((c) => c.id)).size, `${view}: a conversation listed twice`).toBe(seen.length);
      return seen;
    }
  }
  throw new Error(`${view} did not end`);
}

/**
 * What people read about a number loads and is valid: every view paged to the end, search, the customer panel, a
 * supervisor's review, the board, the reports, the unreadable deliveries.
 */
async function everythingLoads(ws: TestWorkspace, limit: number, probes: { search: string[]; contactIds: string[]; conversationIds: string[] }): Promise<void> {
  const agent = ws.agents[0]!;
  const all = await pageToTheEnd(ws.adminToken, ws.phoneNumberId, "all", limit);
  const open = await runInDurableObject(env.NUMBER_INBOX.getByName(ws.phoneNumberId), (_, state) =>
    state.storage.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM conversations WHERE status IN ('open', 'pending')").one().n,
  );
  expect(all.length).toBe(open);
  await pageToTheEnd(ws.adminToken, ws.phoneNumberId, "resolved", limit);
  await pageToTheEnd(ws.adminToken, ws.phoneNumberId, "unassigned", limit);
  await pageToTheEnd(agent.token, ws.phoneNumberId, "mine", limit);
  for (const q of probes.search) {
    // (encodeURIComponent throws on a lone surrogate; a browser sends U+FFFD.)
    const answer = await api<unknown>("GET", `/numbers/${ws.phoneNumberId}/search?q=${encodeSegment(q)}`, { token: ws.adminToken });
    if (q.trim() === "" || q.trim().length > 200) expect(answer.status).toBe(400);
    else expect(searchResultsSchema.safeParse(answer.body).success, `search ${JSON.stringify(q.slice(0, 40))} → ${answer.status}`).toBe(true);
  }
  for (const id of probes.contactIds) {
    const answer = await api<unknown>("GET", `/numbers/${ws.phoneNumberId}/contacts/${id}`, { token: ws.adminToken });
    expect(contactProfileSchema.safeParse(answer.body).success, `contact ${id} → ${answer.status}`).toBe(true);
  }
  for (const id of probes.conversationIds) {
    const answer = await api<{ conversation: unknown; messages: unknown }>("GET", `/numbers/${ws.phoneNumberId}/conversations/${id}/review`, { token: ws.adminToken });
    expect(answer.status).toBe(200);
    expect(conversationSchema.safeParse(answer.body.conversation).success && messageListSchema.safeParse({ messages: answer.body.messages }).success, `review ${id}`).toBe(true);
  }
  const board = await api<unknown>("GET", "/board", { token: ws.adminToken });
  expect(boardSchema.safeParse(board.body).success, JSON.stringify(board.body).slice(0, 300)).toBe(true);
  const report = await api<unknown>("GET", `/reports?from=${Date.now() - 86_400_000}&to=${Date.now() + 3_600_000}&bucket=hour`, { token: ws.adminToken });
  expect(reportSchema.safeParse(report.body).success, JSON.stringify(report.body).slice(0, 300)).toBe(true);
  const unreadable = await api<unknown>("GET", `/numbers/${ws.phoneNumberId}/unreadable`, { token: ws.adminToken });
  expect(unreadableListSchema.safeParse(unreadable.body).success).toBe(true);
}

// ---------------------------------------------------------------------------------------------------------------
// The tests
// ---------------------------------------------------------------------------------------------------------------

describe("fuzzing the webhook and every API route", () => {
  /** Its number takes the mutated webhooks; the API fuzzing never touches it, so it proves real traffic afterwards. */
  let inbox: TestWorkspace;
  let inboxWaba: string;
  let world: World;
  let routes: Route[];

  beforeAll(async () => {
    inboxWaba = uniqueNumberId();
    inbox = await createWorkspace(2, uniqueNumberId(), inboxWaba);
    world = await buildWorld();
    routes = await loadRoutes();
  }, 60_000);

  it("reads every route of the OpenAPI document, each with its parameters", () => {
    expect(routes.length).toBeGreaterThan(60);
    for (const route of routes) expect(route.params.length, route.path).toBe((route.path.match(/\{/g) ?? []).length);
    expect(routes.filter((r) => r.body !== null).length).toBeGreaterThan(20);
  });

  it(
    "POST /webhooks/whatsapp: mutated real payloads, signed and not, are acknowledged or refused with a 4xx that names the problem",
    async () => {
      const started = Date.now();
      const reasons = new Set<string>();
      const targetArb = fc.oneof(
        { weight: 8, arbitrary: fc.constant<Json | null>(null) },
        { weight: 1, arbitrary: fc.constant<Json | null>(uniqueNumberId()) },
        { weight: 1, arbitrary: weirdValue.map((v): Json | null => v) },
      );
      await fc.assert(
        fc.asyncProperty(
          fc.nat({ max: fixtures.length - 1 }),
          targetArb,
          fc.boolean(),
          fc.array(mutationArb, { maxLength: 5 }),
          textMutationsArb,
          fc.constantFrom<Attack>("missing", "empty", "wrongSecret", "otherBody", "shortHex", "sha1", "garbage", "upperHex", "padded"),
          async (fixture, target, keepIds, mutations, textMutations, attack) => {
            const base = retarget(fixtures[fixture]!.payload, target ?? inbox.phoneNumberId, inboxWaba, !keepIds);
            const text = mutateText(expandNesting(JSON.stringify(mutate(base, mutations))), textMutations);
            const bytes = new TextEncoder().encode(text);
            const attempts: { signature: string | null; verifies: boolean }[] = [
              { signature: await sign(text), verifies: true },
              { signature: await signatureFor(attack, text), verifies: VERIFYING.includes(attack) },
            ];
            // Both at once, as Meta's retries and a replayed body may arrive.
            await Promise.all(
              attempts.map(async ({ signature, verifies }) => {
                const headers: Record<string, string> = { "content-type": "application/json" };
                if (signature !== null) headers["x-hub-signature-256"] = signature;
                const sent: Sent = { method: "POST", url: `${BASE}/webhooks/whatsapp`, headers, body: bytes };
                const answer = await exchange("webhook", sent);
                checkAnswer(sent, answer);
                const expected = expectedWebhookAnswer(bytes, verifies);
                reasons.add(expected.reason);
                const where = `fixture ${fixtures[fixture]!.file}, signature ${JSON.stringify(signature?.slice(0, 20))}, expected "${expected.reason}":\n${describeExchange(sent, answer)}`;
                expect(answer.status, where).toBe(expected.status);
                if (expected.names) expect((JSON.parse(answer.text) as { error: { message: string } }).error.message, where).toMatch(expected.names);
                else expect(answer.text).toBe("EVENT_RECEIVED");
              }),
            );
          },
        ),
        runs(RUNS),
      );
      report("webhook", started, RUNS);
      // The fuzzer reached every outcome, so each rule of the oracle was exercised, not just satisfied.
      expect([...reasons].sort()).toEqual(["acknowledged", "nested too deep", "not JSON", "not a webhook", "not signed by Meta", "too large"]);
    },
    budget(2),
  );

  it(
    "POST /webhooks/whatsapp: odd but signed messages of every class mixed with ordinary ones — 200, each ordinary one stored once and routed, each odd one visible, every list, search, panel, review, board and report valid",
    async () => {
      const started = Date.now();
      /** A fresh number every so many runs keeps its lists (paged to the end after every run) short. */
      const ROTATE = 15;
      let ws: TestWorkspace | null = null;
      let workspaceId = "";
      let socket: Awaited<ReturnType<typeof connectSocket>> | null = null;
      let runsHere = 0;
      let runsDone = 0;
      let rowsReadBack = 0;
      const fresh = async () => {
        if (ws) rowsReadBack += await readEveryRowBack(ws.phoneNumberId, workspaceId);
        socket?.close();
        ws = await createWorkspace(1);
        workspaceId = ws.adminToken.split(".")[0]!;
        socket = await connectSocket(ws.agents[0]!.token, ws.phoneNumberId);
        await setStatus(ws.agents[0]!.token, "available");
        runsHere = 0;
      };
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 4 }),
          fc.array(oddSpecArb, { maxLength: 5 }),
          fc.array(fc.nat(), { minLength: 1, maxLength: 8 }),
          fc.boolean(),
          fc.integer({ min: 5, max: 60 }),
          fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom(...oddStrings)),
          async (goodCount, specs, picks, twoChanges, limit, randomQuery) => {
            if (!ws || runsHere++ >= ROTATE) await fresh();
            const number = ws!;
            const agentId = number.agents[0]!.id;
            const post = buildOddPost(number.phoneNumberId, goodCount, specs, picks, twoChanges);
            const sent: Sent = { method: "POST", url: `${BASE}/webhooks/whatsapp`, headers: { "content-type": "application/json", "x-hub-signature-256": await sign(post.body) }, body: post.body };
            const answer = await exchange("oddWebhook", sent);
            checkAnswer(sent, answer);
            expect(answer.status, describeExchange(sent, answer)).toBe(200);

            const found = await runInDurableObject(env.NUMBER_INBOX.getByName(number.phoneNumberId), (_, state) => {
              const sql = state.storage.sql;
              const where = `FROM messages m JOIN conversations c ON c.id = m.conversation_id JOIN contacts k ON k.id = c.contact_id`;
              return {
                good: post.good.map((g) =>
                  sql
                    .exec<{ text: string; content: string; wa_id: string; conversation_id: number; assignee_id: string | null; contact_id: number }>(
                      `SELECT m.text, m.content, k.wa_id, c.id AS conversation_id, c.assignee_id, k.id AS contact_id ${where} WHERE m.wamid = ?`,
                      g.wamid,
                    )
                    .toArray(),
                ),
                odd: post.odd.map((item) => {
                  const raw = JSON.stringify(item) ?? "null";
                  const stored = sql.exec<{ conversation_id: number; contact_id: number }>(`SELECT c.id AS conversation_id, k.id AS contact_id ${where} WHERE m.raw = ? LIMIT 1`, raw).toArray()[0];
                  const kept = sql.exec("SELECT 1 FROM unreadable_parts WHERE seq = 0 AND text = ? LIMIT 1", raw).toArray().length > 0;
                  return { stored, kept };
                }),
              };
            });
            post.good.forEach((g, i) => {
              const rows = found.good[i]!;
              expect(rows.length, `ordinary ${g.wamid} stored ${rows.length} times`).toBe(1);
              expect(rows[0]).toMatchObject({ text: g.text, wa_id: g.phone, assignee_id: agentId });
              // Nobody else's edit or revoke reached it.
              expect(JSON.parse(rows[0]!.content)).not.toHaveProperty("deleted");
            });
            post.odd.forEach((item, i) => {
              const where = found.odd[i]!;
              expect(where.stored !== undefined || where.kept, `odd item nowhere to be seen: ${(JSON.stringify(item) ?? "undefined").slice(0, 300)}`).toBe(true);
            });

            const goodConversation = found.good[0]?.[0];
            const oddStored = found.odd.find((o) => o.stored)?.stored;
            await everythingLoads(number, limit, {
              search: [...post.good.slice(0, 1).map((g) => g.text), randomQuery],
              contactIds: [goodConversation?.contact_id, oddStored?.contact_id].filter((id): id is number => id !== undefined).map(String),
              conversationIds: [oddStored?.conversation_id].filter((id): id is number => id !== undefined).map(String),
            });
            if (goodConversation) {
              const hits = await api<{ results: { conversation: { id: string } }[] }>("GET", `/numbers/${number.phoneNumberId}/search?q=${encodeURIComponent(post.good[0]!.text)}`, { token: number.adminToken });
              expect(hits.body.results.map((r) => r.conversation.id)).toContain(String(goodConversation.conversation_id));
            }
            runsDone++;
          },
        ),
        runs(RUNS),
      );
      if (ws) rowsReadBack += await readEveryRowBack((ws as TestWorkspace).phoneNumberId, workspaceId);
      (socket as { close: () => void } | null)?.close();
      report("oddWebhook", started, RUNS);
      const classes = Object.entries(ODD_AXES).map(([axis, list]) => `${axis} ${list.map((c) => `${c}×${oddTally[`${axis}.${c}`] ?? 0}`).join(" ")}`);
      console.log(`fuzz oddWebhook: ${runsDone} runs; ${rowsReadBack} rows read back through the API schemas; classes — ${classes.join("; ")}`);
      // With enough runs, every class of every axis was sent at least once.
      if (RUNS >= 150) for (const [axis, list] of Object.entries(ODD_AXES)) for (const c of list) expect(oddTally[`${axis}.${c}`] ?? 0, `${axis}.${c}`).toBeGreaterThan(0);
    },
    budget(25),
  );

  it(
    "GET /webhooks/whatsapp: the verification handshake echoes the challenge only for the right token, whatever else the query holds",
    async () => {
      const started = Date.now();
      const keyArb = fc.oneof(
        { weight: 6, arbitrary: fc.constantFrom("hub.mode", "hub.verify_token", "hub.challenge") },
        { weight: 1, arbitrary: fc.constantFrom("hub.Mode", "hub_mode", "hub.mode ", "hub.challenge[]", "") },
        { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
      );
      const valueArb = fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom("subscribe", "test-verify-token", "1158201444", "") },
        { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 30 }) },
        { weight: 1, arbitrary: fc.constantFrom("SUBSCRIBE", "test-verify-token ", "x".repeat(5000)) },
      );
      await fc.assert(
        fc.asyncProperty(fc.array(fc.tuple(keyArb, valueArb), { maxLength: 5 }), fc.boolean(), async (pairs, complete) => {
          const query = new URLSearchParams(complete ? [["hub.mode", "subscribe"], ["hub.verify_token", "test-verify-token"], ...pairs] : pairs);
          const sent: Sent = { method: "GET", url: `${BASE}/webhooks/whatsapp?${query}`, headers: {} };
          const answer = await exchange("handshake", sent);
          checkAnswer(sent, answer, { textRefusal: true });
          const verified = query.get("hub.mode") === "subscribe" && query.get("hub.verify_token") === "test-verify-token" && query.get("hub.challenge") !== null;
          expect(answer.status, describeExchange(sent, answer)).toBe(verified ? 200 : 403);
          if (verified) expect(answer.text).toBe(query.get("hub.challenge"));
        }),
        runs(RUNS / 3),
      );
      report("handshake", started, RUNS / 3);
    },
    budget(1),
  );

  it(
    "every route of the OpenAPI document: random bodies, queries, headers, as the admin, an agent, and nobody or an impostor",
    async () => {
      const started = Date.now();
      await fc.assert(
        fc.asyncProperty(apiCaseArb(routes), async (apiCase) => {
          const route = routes[apiCase.route]!;
          let changedSomething = false;
          for (const credential of ["admin", "agent", apiCase.extraCredential] as const) {
            const { sent, oddPath } = buildRequest(route, apiCase, credential, world);
            const answer = await exchange("api", sent);
            checkAnswer(sent, answer);
            // Without credentials a protected route refuses before reading anything else.
            const anonymous = credential === "none" || credential === "malformed" || credential.startsWith("forged") || credential === "setupToken" || credential === "truncated";
            if (anonymous && route.secured && sent.method === route.method && !oddPath) {
              expect(answer.status, `a protected route let an unknown caller through:\n${describeExchange(sent, answer)}`).toBe(401);
            }
            if (answer.status < 300) {
              if (answer.contentType.includes("json")) harvest(route.path, JSON.parse(answer.text));
              if (sent.method !== "GET") changedSomething = true;
            }
          }
          if (changedSomething) world = await keepWorldUsable(world);
        }),
        runs(RUNS * 1.5),
      );
      report("api", started, RUNS * 1.5);
      console.log(`fuzz api: the fuzzed workspace was rebuilt ${world.rebuilt} time(s) after the fuzzer demoted, deactivated or disconnected it`);
      // The fuzzer got past validation on a good share of requests, so it tested more than the 400 path.
      const byStatus = tally.get("api")!;
      expect(byStatus.get(200) ?? 0).toBeGreaterThan(RUNS / 10);
    },
    budget(6),
  );

  it(
    "every route of the OpenAPI document with every documented bound at its largest: longest strings, fullest lists, deepest free-form values",
    async () => {
      const started = Date.now();
      const faults: string[] = [];
      for (const route of routes) {
        const query = route.query.map((q): [string, unknown] => [q.name, largest(q.schema, q.name)]);
        const required = query.filter(([name]) => route.query.find((q) => q.name === name)!.required);
        const bodies = route.body ? (route.body.oneOf ?? [route.body]).map((s) => largest(s, "body")) : [undefined];
        // All query parameters at once, then each optional one alone (one bad bound must not hide another).
        const queries = [query, ...query.filter((q) => !required.includes(q)).map((q) => [...required, q])];
        for (const [q, body] of [...queries.map((q) => [q, bodies[0]] as const), ...bodies.slice(1).map((b) => [query, b] as const)]) {
          const apiCase: ApiCase = {
            route: routes.indexOf(route),
            methodOverride: null,
            params: route.params.map((p): PathValue => ({ kind: "value", value: new PoolRef(poolFor(p.name), 1) })),
            query: q,
            extraQuery: [],
            body: body === undefined ? { kind: "none" } : { kind: "json", value: body, mutations: [], text: [] },
            contentType: "application/json",
            headers: [],
            extraCredential: "none",
            malformedHeader: "",
          };
          for (const credential of ["admin", "agent"] as const) {
            const { sent } = buildRequest(route, apiCase, credential, world);
            const answer = await exchange("largest", sent);
            // Every route at fault is listed below, not just the first one.
            try {
              checkAnswer(sent, answer);
            } catch (error) {
              faults.push((error as Error).message);
            }
          }
          // Signing out, deactivating, disconnecting are among the routes: the next one gets a usable world again.
          if (route.method !== "GET") world = await keepWorldUsable(world);
        }
      }
      report("largest", started, routes.length);
      expect(faults, faults.join("\n\n")).toEqual([]);
      // Most requests got past sign-in and validation, so the bounds were really tried.
      expect(tally.get("largest")!.get(200) ?? 0).toBeGreaterThan(routes.length / 2);
    },
    budget(1),
  );

  it(
    "the routes outside the OpenAPI document: media, the socket, the invitation page, unknown paths",
    async () => {
      const started = Date.now();
      const credentialArb = fc.oneof(
        { weight: 4, arbitrary: fc.constantFrom<Credential>("admin", "agent") },
        { weight: 2, arbitrary: fc.constantFrom<Credential>("none", "forgedHere", "malformed", "truncated") },
      );
      const numberArb = fc.oneof(
        { weight: 4, arbitrary: fc.constant<string | null>(null) },
        { weight: 1, arbitrary: fc.oneof(digitsArb, fc.constantFrom(...oddStrings), fc.string({ unit: "binary", maxLength: 20 })).map((s): string | null => s) },
      );
      const segment = encodeSegment;
      const caseArb = fc.oneof(
        fc.record({
          kind: fc.constant("mediaGet" as const),
          number: numberArb,
          // null: the photo the world's customer sent.
          mediaId: fc.oneof({ weight: 2, arbitrary: fc.constant(null) }, { weight: 2, arbitrary: fc.oneof(fc.stringMatching(/^[\w.-]{1,100}$/), fc.constantFrom(...oddStrings), fc.constant("x".repeat(101))) }),
          credential: credentialArb,
        }),
        fc.record({
          kind: fc.constant("mediaPost" as const),
          number: numberArb,
          field: fc.constantFrom("file", "File", "upload", ""),
          asText: fc.boolean(),
          bytes: fc.uint8Array({ maxLength: 2048 }),
          // (The runtime's FormData itself refuses a file name ending in a backslash, before anything is sent.)
          filename: fc.oneof(fc.constantFrom("photo.jpg", "", "../../etc/passwd", "中文.pdf", "a".repeat(300), "x\u0000y"), fc.string({ maxLength: 20 })).map((n) => n.replace(/\\+$/, "")),
          type: fc.constantFrom("image/jpeg", "application/pdf", "", "text/html", "application/octet-stream", "audio/ogg; codecs=opus"),
          broken: fc.oneof({ weight: 3, arbitrary: fc.constant<string | null>(null) }, { weight: 1, arbitrary: fc.constantFrom<string | null>("--x\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n", "garbage", "") }),
          credential: credentialArb,
        }),
        fc.record({
          kind: fc.constant("socket" as const),
          number: numberArb,
          upgrade: fc.constantFrom("websocket", "WebSocket", "", "h2c", null),
          ticket: fc.constantFrom("real", "realOtherNumber", "used", "forged", "garbage", "missing"),
          watch: fc.constantFrom(null, "1", "0", "yes"),
          credential: fc.constantFrom<Credential>("admin", "agent"),
        }),
        fc.record({ kind: fc.constant("invitePage" as const), token: fc.oneof(fc.string({ unit: "grapheme", maxLength: 60 }), fc.constantFrom(...oddStrings).filter((s) => s !== "")) }),
        fc.record({
          kind: fc.constant("unknown" as const),
          method: fc.constantFrom("GET", "POST", "PUT", "DELETE", "PATCH"),
          path: fc.oneof(fc.constantFrom("/api", "/api/", "/api/nope", "/api/numbers", "/webhooks", "/webhooks/whatsapp/x", "/invite", "/invite/", "/api/numbers/1/media", "/api/openapi.json/x", "/%zz", "//api//me"), fc.webPath()),
        }),
      );
      await fc.assert(
        fc.asyncProperty(caseArb, async (c) => {
          const number = "number" in c ? (c.number ?? world.phoneNumberId) : "";
          const headers: Record<string, string> = {};
          if ("credential" in c) {
            const authorization = credentialHeader(c.credential, world, { route: 0, malformedHeader: "Bearer" } as ApiCase);
            if (authorization !== null) headers.authorization = authorization;
          }
          let sent: Sent;
          let expected: number[] | null = null;
          switch (c.kind) {
            case "mediaGet":
              sent = { method: "GET", url: `${BASE}/api/numbers/${segment(number)}/media/${segment(c.mediaId ?? current.media![0]!)}`, headers };
              break;
            case "mediaPost": {
              let body: Sent["body"];
              if (c.broken !== null) {
                headers["content-type"] = "multipart/form-data; boundary=x";
                body = c.broken;
              } else {
                const form = new FormData();
                if (c.asText) form.append(c.field, new TextDecoder().decode(c.bytes));
                else form.append(c.field, new File([c.bytes], c.filename, { type: c.type }));
                body = form;
              }
              sent = { method: "POST", url: `${BASE}/api/numbers/${segment(number)}/media`, headers, body };
              break;
            }
            case "socket": {
              const token = c.credential === "admin" ? world.adminToken : world.agents[0]!.token;
              // The API fuzzing may have changed anyone's role; the socket answers to the current one.
              const role = (await api<Session>("GET", "/me", { token })).body.agent.role;
              let ticket = "";
              let issued = false;
              if (c.ticket === "real" || c.ticket === "realOtherNumber" || c.ticket === "used") {
                // Refused when the fuzzing demoted this person or took the number from them; then no ticket is real.
                const answer = await api<{ ticket?: string; error?: { message: string } }>("POST", "/socket-ticket", { token, body: { phoneNumberId: world.phoneNumberId } });
                if (answer.status !== 200) expect([403, 404], JSON.stringify(answer.body)).toContain(answer.status);
                issued = answer.status === 200;
                ticket = answer.body.ticket ?? "";
                if (c.ticket === "used" && issued) {
                  const first = await SELF.fetch(`${BASE}/api/numbers/${world.phoneNumberId}/socket?ticket=${encodeURIComponent(ticket)}`, { headers: { upgrade: "websocket" } });
                  expect(first.status).toBe(101);
                  first.webSocket!.accept();
                  first.webSocket!.close(1000, "fuzz");
                }
              } else if (c.ticket === "forged") ticket = `${world.workspaceId}.${"C".repeat(43)}`;
              else if (c.ticket === "garbage") ticket = "w0000000000.zzzzzzzzzzzzzzzzzzzzzzzz";
              const target = c.ticket === "realOtherNumber" ? inbox.phoneNumberId : number;
              const query = new URLSearchParams();
              if (c.ticket !== "missing") query.set("ticket", ticket);
              if (c.watch !== null) query.set("watch", c.watch);
              if (c.upgrade !== null) headers.upgrade = c.upgrade;
              sent = { method: "GET", url: `${BASE}/api/numbers/${segment(target)}/socket?${query}`, headers };
              const upgrading = c.upgrade !== null && c.upgrade.toLowerCase() === "websocket";
              const redeemable = issued && c.ticket === "real" && target === world.phoneNumberId;
              if (oddSegment(segment(target))) expected = null;
              else if (!upgrading) expected = [426];
              else if (!redeemable) expected = [401];
              else if (c.watch === "1" && role === "agent") expected = [403];
              else expected = [101];
              break;
            }
            case "invitePage":
              sent = { method: "GET", url: `${BASE}/invite/${segment(c.token)}`, headers };
              // "", "." and ".." leave /invite/:token once the URL is normalised.
              expected = oddSegment(segment(c.token)) ? null : [200];
              break;
            case "unknown":
              sent = { method: c.method, url: `${BASE}${c.path}`, headers };
              break;
          }
          const answer = await exchange(c.kind, sent);
          checkAnswer(sent, answer);
          if (expected) expect(expected, describeExchange(sent, answer)).toContain(answer.status);
          if (c.kind === "invitePage" && expected) expect(answer.contentType).toContain("text/html");
        }),
        runs(RUNS / 2),
      );
      for (const kind of ["mediaGet", "mediaPost", "socket", "invitePage", "unknown"]) report(kind, started, RUNS / 2);
    },
    budget(2),
  );

  it("still stores and routes a real customer message afterwards", async () => {
    const [a, b] = inbox.agents as [TestWorkspace["agents"][0], TestWorkspace["agents"][0]];
    const socket = await connectSocket(a.token, inbox.phoneNumberId);
    await setStatus(a.token, "available");
    const phone = `86${uniqueNumberId()}`;
    const response = await postWebhook(customerMessage(inbox.phoneNumberId, phone, "还在吗? still there after the fuzzing?"));
    expect(response.status).toBe(200);
    const conversation: Conversation = await conversationOfCustomer(inbox.adminToken, inbox.phoneNumberId, phone);
    expect(conversation.assigneeId).toBe(a.id);
    expect(conversation.assigneeId).not.toBe(b.id);
    const messages = await messagesOf(a.token, inbox.phoneNumberId, conversation.id);
    expect(messages.map((m) => m.text)).toContain("还在吗? still there after the fuzzing?");
    await tick(50);
    const pushed = socket.events.some((e: SocketEvent) => e.type === "conversation" && e.conversation.id === conversation.id && e.conversation.assigneeId === a.id);
    expect(pushed).toBe(true);
    socket.close();

    // Whatever the mutated payloads stored on this number reads back valid, and everything people read of it loads.
    const rows = await readEveryRowBack(inbox.phoneNumberId, inbox.adminToken.split(".")[0]!);
    await everythingLoads(inbox, 50, { search: ["还在吗", "MESSAGE_BODY", "Body Text"], contactIds: [conversation.contact.id], conversationIds: [conversation.id] });
    console.log(`fuzz webhook: ${rows} rows of the fuzzed number read back through the API schemas`);

    // The API-fuzzed workspace, whatever the fuzzer did to it, still signs in and answers.
    world = await keepWorldUsable(world);
    expect((await api("GET", "/me", { token: world.adminToken })).status).toBe(200);
    expect((await SELF.fetch(`${BASE}/health`)).status).toBe(200);
  });
});
