/**
 * The secrets the Workers-runtime suite runs with, and the passwords its tests type: one list, so the suite's
 * configuration and the check that none of them ever reaches a log line cannot drift apart.
 */
export const workerTestSecrets = {
  WHATSAPP_APP_SECRET: "test-app-secret",
  WHATSAPP_VERIFY_TOKEN: "test-verify-token",
  WHATSAPP_ACCESS_TOKEN: "test-access-token",
  SETUP_TOKEN: "test-setup-token",
  // 32 fixed bytes: tests only; every deployment makes its own (README).
  TOKEN_ENCRYPTION_KEY: "dGVzdC1rZXktdGVzdC1rZXktdGVzdC1rZXktdGVzdC0",
};

export const testPasswords = ["password-1", "zhangmin-1", "brand-new-1"];

/** Session tokens, socket tickets and invitation links all look like this: the workspace id, a dot, 32 random bytes. */
export const TOKEN_PATTERN = /\bw[a-z0-9]{10,40}\.[A-Za-z0-9_-]{40,}/g;

/** What in `text` is a secret: each hit named by what it is, never the secret itself. */
export function secretsIn(text: string): string[] {
  const hits: string[] = [];
  for (const [name, value] of Object.entries(workerTestSecrets)) if (text.includes(value)) hits.push(name);
  for (const password of testPasswords) if (text.includes(password)) hits.push(`a test password (${password.length} characters)`);
  const tokens = text.match(TOKEN_PATTERN) ?? [];
  if (tokens.length) hits.push(`${tokens.length} session token(s) or ticket(s)`);
  return hits;
}
