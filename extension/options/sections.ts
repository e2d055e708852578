import type { Role } from "../../shared/people";

/** The console's sections; each is also the page's location hash (#people), so a link or a test opens one directly. */
export type Section =
  | "numbers"
  | "unreadable"
  | "people"
  | "teams"
  | "rules"
  | "automation"
  | "tags"
  | "attributes"
  | "canned"
  | "floor"
  | "live"
  | "reports"
  | "review"
  | "audit"
  | "data"
  | "profile"
  | "mine";

const SUPERVISOR: Section[] = ["floor", "live", "reports", "numbers", "unreadable", "people", "teams", "rules", "automation", "tags", "attributes", "canned", "audit", "profile", "mine"];
/** Exporting the whole workspace is an admin's alone, as the server decides too. */
const ADMIN: Section[] = [...SUPERVISOR.slice(0, SUPERVISOR.indexOf("audit") + 1), "data", ...SUPERVISOR.slice(SUPERVISOR.indexOf("audit") + 1)];
/** Opened from a link (#review/<number>/<conversation>), not listed in the navigation. */
const SUPERVISOR_LINKED: Section[] = ["review"];
/** The server answers an agent only about themselves and their own canned responses. */
const AGENT: Section[] = ["profile", "mine"];

/** The sections the navigation lists for this role. */
export function sectionsFor(role: Role): Section[] {
  return role === "agent" ? AGENT : role === "admin" ? ADMIN : SUPERVISOR;
}

/** The hash's first part: "#review/105550100/7" → "review", "#reports?range=last7" → "reports". */
export function sectionPart(hash: string): string {
  return hash.replace(/^#/, "").split(/[/?]/)[0] ?? "";
}

/** What follows the section: "#review/105550100/7" → ["105550100", "7"]. */
export function routePath(hash: string): string[] {
  const path = hash.replace(/^#/, "").split("?")[0] ?? "";
  return path.split("/").slice(1).filter(Boolean).map(decodeURIComponent);
}

/** The section a hash asks for, or the role's first one. An agent's "canned" is their own responses. */
export function resolveSection(hash: string, role: Role): Section {
  const asked = sectionPart(hash);
  const allowed = role === "agent" ? AGENT : [...sectionsFor(role), ...SUPERVISOR_LINKED];
  if (role === "agent" && asked === "canned") return "mine";
  return allowed.find((s) => s === asked) ?? sectionsFor(role)[0]!;
}
