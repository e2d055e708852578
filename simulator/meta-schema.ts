import { readFileSync } from "node:fs";
import Ajv2020Module from "ajv/dist/2020.js";

/** Validates what the worker sends against Meta's own OpenAPI schema (see meta-openapi/README.md). */
const Ajv2020 = ((Ajv2020Module as unknown as { default?: typeof Ajv2020Module }).default ?? Ajv2020Module) as typeof Ajv2020Module;
const schema = JSON.parse(readFileSync(new URL("./meta-openapi/message.schema.json", import.meta.url), "utf8")) as {
  $defs: Record<string, unknown>;
};
const ajv = new Ajv2020({ allErrors: true, strict: false, validateFormats: false });
ajv.addSchema(schema, "meta");
const message = ajv.getSchema("meta#/$defs/Message")!;
const markRead = ajv.getSchema("meta#/$defs/MarkMessageRequestPayload")!;

/** Message is a oneOf over kinds; a body's own kind names its problem better than eleven branches that do not apply. */
const branchOf: Record<string, string> = {
  text: "TextMessage",
  image: "ImageMessage",
  video: "VideoMessage",
  audio: "AudioMessage",
  document: "DocumentMessage",
  sticker: "StickerMessage",
  reaction: "ReactionMessage",
  interactive: "InteractiveMessage",
  template: "TemplateMessage",
  location: "LocationMessage",
  contacts: "ContactsMessage",
};

function describe(validate: { errors?: { instancePath: string; message?: string }[] | null }): string {
  return (validate.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || "body"} ${e.message ?? "is invalid"}`)
    .join("; ");
}

/** null when Meta's schema accepts the body; otherwise a sentence naming what is wrong. */
export function metaSchemaProblem(body: Record<string, unknown>): string | null {
  const type = body.type;
  if (body.status === "read") return markRead(body) ? null : describe(markRead);
  if (message(body)) return null;
  const branch = typeof type === "string" ? branchOf[type] : undefined;
  const own = branch ? ajv.getSchema(`meta#/$defs/${branch}`) : undefined;
  if (own && !own(body)) return `${String(type)} message: ${describe(own)}`;
  return describe(message);
}
