import { env, runInDurableObject, SELF } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { Report } from "../../shared/analytics";
import { archiveSchema, type Archive, type ImportResult } from "../../shared/archive";
import type { Catalog, ContactProfile } from "../../shared/catalog";
import type { Message } from "../../shared/inbox";
import type { Session } from "../../shared/people";
import { secretsIn } from "../support/secrets";
import {
  api,
  BASE,
  conversationOfCustomer,
  connectSocket,
  conversationsOf,
  createWorkspace,
  messagesOf,
  newCustomerWrites,
  setStatus,
  unique,
  uniqueNumberId,
  type TestWorkspace,
} from "./helpers";

type ErrorBody = { error: { message: string } };

/** A workspace with a day's worth of everything an archive must carry. */
async function busyWorkspace() {
  const ws = await createWorkspace(2);
  const [a] = ws.agents as [TestWorkspace["agents"][0]];
  const admin = ws.adminToken;
  const socket = await connectSocket(a.token, ws.phoneNumberId);
  await setStatus(a.token, "available");
  const tier = (await api<{ id: string }>("POST", "/tag-groups", { token: admin, body: { name: "客户等级", singleChoice: true } })).body.id;
  const gold = (await api<{ id: string }>("POST", "/tags", { token: admin, body: { name: "黄金客户", color: "#c99a06", groupId: tier } })).body.id;
  await api("POST", "/attributes", { token: admin, body: { key: "orders", labelEn: "Orders", labelZh: "订单数", type: "number" } });
  await api("POST", "/canned-responses", { token: admin, body: { shortcode: "return", title: "退换货", body: "收货后 7 天内可退换", company: true } });
  await api("PUT", "/workspace/settings", { token: admin, body: { timeZone: "America/New_York" } });

  const phone = await newCustomerWrites(ws.phoneNumberId, "我的订单还没到");
  const conversation = await conversationOfCustomer(admin, ws.phoneNumberId, phone);
  const contactPath = `/numbers/${ws.phoneNumberId}/contacts/${conversation.contact.id}`;
  await api("POST", `${contactPath}/tags`, { token: a.token, body: { add: gold } });
  await api("PUT", `${contactPath}/attributes/orders`, { token: a.token, body: { value: 3 } });
  const path = `/numbers/${ws.phoneNumberId}/conversations/${conversation.id}`;
  await api("POST", `${path}/messages`, { token: a.token, body: { type: "text", text: "您好，马上为您查询", clientId: crypto.randomUUID() } });
  await api("POST", `${path}/messages`, { token: a.token, body: { type: "note", text: "顺丰单号 SF1234", clientId: crypto.randomUUID() } });
  await api("POST", `${path}/resolve`, { token: a.token });
  socket.close();
  return { ws, phone, conversationId: conversation.id, contactId: conversation.contact.id };
}

async function exportOf(token: string): Promise<{ status: number; text: string; headers: Headers }> {
  const response = await SELF.fetch(`${BASE}/api/workspace/export`, { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, text: await response.text(), headers: response.headers };
}

async function importArchive(body: string, setupToken = "test-setup-token") {
  const response = await SELF.fetch(`${BASE}/api/setup/import`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${setupToken}` },
    body,
  });
  return { status: response.status, body: (await response.json()) as ImportResult & ErrorBody };
}

/**
 * The same workspace under new ids, as if it came from another deployment: the workspace id, every email and the
 * number id are replaced wherever they appear, so this runtime can hold both.
 */
function asIfFromElsewhere(text: string, archive: Archive) {
  const workspaceId = `w${unique("").replace(/[^a-z0-9]/g, "").padEnd(12, "0")}`;
  const phoneNumberId = uniqueNumberId();
  let moved = text.replaceAll(archive.workspace.id, workspaceId).replaceAll(archive.numbers[0]!.phoneNumberId, phoneNumberId);
  for (const person of archive.workspace.tables.people ?? []) {
    moved = moved.replaceAll(String(person.email), `moved-${String(person.email)}`);
  }
  return { text: moved, workspaceId, phoneNumberId };
}

describe("workspace export", () => {
  it("streams every table as one JSON archive, without a single credential", async () => {
    const { ws, phone } = await busyWorkspace();
    const { status, text, headers } = await exportOf(ws.adminToken);
    expect(status).toBe(200);
    expect(headers.get("content-disposition")).toMatch(/attachment; filename="workspace-\d{4}-\d{2}-\d{2}\.json"/);
    const archive = archiveSchema.parse(JSON.parse(text));
    const tables = archive.workspace.tables;
    expect(tables.people).toHaveLength(3);
    expect(tables.tags?.map((t) => t.name)).toEqual(["黄金客户"]);
    expect(tables.attribute_defs?.map((a) => a.key)).toEqual(["orders"]);
    expect(tables.canned_responses?.map((c) => c.shortcode)).toEqual(["return"]);
    expect(tables.meta).toContainEqual({ key: "time_zone", value: "America/New_York" });
    const [number] = archive.numbers;
    expect(number!.phoneNumberId).toBe(ws.phoneNumberId);
    expect(number!.tables.contacts?.map((c) => c.wa_id)).toEqual([phone]);
    expect(number!.tables.messages?.map((m) => m.text)).toEqual(expect.arrayContaining(["我的订单还没到", "您好，马上为您查询", "顺丰单号 SF1234"]));
    expect(number!.tables.contact_tags).toHaveLength(1);
    expect(number!.tables.contact_attributes).toContainEqual(expect.objectContaining({ key: "orders", value: "3" }));
    expect(number!.tables.conversations?.[0]).toMatchObject({ status: "resolved" });

    // Nothing that signs anyone in or sends as the business.
    expect(Object.keys(tables)).not.toEqual(expect.arrayContaining(["sessions"]));
    for (const skipped of ["sessions", "socket_tickets", "invites"]) expect(tables[skipped]).toBeUndefined();
    expect(tables.people!.every((p) => p.password_hash === "")).toBe(true);
    expect(number!.tables.settings?.some((s) => s.key === "config")).toBe(false);
    // Nor how far the search index had caught up: the import rebuilds the index from the messages.
    expect(number!.tables.settings?.some((s) => s.key === "search_indexed_through")).toBe(false);
    // Nor statuses waiting for a send only the exporting instance had in flight.
    expect(number!.tables.early_statuses).toBeUndefined();
    expect(secretsIn(text)).toEqual([]);
    expect(text).not.toContain("pbkdf2");
  });

  it("is for admins only, and the audit log says who exported", async () => {
    const ws = await createWorkspace(1);
    expect((await exportOf(ws.agents[0]!.token)).status).toBe(403);
    expect((await SELF.fetch(`${BASE}/api/workspace/export`)).status).toBe(401);
    expect((await exportOf(ws.adminToken)).status).toBe(200);
    const audit = await api<{ entries: { action: string; actorName: string }[] }>("GET", "/audit?action=workspace.export", { token: ws.adminToken });
    expect(audit.body.entries).toEqual([expect.objectContaining({ action: "workspace.export", actorName: "Admin" })]);
  });
});

describe("workspace import", () => {
  it("brings back conversations, messages, contacts, tags, attributes and settings, and people set a password by link", async () => {
    const { ws, phone } = await busyWorkspace();
    const text = (await exportOf(ws.adminToken)).text;
    const archive = archiveSchema.parse(JSON.parse(text));
    const moved = asIfFromElsewhere(text, archive);

    const imported = await importArchive(moved.text);
    expect(imported.status).toBe(200);
    expect(imported.body.workspaceId).toBe(moved.workspaceId);
    expect(imported.body.rows[`${moved.phoneNumberId}.messages`]).toBe(archive.numbers[0]!.tables.messages!.length);
    expect(imported.body.people.map((p) => p.role).sort()).toEqual(["admin", "agent", "agent"]);

    // Nobody's password moved: the old one does not open the imported account, the link sets a new one.
    const adminLink = imported.body.people.find((p) => p.role === "admin")!;
    expect((await api("POST", "/sessions", { body: { email: adminLink.email, password: "password-1" } })).status).toBe(401);
    const token = adminLink.setPasswordUrl.split("/invite/")[1]!;
    expect((await api("POST", `/invites/${encodeURIComponent(token)}/accept`, { body: { password: "brand-new-1" } })).status).toBe(200);
    const admin = (await api<Session>("POST", "/sessions", { body: { email: adminLink.email, password: "brand-new-1" } })).body.token;

    const [before] = await conversationsOf(ws.adminToken, ws.phoneNumberId, "resolved");
    const [after] = await conversationsOf(admin, moved.phoneNumberId, "resolved");
    // The same conversation under the same ids; only the number it came in on was renamed for this test.
    expect(after).toEqual({ ...before!, phoneNumberId: moved.phoneNumberId });
    expect((await messagesOf(admin, moved.phoneNumberId, after!.id)).map(content)).toEqual(
      (await messagesOf(ws.adminToken, ws.phoneNumberId, before!.id)).map(content),
    );
    const catalog = (await api<Catalog>("GET", "/catalog", { token: admin })).body;
    const catalogOf = catalog;
    const profile = (await api<ContactProfile>("GET", `/numbers/${moved.phoneNumberId}/contacts/${after!.contact.id}`, { token: admin })).body;
    expect(profile.tags.map((t) => catalogTagName(catalogOf, t.tagId))).toEqual(["黄金客户"]);
    expect(profile.attributes).toContainEqual(expect.objectContaining({ key: "orders", value: 3 }));
    expect(catalog.canned.map((c) => c.shortcode)).toEqual(["return"]);
    expect((await api<{ timeZone: string }>("GET", "/workspace/settings", { token: admin })).body.timeZone).toBe("America/New_York");
    // The search index is rebuilt from the imported messages.
    const found = await api<{ results: unknown[] }>("GET", `/numbers/${moved.phoneNumberId}/search?q=${encodeURIComponent("订单还没到")}`, { token: admin });
    expect(found.body.results).toHaveLength(1);
    expect(phone).toBe(after!.contact.waId);
    // Reports read the rollups and sketches, which travel with the rest: the same figures after the move.
    const range = `/reports?from=${Date.now() - 86_400_000}&to=${Date.now() + 60_000}&bucket=hour`;
    const figures = (r: Report) => ({
      totals: r.totals,
      series: r.series,
      times: [r.firstResponse, r.resolution, r.csat],
      agents: r.agents.map(({ availableMs: _, awayMs: __, offlineMs: ___, ...rest }) => rest),
      tags: r.tags,
    });
    const reportBefore = (await api<Report>("GET", range, { token: ws.adminToken })).body;
    expect(reportBefore.totals.conversations_resolved).toBeGreaterThan(0);
    expect(figures((await api<Report>("GET", range, { token: admin })).body)).toEqual(figures(reportBefore));
  });

  it("builds the reports' blocks from what it imported, whatever order the archive lists its tables in", async () => {
    const { ws } = await busyWorkspace();
    const text = (await exportOf(ws.adminToken)).text;
    const archive = archiveSchema.parse(JSON.parse(text));
    // Tables in reverse order: the blocks first, then the customers' tags after the conversations and samples they
    // count, so the trigger on contact_tags counts those conversations on top of the blocks the archive carried.
    const reordered = JSON.parse(text) as { numbers: { tables: Record<string, unknown> }[] };
    reordered.numbers[0]!.tables = Object.fromEntries(Object.entries(reordered.numbers[0]!.tables).reverse());
    const moved = asIfFromElsewhere(JSON.stringify(reordered), archive);
    expect((await importArchive(moved.text)).status).toBe(200);

    const blocksOf = (phoneNumberId: string) =>
      runInDurableObject(env.NUMBER_INBOX.getByName(phoneNumberId), (_, state) => ({
        tags: state.storage.sql.exec("SELECT * FROM tag_blocks ORDER BY metric, block, tag_id, bin").toArray(),
        languages: state.storage.sql.exec("SELECT * FROM language_blocks ORDER BY metric, block, language, bin").toArray(),
      }));
    const source = await blocksOf(ws.phoneNumberId);
    expect(source.tags.map((r) => r.metric).sort()).toEqual(["conversations", "first_response", "first_response:business", "resolution"]);
    expect(await blocksOf(moved.phoneNumberId)).toEqual(source);
  });

  it("refuses without the setup token, a file that is not an archive, or a schema this deployment does not run", async () => {
    expect((await importArchive("{}", "wrong")).status).toBe(401);
    const notArchive = await importArchive(JSON.stringify({ format: "something-else", version: 1 }));
    expect(notArchive.status).toBe(400);
    expect(notArchive.body.error.message).toMatch(/format/);

    const ws = await createWorkspace(1);
    const text = (await exportOf(ws.adminToken)).text;
    const archive = archiveSchema.parse(JSON.parse(text));
    const newer = JSON.parse(asIfFromElsewhere(text, archive).text) as Archive;
    newer.numbers[0]!.schemaVersion += 1;
    const refused = await importArchive(JSON.stringify(newer));
    expect(refused.status).toBe(422);
    expect(refused.body.error.message).toMatch(/schema \d+ and this deployment is at \d+/);
  });

  it("refuses whole when the workspace or an email is already here, and an edited archive cannot plant a session", async () => {
    const ws = await createWorkspace(1);
    const text = (await exportOf(ws.adminToken)).text;
    const archive = archiveSchema.parse(JSON.parse(text));

    const again = await importArchive(text);
    expect(again.status).toBe(409);
    // The existing workspace is untouched: its admin still signs in.
    expect((await api("GET", "/me", { token: ws.adminToken })).status).toBe(200);

    const sameEmails = JSON.parse(asIfFromElsewhere(text, archive).text) as Archive;
    sameEmails.workspace.tables.people = archive.workspace.tables.people!;
    const clash = await importArchive(JSON.stringify(sameEmails));
    expect(clash.status).toBe(409);
    expect(clash.body.error.message).toMatch(/already (has an account|have accounts)/);

    const planted = JSON.parse(asIfFromElsewhere(text, archive).text) as Archive;
    planted.workspace.tables.sessions = [{ token_hash: "x", person_id: "p1", created_at: 0, expires_at: 9e15 }];
    const refusedPlant = await importArchive(JSON.stringify(planted));
    expect(refusedPlant.status).toBe(422);
    expect(refusedPlant.body.error.message).toMatch(/sessions is never part of an archive/);
    const withHash = JSON.parse(asIfFromElsewhere(text, archive).text) as Archive;
    withHash.workspace.tables.people![0]!.password_hash = "pbkdf2-sha256$100000$c2FsdA$aGFzaA";
    expect((await importArchive(JSON.stringify(withHash))).status).toBe(422);

    // Rows sent without a begun import, even into a live workspace's number, are refused.
    const stray = await SELF.fetch(`${BASE}/api/setup/import/rows`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer test-setup-token" },
      body: JSON.stringify({ workspaceId: ws.adminToken.split(".")[0], store: ws.phoneNumberId, table: "messages", rows: [{ id: 999, conversation_id: 1, direction: "in", kind: "text", text: "planted", timestamp: 1 }] }),
    });
    expect(stray.status).toBe(422);
    expect(((await stray.json()) as ErrorBody).error.message).toMatch(/no import of this archive is under way/);

    // After the refusals the same archive still imports: a refused attempt left nothing behind that blocks it.
    const clean = await importArchive(JSON.stringify(withHash).replace("pbkdf2-sha256$100000$c2FsdA$aGFzaA", ""));
    expect(clean.status).toBe(200);
  });
});

function catalogTagName(catalog: Catalog, tagId: string) {
  return catalog.tags.find((t) => t.id === tagId)?.name;
}

/** What a customer and an agent see of a message, without the ids that belong to one deployment. */
function content(m: Message) {
  return { direction: m.direction, text: m.text, status: m.status, authorId: m.authorId, timestamp: m.timestamp };
}
