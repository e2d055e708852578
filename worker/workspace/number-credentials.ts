import type { Env } from "../env";
import { phoneNumberInfo, type GraphConfig, type GraphResult, type PhoneNumberInfo } from "../graph/client";
import { deploymentTokenServes } from "../lib/deployment";
import { ok, refuse, type Result } from "../lib/result";
import { MissingKeyError, openToken, sealToken } from "../lib/token-vault";

/**
 * A number's access token: sealed at rest (bound to the number), opened only for one call to Meta and never leaving
 * the object; and which token serves a number that has none of its own (lib/deployment.ts decides).
 */
export async function sealIfGiven(env: Env, phoneNumberId: string, token: string | undefined): Promise<Result<string | null>> {
  if (!token) return ok(null);
  try {
    return ok(await sealToken(env.TOKEN_ENCRYPTION_KEY, phoneNumberId, token));
  } catch (error) {
    if (error instanceof MissingKeyError) return refuse(503, error.message);
    throw error;
  }
}

/** The number's own token, opened; null without one (or one this deployment's key cannot open). */
export async function ownToken(env: Env, phoneNumberId: string, sealed: string | null | undefined): Promise<string | null> {
  return sealed ? await openToken(env.TOKEN_ENCRYPTION_KEY, phoneNumberId, sealed).catch(() => null) : null;
}

export function graphWith(env: Env, accessToken: string): GraphConfig {
  return { base: env.GRAPH_API_BASE, version: env.GRAPH_API_VERSION, accessToken };
}

/** The token that serves a connected number: its own, else the deployment's where that may, else none. */
export async function servingToken(env: Env, phoneNumberId: string, number: { sealed: string | null; operatorConnected: boolean }): Promise<string | null> {
  return (await ownToken(env, phoneNumberId, number.sealed)) ?? (deploymentTokenServes(env, number) ? env.WHATSAPP_ACCESS_TOKEN : null);
}

/** Asks Meta about a connected number with the token that serves it: is it still good, what is the quality rating. */
export async function checkWithGraph(env: Env, phoneNumberId: string, number: { sealed: string | null; operatorConnected: boolean }): Promise<GraphResult<PhoneNumberInfo>> {
  const token = await servingToken(env, phoneNumberId, number);
  if (!token) return { ok: false, code: 0, title: "this number has no access token of its own; an admin enters one (the deployment's token serves only numbers its operator connected)", httpStatus: null };
  return phoneNumberInfo(graphWith(env, token), phoneNumberId);
}
