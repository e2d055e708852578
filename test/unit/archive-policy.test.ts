import { describe, expect, it } from "vitest";
import { manifestOf, type Archive } from "../../shared/archive";
import { archivedRows, importRefusal, numberPolicy, workspacePolicy } from "../../worker/archive/policy";

const TABLES = ["meta", "people", "numbers", "sessions", "invites", "teams"];

describe("what an archive carries", () => {
  it("blanks every password hash and throttle, every sealed token, and leaves out the workspace id", () => {
    const people = archivedRows(workspacePolicy, "people", [{ id: "p1", email: "lina@acme.test", password_hash: "pbkdf2-sha256$100000$a$b", sign_in_throttle: "{}" }]);
    expect(people).toEqual([{ id: "p1", email: "lina@acme.test", password_hash: "", sign_in_throttle: null }]);
    expect(archivedRows(workspacePolicy, "numbers", [{ phone_number_id: "105550100", access_token_sealed: "v1.abc" }])).toEqual([{ phone_number_id: "105550100", access_token_sealed: null }]);
    expect(archivedRows(workspacePolicy, "meta", [{ key: "id", value: "wabc" }, { key: "name", value: "Acme" }])).toEqual([{ key: "name", value: "Acme" }]);
    expect(archivedRows(numberPolicy, "settings", [{ key: "config", value: "{}" }, { key: "last_webhook_at", value: "1" }])).toEqual([{ key: "last_webhook_at", value: "1" }]);
  });

  it("an import takes back only what an export gives: no skipped table, no credential, no unknown table", () => {
    expect(importRefusal(workspacePolicy, "people", [{ id: "p1", password_hash: "", sign_in_throttle: null }], TABLES)).toBeNull();
    // A column left out counts as null, as SQLite would store it.
    expect(importRefusal(workspacePolicy, "people", [{ id: "p1", password_hash: "" }], TABLES)).toBeNull();
    expect(importRefusal(workspacePolicy, "people", [{ id: "p1", password_hash: "pbkdf2-sha256$1$a$b" }], TABLES)).toMatch(/never carries/);
    expect(importRefusal(workspacePolicy, "numbers", [{ phone_number_id: "1", access_token_sealed: "x" }], TABLES)).toMatch(/never carries/);
    expect(importRefusal(workspacePolicy, "meta", [{ key: "id", value: "wother" }], TABLES)).toMatch(/never carries/);
    expect(importRefusal(workspacePolicy, "sessions", [], TABLES)).toMatch(/never part of an archive/);
    expect(importRefusal(workspacePolicy, "secrets", [], TABLES)).toMatch(/no table secrets/);
    expect(importRefusal(workspacePolicy, "teams", [{ id: "t1", name: "售前" }], TABLES)).toBeNull();
  });
});

describe("the import's manifest", () => {
  const archive = (numbersRows: Archive["workspace"]["tables"][string], people: Archive["workspace"]["tables"][string]): Archive => ({
    format: "wa-team-inbox-archive",
    version: 1,
    exportedAt: 0,
    workspace: { id: "wabcdefghijk", name: "Acme", schemaVersion: 6, tables: { people, numbers: numbersRows } },
    numbers: [{ phoneNumberId: "105550100", ownToken: true, schemaVersion: 12, tables: {} }],
  });

  it("names the emails to claim and the numbers to register, with their WABAs", () => {
    const planned = manifestOf(archive([{ phone_number_id: "105550100", waba_id: "205550100" }], [{ email: "wang@acme.test" }]));
    expect(planned).toEqual({
      ok: true,
      manifest: {
        format: "wa-team-inbox-archive",
        version: 1,
        workspace: { id: "wabcdefghijk", schemaVersion: 6, emails: ["wang@acme.test"], numbers: [{ phoneNumberId: "105550100", wabaId: "205550100" }] },
        numbers: [{ phoneNumberId: "105550100", schemaVersion: 12, ownToken: true }],
      },
    });
  });

  it("refuses a person without an email and a number's tables without the number", () => {
    expect(manifestOf(archive([{ phone_number_id: "105550100", waba_id: null }], [{ email: null }]))).toEqual({ ok: false, message: "workspace.tables.people: every person needs an email" });
    expect(manifestOf(archive([], [{ email: "wang@acme.test" }]))).toMatchObject({ ok: false, message: expect.stringMatching(/105550100 has conversations in the archive but is not among/) });
  });
});
