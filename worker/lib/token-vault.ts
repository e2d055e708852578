import { base64UrlToBytes, bytesToBase64Url } from "./bytes";

/**
 * Per-number access tokens at rest: AES-256-GCM under a key that only exists as a worker secret
 * (TOKEN_ENCRYPTION_KEY, 32 random bytes in base64). A copy of the database alone reveals no token.
 * The phone number id is bound as additional data, so a sealed token cannot be moved to another number.
 */
const VERSION = "v1";

export class MissingKeyError extends Error {
  constructor() {
    super("the server has no TOKEN_ENCRYPTION_KEY secret, so it cannot store access tokens; an operator must set it");
  }
}

async function importKey(secret: string | undefined): Promise<CryptoKey> {
  if (!secret) throw new MissingKeyError();
  let raw: Uint8Array;
  try {
    raw = base64UrlToBytes(secret.trim());
  } catch {
    throw new MissingKeyError();
  }
  if (raw.length !== 32) throw new MissingKeyError();
  return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
}

export async function sealToken(secret: string | undefined, phoneNumberId: string, token: string): Promise<string> {
  const key = await importKey(secret);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: "AES-GCM", iv, additionalData: new TextEncoder().encode(phoneNumberId) },
    key,
    new TextEncoder().encode(token),
  );
  return `${VERSION}.${bytesToBase64Url(iv)}.${bytesToBase64Url(new Uint8Array(sealed))}`;
}

/** Null when the sealed text was made under another key or for another number. */
export async function openToken(secret: string | undefined, phoneNumberId: string, sealed: string): Promise<string | null> {
  const [version, iv, data] = sealed.split(".");
  if (version !== VERSION || !iv || !data) return null;
  const key = await importKey(secret);
  try {
    const plain = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: base64UrlToBytes(iv), additionalData: new TextEncoder().encode(phoneNumberId) },
      key,
      base64UrlToBytes(data),
    );
    return new TextDecoder().decode(plain);
  } catch {
    return null;
  }
}
