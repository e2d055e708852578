import { base64UrlToBytes, bytesToBase64Url } from "../lib/bytes";

/**
 * Cloudflare's production runtime refuses PBKDF2 above 100,000 iterations although the local runtime
 * accepts more, so a higher count would pass every local test and break every sign-in after deploy.
 * The scheme and count are stored with each hash so the cost can be raised later without locking anyone out.
 */
export const PBKDF2_ITERATIONS = 100_000;
export const PBKDF2_PRODUCTION_CAP = 100_000;
const SCHEME = "pbkdf2-sha256";

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(password), "PBKDF2", false, ["deriveBits"]);
  const bits = await crypto.subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt, iterations }, key, 256);
  return new Uint8Array(bits);
}

export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<string> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await derive(password, salt, iterations);
  return `${SCHEME}$${iterations}$${bytesToBase64Url(salt)}$${bytesToBase64Url(hash)}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, count, salt, expected] = stored.split("$");
  if (scheme !== SCHEME || !count || !salt || !expected) return false;
  const iterations = Number(count);
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > PBKDF2_PRODUCTION_CAP) return false;
  const actual = await derive(password, base64UrlToBytes(salt), iterations);
  const wanted = base64UrlToBytes(expected);
  // Constant-time comparison of the two digests.
  if (actual.length !== wanted.length) return false;
  let diff = 0;
  for (let i = 0; i < actual.length; i++) diff |= actual[i]! ^ wanted[i]!;
  return diff === 0;
}
