import { SELF } from "cloudflare:test";
import { expect, it } from "vitest";
import { BASE, customerMessage, sign } from "./helpers";

it("the benchmark's floor probes answer 404 on a deployment without BENCH_PROBES, even to a signed webhook", async () => {
  const body = customerMessage("105550999", "8613900000009", "你好");
  for (const floor of ["rpc", "insert"]) {
    const response = await SELF.fetch(`${BASE}/bench/floor/${floor}`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-hub-signature-256": await sign(body) },
      body,
    });
    expect(response.status).toBe(404);
    expect(((await response.json()) as { error: { message: string } }).error.message).toBe(`no route for POST /bench/floor/${floor}`);
  }
});
