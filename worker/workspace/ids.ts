import { randomToken } from "../lib/bytes";

/** Ids of people, teams, tags, canned responses and invitations: a letter for the kind, then random characters. */
export const newId = (prefix: string) => `${prefix}${randomToken(9).replace(/[^a-zA-Z0-9]/g, "x").toLowerCase()}`;

/** Bearer tokens, socket tickets and links start with the workspace id, so a request finds its object without a lookup. */
export function workspaceIdOfToken(token: string): string | null {
  const match = /^(w[a-z0-9]{10,40})\.[A-Za-z0-9_-]{20,}$/.exec(token);
  return match?.[1] ?? null;
}

/** A new session token, socket ticket or link secret of this workspace. */
export const workspaceToken = (workspaceId: string) => `${workspaceId}.${randomToken()}`;
