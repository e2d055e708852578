import type { AttributeDefinition, Catalog as CatalogView, Tag, TagGroup, TagUsage } from "../../shared/catalog";
import { ok, refuse, seesEverything, type Principal, type Result } from "../lib/result";
import { newId } from "./ids";
import type { Parts } from "./parts";

/**
 * The tag_groups, tags and attribute_defs tables: the company catalogue. Contacts carry tag ids and attribute keys in
 * each number's object; every change here is pushed to those objects with the number's configuration.
 */
export class Catalog {
  constructor(private readonly w: Parts) {}

  tagGroups(): TagGroup[] {
    return this.w.sql
      .exec<{ id: string; name: string; single_choice: number }>("SELECT * FROM tag_groups ORDER BY position")
      .toArray()
      .map((g) => ({ id: g.id, name: g.name, singleChoice: g.single_choice === 1 }));
  }

  tags(): Tag[] {
    return this.w.sql
      .exec<{ id: string; name: string; color: string; group_id: string | null }>("SELECT * FROM tags ORDER BY position")
      .toArray()
      .map((t) => ({ id: t.id, name: t.name, color: t.color, groupId: t.group_id }));
  }

  attributes(): AttributeDefinition[] {
    return this.w.sql
      .exec<{ key: string; label_en: string; label_zh: string; type: AttributeDefinition["type"]; options: string; agents_can_edit: number }>(
        "SELECT * FROM attribute_defs ORDER BY position",
      )
      .toArray()
      .map((a) => ({ key: a.key, labelEn: a.label_en, labelZh: a.label_zh, type: a.type, options: JSON.parse(a.options) as string[], agentsCanEdit: a.agents_can_edit === 1 }));
  }

  singleChoiceGroupIds(): string[] {
    return this.w.sql.exec<{ id: string }>("SELECT id FROM tag_groups WHERE single_choice = 1").toArray().map((g) => g.id);
  }

  /** What an agent works with: company tags and attributes, company canned responses and their own. */
  forPerson(principal: Principal): CatalogView {
    return { tagGroups: this.tagGroups(), tags: this.tags(), attributes: this.attributes(), canned: this.w.canned.visibleTo(principal) };
  }

  // ---- tag groups and tags ----

  async createTagGroup(principal: Principal, request: { name: string; singleChoice: boolean }): Promise<Result<TagGroup>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins manage tags", "supervisors_only");
    const id = newId("g");
    const position = this.w.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM tag_groups").one().n;
    this.w.sql.exec("INSERT INTO tag_groups (id, name, single_choice, position) VALUES (?, ?, ?, ?)", id, request.name, request.singleChoice ? 1 : 0, position);
    const group = { id, name: request.name, singleChoice: request.singleChoice };
    this.w.audit.record(principal, { action: "tag_group.create", target: `tag_group:${id}`, targetName: request.name, oldValue: null, newValue: group });
    await this.w.fanout.pushAll();
    return ok(group);
  }

  async updateTagGroup(principal: Principal, id: string, update: { name?: string; singleChoice?: boolean }): Promise<Result<TagGroup>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins manage tags", "supervisors_only");
    const before = this.tagGroups().find((g) => g.id === id);
    if (!before) return refuse(404, `no tag group ${id}`, "not_found");
    const after = { ...before, ...update };
    this.w.sql.exec("UPDATE tag_groups SET name = ?, single_choice = ? WHERE id = ?", after.name, after.singleChoice ? 1 : 0, id);
    this.w.audit.record(principal, { action: "tag_group.update", target: `tag_group:${id}`, targetName: after.name, oldValue: before, newValue: after });
    await this.w.fanout.pushAll();
    return ok(after);
  }

  /** Its tags stay, ungrouped: deleting a group must not strip tags off customers. */
  async deleteTagGroup(principal: Principal, id: string): Promise<Result<{ ok: true }>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins manage tags", "supervisors_only");
    const before = this.tagGroups().find((g) => g.id === id);
    if (!before) return refuse(404, `no tag group ${id}`, "not_found");
    this.w.ctx.storage.transactionSync(() => {
      this.w.sql.exec("UPDATE tags SET group_id = NULL WHERE group_id = ?", id);
      this.w.sql.exec("DELETE FROM tag_groups WHERE id = ?", id);
      this.w.audit.record(principal, { action: "tag_group.delete", target: `tag_group:${id}`, targetName: before.name, oldValue: before, newValue: null });
    });
    await this.w.fanout.pushAll();
    return ok({ ok: true });
  }

  async createTag(principal: Principal, request: { name: string; color: string; groupId: string | null }): Promise<Result<Tag>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins manage tags", "supervisors_only");
    const problem = this.tagProblem(null, request.name, request.groupId);
    if (problem) return problem;
    const id = newId("t");
    const position = this.w.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM tags").one().n;
    this.w.sql.exec("INSERT INTO tags (id, name, color, group_id, position) VALUES (?, ?, ?, ?, ?)", id, request.name, request.color, request.groupId, position);
    const tag = { id, name: request.name, color: request.color, groupId: request.groupId };
    this.w.audit.record(principal, { action: "tag.create", target: `tag:${id}`, targetName: request.name, oldValue: null, newValue: tag });
    await this.w.fanout.pushAll();
    return ok(tag);
  }

  /** Contacts carry the tag's id, so a rename shows everywhere at once, in every number and every panel. */
  async updateTag(principal: Principal, id: string, update: { name?: string; color?: string; groupId?: string | null }): Promise<Result<Tag>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins manage tags", "supervisors_only");
    const before = this.tags().find((t) => t.id === id);
    if (!before) return refuse(404, `no tag ${id}`, "not_found");
    const after = { ...before, ...update };
    const problem = this.tagProblem(id, after.name, after.groupId);
    if (problem) return problem;
    this.w.sql.exec("UPDATE tags SET name = ?, color = ?, group_id = ? WHERE id = ?", after.name, after.color, after.groupId, id);
    this.w.audit.record(principal, { action: before.name !== after.name ? "tag.rename" : "tag.update", target: `tag:${id}`, targetName: after.name, oldValue: before, newValue: after });
    await this.w.fanout.pushAll();
    return ok(after);
  }

  async deleteTag(principal: Principal, id: string): Promise<Result<{ ok: true; removedFrom: number }>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins manage tags", "supervisors_only");
    const before = this.tags().find((t) => t.id === id);
    if (!before) return refuse(404, `no tag ${id}`, "not_found");
    this.w.sql.exec("DELETE FROM tags WHERE id = ?", id);
    const removed = await Promise.all(this.w.numbers.allIds().map((n) => this.w.env.NUMBER_INBOX.getByName(n).removeTag(id)));
    const removedFrom = removed.reduce((a, b) => a + b, 0);
    this.w.audit.record(principal, { action: "tag.delete", target: `tag:${id}`, targetName: before.name, oldValue: before, newValue: { removedFromContacts: removedFrom } });
    await this.w.fanout.pushAll();
    return ok({ ok: true, removedFrom });
  }

  /** Summed over every number's object, asked in parallel. */
  async tagUsage(principal: Principal): Promise<Result<TagUsage>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins manage tags", "supervisors_only");
    const perNumber = await Promise.all(this.w.numbers.allIds().map((n) => this.w.env.NUMBER_INBOX.getByName(n).tagUsage()));
    const usage: TagUsage = {};
    for (const tag of this.tags()) usage[tag.id] = { contacts: 0, conversations: 0 };
    for (const counts of perNumber) {
      for (const [tagId, c] of Object.entries(counts)) {
        const sum = (usage[tagId] ??= { contacts: 0, conversations: 0 });
        sum.contacts += c.contacts;
        sum.conversations += c.conversations;
      }
    }
    return ok(usage);
  }

  private tagProblem(id: string | null, name: string, groupId: string | null) {
    if (groupId && this.w.sql.exec("SELECT 1 FROM tag_groups WHERE id = ?", groupId).toArray().length === 0) return refuse(422, `groupId: no tag group ${groupId}`, "invalid_request", { field: "groupId" });
    if (this.w.sql.exec("SELECT 1 FROM tags WHERE name = ? AND id IS NOT ?", name, id).toArray().length > 0) return refuse(409, `a tag named ${name} exists`, "tag_exists", { name });
    return null;
  }

  // ---- contact attribute definitions ----

  async createAttribute(principal: Principal, request: AttributeDefinition): Promise<Result<AttributeDefinition>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins define contact attributes", "supervisors_only");
    if (this.w.sql.exec("SELECT 1 FROM attribute_defs WHERE key = ?", request.key).toArray().length > 0) return refuse(409, `attribute ${request.key} exists`, "attribute_exists", { key: request.key });
    return this.writeAttribute(principal, request, null);
  }

  async updateAttribute(principal: Principal, key: string, update: Omit<AttributeDefinition, "key">): Promise<Result<AttributeDefinition>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins define contact attributes", "supervisors_only");
    const before = this.attributes().find((a) => a.key === key);
    if (!before) return refuse(404, `no attribute ${key}`, "not_found");
    return this.writeAttribute(principal, { ...update, key }, before);
  }

  /** Values already stored on contacts stay in the history but are no longer shown or editable. */
  async deleteAttribute(principal: Principal, key: string): Promise<Result<{ ok: true }>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins define contact attributes", "supervisors_only");
    const before = this.attributes().find((a) => a.key === key);
    if (!before) return refuse(404, `no attribute ${key}`, "not_found");
    this.w.sql.exec("DELETE FROM attribute_defs WHERE key = ?", key);
    this.w.audit.record(principal, { action: "attribute.delete", target: `attribute:${key}`, targetName: before.labelEn, oldValue: before, newValue: null });
    await this.w.fanout.pushAll();
    return ok({ ok: true });
  }

  private async writeAttribute(principal: Principal, request: AttributeDefinition, before: AttributeDefinition | null): Promise<Result<AttributeDefinition>> {
    if ((request.type === "single_choice" || request.type === "multi_choice") && request.options.length === 0) {
      return refuse(400, "options: a choice attribute needs at least one option", "choice_needs_options");
    }
    const position = before ? null : this.w.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM attribute_defs").one().n;
    this.w.sql.exec(
      `INSERT INTO attribute_defs (key, label_en, label_zh, type, options, agents_can_edit, position) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (key) DO UPDATE SET label_en = excluded.label_en, label_zh = excluded.label_zh, type = excluded.type,
         options = excluded.options, agents_can_edit = excluded.agents_can_edit`,
      request.key,
      request.labelEn,
      request.labelZh,
      request.type,
      JSON.stringify(request.options),
      request.agentsCanEdit ? 1 : 0,
      position ?? 0,
    );
    this.w.audit.record(principal, { action: before ? "attribute.update" : "attribute.create", target: `attribute:${request.key}`, targetName: request.labelEn, oldValue: before, newValue: request });
    await this.w.fanout.pushAll();
    return ok(request);
  }
}
