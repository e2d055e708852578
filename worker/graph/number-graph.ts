import type { Env } from "../env";
import { openToken } from "../lib/token-vault";
import type { GraphConfig } from "./client";

/** The Graph API as one number calls it: with its own access token if an admin saved one, else the deployment's. */
export async function graphForNumber(env: Env, phoneNumberId: string): Promise<GraphConfig> {
  const sealed = await env.NUMBER_INBOX.getByName(phoneNumberId).sealedAccessToken();
  const own = sealed ? await openToken(env.TOKEN_ENCRYPTION_KEY, phoneNumberId, sealed) : null;
  return { base: env.GRAPH_API_BASE, version: env.GRAPH_API_VERSION, accessToken: own ?? env.WHATSAPP_ACCESS_TOKEN };
}
