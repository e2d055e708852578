import type { Env } from "../env";

/**
 * How many companies a deployment serves decides what its own access token (WHATSAPP_ACCESS_TOKEN) may do.
 *
 * - single: one company. A second workspace is refused, so every number is that company's and the deployment's
 *   token serves them all; an admin may connect a number without a token of its own (Meta still has to confirm the
 *   deployment's token reads it).
 * - multi (the default, and what any other value means): a company admin proves control of a number with an access
 *   token of the company's own, which Meta must confirm reads the number and its WhatsApp Business Account. The
 *   deployment's token serves only numbers the operator connected with the setup token.
 *
 * Multi is the default because it is the safe one: a deployment that forgot the setting refuses a shortcut rather
 * than lending its token to whoever names a number.
 */
export type DeploymentMode = "single" | "multi";

export function deploymentMode(env: Pick<Env, "DEPLOYMENT_MODE">): DeploymentMode {
  return env.DEPLOYMENT_MODE?.trim().toLowerCase() === "single" ? "single" : "multi";
}

/** Whether the deployment's own token may call Meta for a number: never for a company admin's unproven claim. */
export function deploymentTokenServes(env: Pick<Env, "DEPLOYMENT_MODE">, number: { operatorConnected?: boolean }): boolean {
  return deploymentMode(env) === "single" || number.operatorConnected === true;
}
