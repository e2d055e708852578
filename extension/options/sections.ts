import type { Role } from "../../shared/people";

/** The console's sections; each is also the page's location hash (#people), so a link or a test opens one directly. */
export type Section = "numbers" | "people" | "teams" | "rules" | "automation" | "tags" | "attributes" | "canned" | "floor" | "audit" | "profile" | "mine";

const SUPERVISOR: Section[] = ["floor", "numbers", "people", "teams", "rules", "automation", "tags", "attributes", "canned", "audit", "profile", "mine"];
/** The server answers an agent only about themselves and their own canned responses. */
const AGENT: Section[] = ["profile", "mine"];

export function sectionsFor(role: Role): Section[] {
  return role === "agent" ? AGENT : SUPERVISOR;
}

/** The section a hash asks for, or the role's first one. An agent's "canned" is their own responses. */
export function resolveSection(hash: string, role: Role): Section {
  const asked = hash.replace(/^#/, "");
  const allowed = sectionsFor(role);
  if (role === "agent" && asked === "canned") return "mine";
  return allowed.find((s) => s === asked) ?? allowed[0]!;
}
