import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { metaSchemaProblem } from "../../simulator/meta-schema.ts";
import * as build from "../../worker/graph/bodies.ts";
import type {
  HeaderMediaParameter,
  ListMessageBody,
  MarkReadBody,
  MediaMessageBody,
  MediaRef,
  OutboundMessageBody,
  ReactionMessageBody,
  RecipientField,
  TemplateComponent,
  TemplateMessageBody,
  TextMessageBody,
  TypingIndicatorBody,
} from "../../worker/graph/meta-body.ts";

/**
 * The body types in worker/graph/meta-body.ts are written by hand; this checks them against Meta's schema: any value
 * the types allow (generated below, each arbitrary typed by the type it stands for) must be a body Meta accepts.
 */
const text = fc.string({ unit: "grapheme", minLength: 1, maxLength: 40 });
const digits = fc.stringMatching(/^[1-9]\d{7,14}$/);
const wamid = digits.map((d) => `wamid.${d}`);
const recipient: fc.Arbitrary<RecipientField> = fc.oneof(
  digits.map((to) => ({ to })),
  digits.map((d) => ({ recipient: `US.${d}` })),
);
const mediaRef: fc.Arbitrary<MediaRef> = fc.oneof(
  digits.map((id) => ({ id })),
  fc.webUrl({ validSchemes: ["https"] }).map((link) => ({ link })),
);
const envelope = fc.record(
  { messaging_product: fc.constant("whatsapp" as const), recipient_type: fc.constant("individual" as const), context: wamid.map((message_id) => ({ message_id })) },
  { requiredKeys: ["messaging_product", "recipient_type"] },
);
const withEnvelope = <T extends object>(part: fc.Arbitrary<T>) =>
  fc.tuple(envelope, recipient, part).map(([e, r, p]) => ({ ...e, ...r, ...p }));

const textBody: fc.Arbitrary<TextMessageBody> = withEnvelope(
  fc.record({ type: fc.constant("text" as const), text: fc.record({ body: text, preview_url: fc.boolean() }) }),
);
const caption = fc.option(text, { nil: undefined }).map((c) => (c === undefined ? {} : { caption: c }));
const mediaBody: fc.Arbitrary<MediaMessageBody> = fc.oneof(
  withEnvelope(fc.tuple(mediaRef, caption).map(([ref, c]) => ({ type: "image" as const, image: { ...ref, ...c } }))),
  withEnvelope(fc.tuple(mediaRef, caption).map(([ref, c]) => ({ type: "video" as const, video: { ...ref, ...c } }))),
  withEnvelope(
    fc
      .tuple(mediaRef, caption, fc.option(text, { nil: undefined }))
      .map(([ref, c, filename]) => ({ type: "document" as const, document: { ...ref, ...c, ...(filename ? { filename } : {}) } })),
  ),
  withEnvelope(mediaRef.map((ref) => ({ type: "audio" as const, audio: ref }))),
  withEnvelope(mediaRef.map((ref) => ({ type: "sticker" as const, sticker: ref }))),
);
const reactionBody: fc.Arbitrary<ReactionMessageBody> = withEnvelope(
  fc.record({ type: fc.constant("reaction" as const), reaction: fc.record({ message_id: wamid, emoji: fc.constantFrom("", "👍", "❤️", "🙏🏽") }) }),
);
const textParameter = text.map((t) => ({ type: "text" as const, text: t }));
const headerMedia: fc.Arbitrary<HeaderMediaParameter> = fc.oneof(
  mediaRef.map((image) => ({ type: "image" as const, image })),
  mediaRef.map((video) => ({ type: "video" as const, video })),
  fc.tuple(mediaRef, fc.option(text, { nil: undefined })).map(([ref, filename]) => ({ type: "document" as const, document: { ...ref, ...(filename ? { filename } : {}) } })),
);
const component: fc.Arbitrary<TemplateComponent> = fc.oneof(
  textParameter.map((p) => ({ type: "header" as const, parameters: [p] as [typeof p] })),
  headerMedia.map((p) => ({ type: "header" as const, parameters: [p] as [typeof p] })),
  fc.array(textParameter, { maxLength: 5 }).map((parameters) => ({ type: "body" as const, parameters })),
  fc.tuple(fc.integer({ min: 0, max: 9 }), text).map(([i, payload]) => ({
    type: "button" as const,
    sub_type: "quick_reply" as const,
    index: String(i),
    parameters: [{ type: "payload" as const, payload }] as [{ type: "payload"; payload: string }],
  })),
);
const templateBody: fc.Arbitrary<TemplateMessageBody> = withEnvelope(
  fc.record({
    type: fc.constant("template" as const),
    template: fc.record(
      { name: text, language: fc.constantFrom("zh_CN", "en_US").map((code) => ({ code })), components: fc.array(component, { minLength: 1, maxLength: 4 }) },
      { requiredKeys: ["name", "language"] },
    ),
  }),
);
const short = (max: number) => fc.string({ unit: "grapheme", minLength: 1, maxLength: max }).filter((s) => s.length <= max);
const listBody: fc.Arbitrary<ListMessageBody> = withEnvelope(
  fc.record({
    type: fc.constant("interactive" as const),
    interactive: fc.record({
      type: fc.constant("list" as const),
      body: fc.record({ text }),
      action: fc.record({
        button: short(20),
        sections: fc
          .tuple(
            short(24),
            fc.array(fc.record({ id: short(200), title: short(24), description: short(72) }, { requiredKeys: ["id", "title"] }), { minLength: 1, maxLength: 10 }),
          )
          .map(([title, rows]) => [{ title, rows }] as [{ title: string; rows: typeof rows }]),
      }),
    }),
  }),
);
const outbound: fc.Arbitrary<OutboundMessageBody> = fc.oneof(textBody, mediaBody, reactionBody, templateBody, listBody);
const markRead: fc.Arbitrary<MarkReadBody> = wamid.map((message_id) => ({ messaging_product: "whatsapp" as const, status: "read" as const, message_id }));
const typing: fc.Arbitrary<TypingIndicatorBody> = markRead.map((b) => ({ ...b, typing_indicator: { type: "text" as const } }));

describe("the outbound body types agree with Meta's OpenAPI schema", () => {
  it("every message body the types allow is one Meta's schema accepts", () => {
    fc.assert(
      fc.property(outbound, (body) => {
        expect(metaSchemaProblem(body as unknown as Record<string, unknown>)).toBeNull();
      }),
      { numRuns: 500 },
    );
  });

  it("every mark-as-read and typing-indicator body the types allow is one Meta's schema accepts", () => {
    fc.assert(
      fc.property(fc.oneof(markRead, typing), (body) => {
        expect(metaSchemaProblem(body as unknown as Record<string, unknown>)).toBeNull();
      }),
    );
  });

  it("addresses a customer known only by a business-scoped user id with `recipient`, never `to`", () => {
    const bsuid = { userId: "US.13491208655302741918" };
    const bodies = [
      build.textBody(bsuid, { text: "您好" }),
      build.mediaBody(bsuid, { type: "media", mediaKind: "document", mediaId: "123", filename: "发票.pdf", clientId: crypto.randomUUID() }),
      build.templateBody(bsuid, { type: "template", name: "follow_up", language: "en_US", header: [], body: ["Zhao"], quickReplies: [], clientId: crypto.randomUUID() }),
    ];
    for (const body of bodies) {
      expect(body).toMatchObject({ recipient: "US.13491208655302741918" });
      expect(body).not.toHaveProperty("to");
      expect(metaSchemaProblem(body as unknown as Record<string, unknown>)).toBeNull();
    }
  });

  it("names what is wrong in a body Meta would refuse", () => {
    // Issue #18's body: an image with neither id nor link.
    expect(metaSchemaProblem({ messaging_product: "whatsapp", to: "1", type: "image", image: { caption: "Your receipt" } })).toMatch(
      /^image message: .*\/image must have required property 'id'/,
    );
    expect(metaSchemaProblem({ messaging_product: "whatsapp", to: "1", type: "image", image: { id: "1", link: "https://a.test/x.png" } })).toMatch(
      /image.*must match exactly one schema/,
    );
    expect(metaSchemaProblem({ messaging_product: "whatsapp", to: "1", type: "text", text: { body: 1 } })).toMatch(/text\/body/);
    expect(metaSchemaProblem({ messaging_product: "whatsapp", to: "1", type: "text", text: { body: "x" }, colour: "red" })).toMatch(/unevaluated|additional/);
    expect(metaSchemaProblem({ messaging_product: "whatsapp", type: "text", text: { body: "x" } })).toMatch(/to|recipient/);
  });
});
