import { describe, expect, it } from "vitest";
import { markReadBody, mediaBody, reactionBody, templateBody, textBody } from "../../worker/graph/bodies.ts";
import { metaSchemaProblem } from "../../simulator/meta-schema.ts";

describe("every body the worker builds conforms to Meta's OpenAPI Message schema", () => {
  it.each([
    ["text", textBody({ to: "8613800138000" }, "hello https://acme.test")],
    ["text quoting a message", textBody({ to: "8613800138000", replyToWamid: "wamid.X" }, "yes")],
    ["image by id", mediaBody({ to: "8613800138000" }, "image", { id: "123", caption: "photo" })],
    ["document by link", mediaBody({ to: "8613800138000" }, "document", { link: "https://acme.test/a.pdf", filename: "a.pdf" })],
    ["audio", mediaBody({ to: "8613800138000" }, "audio", { id: "9", caption: "ignored for audio" })],
    ["sticker", mediaBody({ to: "8613800138000" }, "sticker", { id: "9" })],
    ["reaction", reactionBody("8613800138000", "wamid.X", "👍")],
    ["reaction removal", reactionBody("8613800138000", "wamid.X", "")],
    [
      "template with variables and a quick reply",
      templateBody("8613800138000", "order_update", "zh_CN", {
        header: ["#1"],
        body: ["a", "b"],
        quickReplies: [{ index: 0, payload: "p" }],
      }),
    ],
    ["template without variables", templateBody("8613800138000", "hello_world", "en_US", {})],
    ["mark as read", markReadBody("wamid.X")],
    ["typing indicator", markReadBody("wamid.X", true)],
  ])("%s", (_, body) => {
    expect(metaSchemaProblem(body as Record<string, unknown>)).toBeNull();
  });

  it("names what is wrong in a body Meta would refuse", () => {
    expect(metaSchemaProblem({ messaging_product: "whatsapp", to: "1", type: "text", text: { body: 1 } })).toMatch(/text\/body/);
    expect(metaSchemaProblem({ messaging_product: "whatsapp", to: "1", type: "text", text: { body: "x" }, colour: "red" })).toMatch(
      /unevaluated|additional/,
    );
    expect(metaSchemaProblem({ messaging_product: "whatsapp", type: "text", text: { body: "x" } })).toMatch(/to/);
  });
});
