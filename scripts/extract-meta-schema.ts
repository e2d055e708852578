/**
 * Extracts Meta's `Message` schema (every body POST /{phone-number-id}/messages accepts) and the schemas it
 * references from Meta's OpenAPI description of the Graph API, into one JSON Schema 2020-12 file the simulator
 * validates every send against. Run by a developer when Meta's file changes:
 *
 *   node scripts/extract-meta-schema.ts <business-messaging-api_vXX.yaml> simulator/meta-openapi/message.schema.json
 *
 * Meta's file contradicts its own send examples in five documented places, and predates the business-scoped user
 * ids of 2026 (a sixth); exactly those are relaxed here (see simulator/meta-openapi/README.md).
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parse } from "yaml";

type Schema = Record<string, unknown>;

const [source, target] = process.argv.slice(2);
if (!source || !target) {
  console.error("usage: node scripts/extract-meta-schema.ts <openapi.yaml> <out.json>");
  process.exit(2);
}

const openapi = parse(readFileSync(source, "utf8")) as { info: { version: string }; components: { schemas: Record<string, Schema> } };
const all = openapi.components.schemas;
const defs: Record<string, Schema> = {};

function rewrite(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewrite);
  if (!node || typeof node !== "object") return node;
  const out: Schema = {};
  for (const [key, value] of Object.entries(node as Schema)) {
    if (key === "$ref" && typeof value === "string") {
      const name = value.replace("#/components/schemas/", "");
      collect(name);
      out.$ref = `#/$defs/${name}`;
    } else if (key === "discriminator" || key === "example" || key === "examples") {
      // OpenAPI-only keywords; JSON Schema validators do not need them.
    } else {
      out[key] = rewrite(value);
    }
  }
  return out;
}

function collect(name: string): void {
  if (defs[name] || !all[name]) return;
  defs[name] = {};
  defs[name] = rewrite(all[name]) as Schema;
}

/** Relaxation 1: close allOf objects at the allOf level, so a branch does not forbid the base's properties. */
function closeAllOfs(node: unknown): void {
  if (Array.isArray(node)) return node.forEach(closeAllOfs);
  if (!node || typeof node !== "object") return;
  const schema = node as Schema;
  if (Array.isArray(schema.allOf)) {
    let closed = false;
    for (const branch of schema.allOf as Schema[]) {
      if (branch.additionalProperties === false) {
        delete branch.additionalProperties;
        closed = true;
      }
    }
    if (closed) schema.unevaluatedProperties = false;
  }
  Object.values(schema).forEach(closeAllOfs);
}

function dropRequired(name: string, fields: string[]): void {
  const schema = defs[name];
  if (schema && Array.isArray(schema.required)) schema.required = (schema.required as string[]).filter((f) => !fields.includes(f));
}

function walk(node: unknown, visit: (schema: Schema) => void): void {
  if (Array.isArray(node)) return node.forEach((n) => walk(n, visit));
  if (!node || typeof node !== "object") return;
  visit(node as Schema);
  Object.values(node as Schema).forEach((n) => walk(n, visit));
}

collect("Message");
collect("MarkMessageRequestPayload");
closeAllOfs(defs);
// Relaxation 2 and 3: `language: {code}` alone, and recipient_type / type optional, as Meta documents.
dropRequired("LanguageObject", ["policy"]);
dropRequired("BaseMessageProperties", ["recipient_type", "type"]);
// Relaxation 6: a customer known only by a business-scoped user id (BSUID) is addressed with `recipient` instead of
// `to` (Meta's "Business-scoped user IDs" page, Messages API requests; Meta's OpenAPI file predates it).
{
  const base = defs.BaseMessageProperties as Schema & { properties: Record<string, Schema> };
  dropRequired("BaseMessageProperties", ["to"]);
  base.properties.recipient = { type: "string", description: "A business-scoped user ID (BSUID) or parent BSUID, for users known by a username only." };
  base.anyOf = [{ required: ["to"] }, { required: ["recipient"] }];
}
walk(defs, (schema) => {
  const properties = schema.properties as Record<string, Schema> | undefined;
  // Relaxation 4: coordinates are numbers in Meta's examples.
  for (const key of ["latitude", "longitude"]) {
    if (properties?.[key]?.type === "string") properties[key] = { type: ["number", "string"] };
  }
  // Relaxation 5: template button index is a digit, as a string or a number.
  if (properties?.index && typeof properties.index.pattern === "string" && properties.index.pattern.includes("2-6")) {
    properties.index = { anyOf: [{ type: "string", pattern: "^[0-9]$" }, { type: "integer", minimum: 0, maximum: 9 }] };
  }
});

const out = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  $comment: `Extracted from Meta's OpenAPI description v${openapi.info.version} (facebook/openapi, MIT) by scripts/extract-meta-schema.ts`,
  $defs: defs,
};
writeFileSync(target, `${JSON.stringify(out, null, 1)}\n`);
console.log(`wrote ${Object.keys(defs).length} schemas to ${target}`);
