import type { AttributeDefinition } from "../../shared/catalog";
import { ok, refuse, type Result } from "../lib/result";

/** Checks a contact attribute's new value against its type and returns it normalised; null clears it. */
export function validateAttribute(def: AttributeDefinition, value: unknown): Result<unknown> {
  if (value === null || value === "") return ok(null);
  const bad = (expected: string) => refuse(400, `${def.key}: expected ${expected}`);
  switch (def.type) {
    case "text":
      return typeof value === "string" && value.length <= 1000 ? ok(value.trim()) : bad("text up to 1000 characters");
    case "number": {
      const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
      return Number.isFinite(n) ? ok(n) : bad("a number");
    }
    case "date": {
      if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return bad("a date as YYYY-MM-DD");
      const date = new Date(`${value}T00:00:00Z`);
      return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value) ? ok(value) : bad("a real calendar date");
    }
    case "single_choice":
      return typeof value === "string" && def.options.includes(value) ? ok(value) : bad(`one of ${def.options.join(", ")}`);
    case "multi_choice":
      return Array.isArray(value) && value.every((v) => typeof v === "string" && def.options.includes(v))
        ? ok([...new Set(value as string[])])
        : bad(`a list of ${def.options.join(", ")}`);
    case "checkbox":
      return typeof value === "boolean" ? ok(value) : bad("true or false");
    case "link":
      try {
        const url = new URL(String(value));
        return url.protocol === "https:" || url.protocol === "http:" ? ok(url.toString()) : bad("an http(s) link");
      } catch {
        return bad("an http(s) link");
      }
  }
}
