import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { secretsIn } from "../support/secrets.ts";

const path = resolve(import.meta.dirname, "../artifacts/worker-output.log");

describe("nothing secret in the worker's logs", () => {
  it("the whole Workers-runtime suite's output holds no app secret, access token, password, session token or ticket", () => {
    expect(existsSync(path), "run the Workers-runtime suite first (`vitest run`): it writes test/artifacts/worker-output.log").toBe(true);
    const output = readFileSync(path, "utf8");
    // The log is real: the worker logs each webhook for a number nobody connected, and the suite sends some.
    expect(output).toContain("webhook for unconnected number(s)");
    expect(secretsIn(output)).toEqual([]);
  });

  it("the check finds what it looks for", () => {
    expect(secretsIn("x-hub-signature with test-app-secret")).toEqual(["WHATSAPP_APP_SECRET"]);
    expect(secretsIn("token wabcdefghijkl.abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQ leaked")).toEqual(["1 session token(s) or ticket(s)"]);
    expect(secretsIn("signed in with password-1")).toHaveLength(1);
  });
});
