import type { Env } from "../env";
import { deploymentTokenServes } from "../lib/deployment";
import { openToken } from "../lib/token-vault";
import type { GraphConfig } from "./client";

/**
 * The Graph API as one number calls it, asked of the workspace that owns it: with its own access token if one was
 * saved, else the deployment's where that may serve it (lib/deployment.ts), else none (Meta then refuses).
 */
export async function graphForNumber(env: Env, workspaceId: string, phoneNumberId: string): Promise<GraphConfig> {
  const credentials = await env.WORKSPACE.getByName(workspaceId).numberCredentials(phoneNumberId);
  const own = credentials?.sealed ? await openToken(env.TOKEN_ENCRYPTION_KEY, phoneNumberId, credentials.sealed) : null;
  const fallback = credentials && deploymentTokenServes(env, credentials) ? env.WHATSAPP_ACCESS_TOKEN : "";
  return { base: env.GRAPH_API_BASE, version: env.GRAPH_API_VERSION, accessToken: own ?? fallback };
}
