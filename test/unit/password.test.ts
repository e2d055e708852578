import { describe, expect, it } from "vitest";
import { hashPassword, PBKDF2_ITERATIONS, PBKDF2_PRODUCTION_CAP, verifyPassword } from "../../worker/workspace/password";

describe("password hashing", () => {
  it("never exceeds the 100,000 PBKDF2 iterations Cloudflare's production runtime allows", () => {
    expect(PBKDF2_PRODUCTION_CAP).toBe(100_000);
    expect(PBKDF2_ITERATIONS).toBeLessThanOrEqual(PBKDF2_PRODUCTION_CAP);
  });

  it("stores scheme and count beside the hash and verifies only the right password", async () => {
    const stored = await hashPassword("correct horse");
    expect(stored).toMatch(/^pbkdf2-sha256\$100000\$[\w-]+\$[\w-]+$/);
    expect(await verifyPassword("correct horse", stored)).toBe(true);
    expect(await verifyPassword("correct horsE", stored)).toBe(false);
  });

  it("refuses a stored hash whose count the production runtime would reject", async () => {
    const stored = (await hashPassword("pw-123456", 1000)).replace("$1000$", "$600000$");
    expect(await verifyPassword("pw-123456", stored)).toBe(false);
  });
});
