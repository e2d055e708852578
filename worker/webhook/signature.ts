import { hexToBytes } from "../lib/bytes";

const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, [
      "verify",
    ]);
    keys.set(secret, key);
  }
  return key;
}

/**
 * Checks Meta's `X-Hub-Signature-256: sha256=<hex>` over the raw request bytes.
 * `crypto.subtle.verify` compares in constant time, so no timing leaks which byte differed.
 */
export async function hasValidSignature(
  rawBody: ArrayBuffer,
  header: string | null | undefined,
  appSecret: string,
): Promise<boolean> {
  if (!header || !appSecret) return false;
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  const signature = match?.[1] ? hexToBytes(match[1]) : null;
  if (!signature) return false;
  return crypto.subtle.verify("HMAC", await hmacKey(appSecret), signature, rawBody);
}
