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

/** null when Meta's schema accepts the body; otherwise a sentence naming what is wrong. */
export function metaSchemaProblem(body: Record<string, unknown>): string | null {
  const validate = body.status === "read" ? markRead : message;
  if (validate(body)) return null;
  return (validate.errors ?? [])
    .slice(0, 5)
    .map((e) => `${e.instancePath || "body"} ${e.message ?? "is invalid"}`)
    .join("; ");
}
