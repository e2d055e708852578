import { env } from "cloudflare:test";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import type { Message } from "../../shared/inbox";
import { api, GRAPH, messagesOf, openConversation, sentTo, tick, uniqueNumberId, uploadThroughWorker, type ErrorBody } from "./helpers";

/**
 * The send API against Meta's contract, as a property: every request shape the shared schema allows (each kind,
 * each optional field, unicode, lengths at and over the limits) and the ways to get one wrong. An accepted send
 * yields exactly one body at the Graph stand-in, valid against Meta's schema (the stand-in refuses any other, and
 * the run fails on it) and carrying what was asked; a refused send is a 4xx naming its problem and yields none.
 */
const RUNS = 300;
/** Fixed, as the fuzz's (FUZZ_SEED as a binding changes it): the check that every kind was reached must not depend on luck. */
const propertyEnv = env as unknown as { FUZZ_SEED?: string };
const SEED = propertyEnv.FUZZ_SEED && Number.isSafeInteger(Number(propertyEnv.FUZZ_SEED)) ? Number(propertyEnv.FUZZ_SEED) : 20_260_523;

const PNG = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="), (c) => c.charCodeAt(0));
const PDF = new TextEncoder().encode("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");

/** A template approved with an image header, one with a document header, besides the simulator's order_update. */
const mediaHeaderTemplates = [
  {
    name: "receipt_photo",
    language: "en_US",
    status: "APPROVED",
    category: "UTILITY",
    components: [{ type: "HEADER", format: "IMAGE" }, { type: "BODY", text: "Hi {{1}}, here is your receipt." }],
  },
  {
    name: "invoice_pdf",
    language: "zh_CN",
    status: "APPROVED",
    category: "UTILITY",
    components: [{ type: "HEADER", format: "DOCUMENT" }, { type: "BODY", text: "您的发票" }],
  },
];

interface Shape {
  request: Record<string, unknown>;
  /** Whether the request is one the API must accept; a refused one names why. */
  valid: boolean;
  /** What the body Meta receives must carry (checked with toMatchObject). */
  expected?: Record<string, unknown>;
}

interface Context {
  imageId: string;
  pdfId: string;
  inbound: Message;
}

const words = fc.string({ unit: "grapheme", minLength: 1, maxLength: 60 }).map((s) => s.trim()).filter((s) => s.length > 0);
/** Unicode words of at most `max` UTF-16 units, the unit the limits count. */
const wordsUpTo = (max: number) => words.filter((s) => s.length <= max);
const exactly = (length: number, unit: string) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
const link = fc.webUrl({ validSchemes: ["https"], withQueryParameters: true }).filter((u) => u.length <= 2000);

function textShapes(ctx: Context): fc.Arbitrary<Shape> {
  const text = fc.oneof(
    words.map((t) => ({ t, ok: true })),
    fc.constantFrom("客", "a", "😀").map((u) => ({ t: exactly(4096, u), ok: true })),
    fc.constantFrom("客", "a").map((u) => ({ t: exactly(4097, u), ok: false })),
    fc.constantFrom("", "   ", "\n\t").map((t) => ({ t, ok: false })),
  );
  const reply = fc.constantFrom<"none" | "inbound" | "unknown">("none", "inbound", "unknown");
  return fc.tuple(text, reply).map(([{ t, ok }, r]) => ({
    request: { type: "text", text: t, ...(r === "inbound" ? { replyToId: ctx.inbound.id } : r === "unknown" ? { replyToId: "987654321" } : {}) },
    valid: ok && r !== "unknown",
    expected: { type: "text", text: { body: t }, ...(r === "inbound" ? { context: { message_id: ctx.inbound.wamid } } : {}) },
  }));
}

function mediaShapes(ctx: Context): fc.Arbitrary<Shape> {
  const kinds = ["image", "video", "audio", "document", "sticker"] as const;
  type Kind = (typeof kinds)[number];
  // Mostly well-formed, so every kind is sent; each way to get one wrong comes up too.
  const source = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(ctx.imageId, ctx.pdfId).map((id) => ({ part: { mediaId: id }, ref: { id }, ok: true })) },
    { weight: 4, arbitrary: link.map((l) => ({ part: { link: l }, ref: { link: l }, ok: true })) },
    { weight: 1, arbitrary: fc.constant({ part: {}, ref: {}, ok: false }) },
    { weight: 1, arbitrary: link.map((l) => ({ part: { mediaId: ctx.imageId, link: l }, ref: {}, ok: false })) },
    { weight: 1, arbitrary: fc.constant({ part: { link: "http://acme.test/plain-http.png" }, ref: {}, ok: false }) },
    { weight: 1, arbitrary: fc.constant({ part: { mediaId: "../../etc/passwd" }, ref: {}, ok: false }) },
  );
  const none = { value: undefined as string | undefined, ok: true };
  const caption = (k: Kind) =>
    k === "image" || k === "video" || k === "document"
      ? fc.oneof(
          { weight: 3, arbitrary: fc.constant(none) },
          { weight: 3, arbitrary: wordsUpTo(1024).map((value) => ({ value, ok: true })) },
          { weight: 1, arbitrary: fc.constant({ value: exactly(1024, "图"), ok: true }) },
          { weight: 1, arbitrary: fc.constant({ value: exactly(1025, "图"), ok: false }) },
        )
      : fc.oneof({ weight: 5, arbitrary: fc.constant(none) }, { weight: 1, arbitrary: words.map((value) => ({ value, ok: false })) });
  const filename = (k: Kind) =>
    k === "document"
      ? fc.oneof(
          { weight: 2, arbitrary: fc.constant(none) },
          { weight: 3, arbitrary: wordsUpTo(236).map((value) => ({ value: `${value}.pdf`, ok: true })) },
          { weight: 1, arbitrary: fc.constant({ value: `${exactly(236, "发")}.pdf`, ok: true }) },
          { weight: 1, arbitrary: fc.constant({ value: `${exactly(237, "发")}.pdf`, ok: false }) },
        )
      : fc.oneof({ weight: 5, arbitrary: fc.constant(none) }, { weight: 1, arbitrary: words.map((value) => ({ value: `${value}.png`, ok: false })) });
  return fc
    .constantFrom(...kinds)
    .chain((k) => fc.tuple(fc.constant(k), source, caption(k), filename(k), fc.boolean()))
    .map(([k, s, c, f, r]) => ({
      request: {
        type: "media",
        mediaKind: k,
        ...s.part,
        ...(c.value !== undefined ? { caption: c.value } : {}),
        ...(f.value !== undefined ? { filename: f.value } : {}),
        ...(r ? { replyToId: ctx.inbound.id } : {}),
      },
      valid: s.ok && c.ok && f.ok,
      expected: {
        type: k,
        [k]: { ...s.ref, ...(c.value ? { caption: c.value } : {}), ...(f.value ? { filename: f.value } : {}) },
        ...(r ? { context: { message_id: ctx.inbound.wamid } } : {}),
      },
    }));
}

function reactionShapes(ctx: Context): fc.Arbitrary<Shape> {
  const emoji = fc.oneof(
    fc.constantFrom("👍", "❤️", "🙏🏽", "👨‍👩‍👧", "").map((e) => ({ e, ok: true })),
    fc.constant({ e: exactly(17, "x"), ok: false }),
  );
  const target = fc.constantFrom<"inbound" | "unknown" | "garbage">("inbound", "inbound", "unknown", "garbage");
  return fc.tuple(emoji, target).map(([{ e, ok }, t]) => ({
    request: { type: "reaction", emoji: e, targetId: t === "inbound" ? ctx.inbound.id : t === "unknown" ? "987654321" : "abc" },
    valid: ok && t === "inbound",
    expected: { type: "reaction", reaction: { message_id: ctx.inbound.wamid, emoji: e } },
  }));
}

function templateShapes(ctx: Context): fc.Arbitrary<Shape> {
  const variable = fc.oneof(wordsUpTo(60), fc.constant(exactly(60, "号")));
  const orderUpdate = fc
    .tuple(variable, fc.array(variable, { minLength: 2, maxLength: 4 }), fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), wordsUpTo(256)), { maxLength: 2 }))
    .map(([header, body, replies]) => ({
      request: {
        type: "template",
        name: "order_update",
        language: "zh_CN",
        header: [header],
        body,
        quickReplies: replies.map(([index, payload]) => ({ index, payload })),
      },
      valid: body.length === 3,
      expected: { type: "template", template: { name: "order_update", language: { code: "zh_CN" } } },
    }));
  const headerSource = fc.oneof(
    fc.constant({ part: { mediaId: ctx.imageId }, ref: { id: ctx.imageId } }),
    link.map((l) => ({ part: { link: l }, ref: { link: l } })),
  );
  const receipt = fc
    .tuple(fc.constantFrom("image", "document", "none"), headerSource, words)
    .map(([kind, source, name]) => ({
      request: {
        type: "template",
        name: "receipt_photo",
        language: "en_US",
        body: [name],
        ...(kind === "none" ? {} : { headerMedia: { kind, ...source.part } }),
      },
      valid: kind === "image",
      expected: {
        type: "template",
        template: { name: "receipt_photo", components: expect.arrayContaining([{ type: "header", parameters: [{ type: "image", image: source.ref }] }]) },
      },
    }));
  const invoice = fc.tuple(fc.option(wordsUpTo(236), { nil: undefined }), fc.boolean()).map(([filename, withText]) => ({
    request: {
      type: "template",
      name: "invoice_pdf",
      language: "zh_CN",
      headerMedia: { kind: "document", mediaId: ctx.pdfId, ...(filename ? { filename: `${filename}.pdf` } : {}) },
      ...(withText ? { header: ["发票"] } : {}),
    },
    valid: !withText,
    expected: {
      type: "template",
      template: {
        components: expect.arrayContaining([{ type: "header", parameters: [{ type: "document", document: { id: ctx.pdfId, ...(filename ? { filename: `${filename}.pdf` } : {}) } }] }]),
      },
    },
  }));
  const unknown = fc.constant({ request: { type: "template", name: "no_such_template", language: "en_US" }, valid: false });
  return fc.oneof(orderUpdate, receipt, invoice, unknown);
}

/** A note is stored, never sent: accepted with no body at all. */
const noteShapes: fc.Arbitrary<Shape> = words.map((t) => ({ request: { type: "note", text: t }, valid: true }));

describe("every accepted send reaches Meta as exactly one valid body; every refused one as none", () => {
  let ctx: Context;
  let conversation: Awaited<ReturnType<typeof openConversation>>;

  beforeAll(async () => {
    const wabaId = uniqueNumberId();
    await fetch(`${GRAPH}/templates`, { method: "POST", body: JSON.stringify({ wabaId, templates: mediaHeaderTemplates }) });
    conversation = await openConversation(wabaId);
    const { ws, a } = conversation;
    const templates = await api("GET", `/numbers/${ws.phoneNumberId}/templates?refresh=true`, { token: a.token });
    expect(templates.status).toBe(200);
    const [inbound] = await messagesOf(a.token, ws.phoneNumberId, conversation.conversation.id);
    ctx = {
      imageId: await uploadThroughWorker(a.token, ws.phoneNumberId, new File([PNG], "receipt.png", { type: "image/png" })),
      pdfId: await uploadThroughWorker(a.token, ws.phoneNumberId, new File([PDF], "invoice.pdf", { type: "application/pdf" })),
      inbound: inbound!,
    };
  });

  it(`holds for ${RUNS} generated sends`, async () => {
    const { customer, send } = conversation;
    const shapes = fc.oneof(textShapes(ctx), mediaShapes(ctx), reactionShapes(ctx), templateShapes(ctx), noteShapes);
    const seen = { accepted: 0, refused: 0, kinds: new Set<string>() };
    await fc.assert(
      fc.asyncProperty(shapes, async (shape) => {
        const before = await sentTo(customer);
        const result = await send(shape.request);
        if (!shape.valid) {
          expect(result.status, JSON.stringify(result.body)).toBeGreaterThanOrEqual(400);
          expect(result.status).toBeLessThan(500);
          expect((result.body as ErrorBody).error.message.length).toBeGreaterThan(5);
          seen.refused++;
        } else {
          expect(result.status, JSON.stringify(result.body)).toBe(200);
          seen.accepted++;
          seen.kinds.add(String(shape.request.mediaKind ?? shape.request.type));
        }
        // The outbox may hold a send for its throughput limit: wait for it, then make sure no second body follows.
        const expectedBodies = shape.valid && shape.request.type !== "note" ? 1 : 0;
        let after = await sentTo(customer);
        for (let i = 0; i < 100 && after.sent.length < before.sent.length + expectedBodies; i++) {
          await tick(30);
          after = await sentTo(customer);
        }
        expect(after.rejected).toEqual(before.rejected);
        const fresh = after.sent.slice(before.sent.length);
        expect(fresh).toHaveLength(expectedBodies);
        if (expectedBodies === 1) {
          expect(fresh[0]!.body).toMatchObject({ messaging_product: "whatsapp", to: customer, ...shape.expected });
          expect((result.body as Message).status).not.toBe("failed");
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
    console.log(`send property: ${RUNS} runs, ${seen.accepted} accepted and ${seen.refused} refused; kinds sent: ${[...seen.kinds].sort().join(", ")}`);
    // The generators must reach every kind, or the property says less than it claims.
    expect([...seen.kinds].sort()).toEqual(["audio", "document", "image", "note", "reaction", "sticker", "template", "text", "video"]);
    conversation.socket.close();
  }, 300_000);
});
