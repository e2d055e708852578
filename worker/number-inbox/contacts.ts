import type { ContactProfile } from "../../shared/catalog";
import { ok, refuse, seesEverything, type Principal, type Result } from "../lib/result";
import type { Access } from "./access";
import { validateAttribute } from "./attribute-value";
import type { InboxContext } from "./context";
import type { Conversations } from "./conversations";
import { laterField, linkSender, type KnownContact, type Sender } from "./identity";
import { CONTACT_ROW_COLUMNS, type Row } from "./rows";
import type { Pushes } from "./pushes";
import type { SearchPlan } from "./search-plan";
import type { Settings } from "./settings";
import { insertedId, insertedRow, rowsChanged } from "./inserted-row";

/**
 * The customers: `contacts` (found by phone or business-scoped id, see `identity.ts`; with who served them last), `contact_tags`
 * (company tags, single-choice groups kept to one) and `contact_attributes` (typed values, `attribute-value.ts`
 * checks them). A change is pushed to everyone who has one of the customer's open conversations in a list.
 */
export class Contacts {
  constructor(
    private readonly ctx: InboxContext,
    private readonly settings: Settings,
    private readonly access: Access,
    private readonly conversations: Conversations,
    private readonly pushes: Pushes,
  ) {}

  /**
   * The contact a message's sender is: found by phone (wa_id) or business-scoped user id, linked to the other id
   * the first time both appear, or created; `identity.ts` decides which, and the disagreements it returns are the
   * caller's to log. Name and username follow the latest payload that carries them.
   */
  forSender(sender: Sender, now: number): { contactId: number; created: Row | null; conflicts: string[]; absorbed: number | null } {
    const { sql } = this.ctx;
    const find = (column: "wa_id" | "user_id", value: string | null): KnownContact | undefined =>
      value === null
        ? undefined
        : sql
            .exec<{ id: number; wa_id: string | null; user_id: string | null }>(`SELECT id, wa_id, user_id FROM contacts WHERE ${column} = ?`, value)
            .toArray()
            .map((c) => ({ id: c.id, waId: c.wa_id, userId: c.user_id }))[0];
    const link = linkSender(sender, find("wa_id", sender.waId), find("user_id", sender.userId));
    if (link.contactId === null) {
      // Returned as a conversation's list row shows it, so a first conversation's row is not read again (rows.ts).
      sql.exec(
        `INSERT INTO contacts (wa_id, user_id, username, username_at, name, name_at, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        link.fill.waId,
        link.fill.userId,
        sender.username,
        sender.username === null ? null : now,
        sender.name,
        sender.name === null ? null : now,
        now,
        now,
      );
      const { id, ...created } = insertedRow<{ id: number } & Row>(sql, "contacts", `id, ${CONTACT_ROW_COLUMNS.join(", ")}`);
      return { contactId: id, created, conflicts: [], absorbed: null };
    }
    if (link.absorb !== null) this.absorb(link.absorb, link.contactId);
    sql.exec(
      `UPDATE contacts SET last_seen_at = ?, name = COALESCE(?, name), name_at = CASE WHEN ? IS NULL THEN name_at ELSE ? END,
         username = COALESCE(?, username), username_at = CASE WHEN ? IS NULL THEN username_at ELSE ? END,
         wa_id = COALESCE(wa_id, ?), user_id = COALESCE(user_id, ?) WHERE id = ?`,
      now,
      sender.name,
      sender.name,
      now,
      sender.username,
      sender.username,
      now,
      link.fill.waId,
      link.fill.userId,
      link.contactId,
    );
    return { contactId: link.contactId, created: null, conflicts: link.conflicts, absorbed: link.absorb };
  }

  /**
   * The business saved this customer under a name in the WhatsApp Business app (coexistence.ts): the contact takes
   * it, or is created with it, unless a name given later (the customer's own profile, seen after `at`) is stored.
   * Returns the contact when its name changed.
   */
  nameFromAddressBook(waId: string, name: string, at: number, now: number): number | null {
    const { sql } = this.ctx;
    const known = sql.exec<{ id: number }>("SELECT id FROM contacts WHERE wa_id = ?", waId).toArray()[0];
    if (!known) {
      sql.exec("INSERT INTO contacts (wa_id, name, name_at, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?)", waId, name, at, now, now);
      return insertedId(sql);
    }
    // A contact named before names were dated got its name when it was last seen, at the latest.
    sql.exec(
      "UPDATE contacts SET name = ?, name_at = ? WHERE id = ? AND COALESCE(name_at, last_seen_at) <= ? AND name IS NOT ?",
      name, at, known.id, at, name,
    );
    return rowsChanged(sql) > 0 ? known.id : null;
  }

  /**
   * Merges contact `from` into `into` (the same customer, known by phone on one and BSUID on the other): ids,
   * name, username and detected language the kept one lacks, tags and attributes it does not have, then `from` is gone. Its
   * conversations are the caller's to move (`conversations.absorbContact`), in the same step.
   */
  private absorb(from: number, into: number): void {
    const { sql } = this.ctx;
    // A name, username or language stored before they were dated arrived when its contact was last seen, at the latest.
    const read = (id: number) =>
      sql
        .exec<{ user_id: string | null; username: string | null; username_at: number; name: string | null; name_at: number; language: string | null; language_at: number; first_seen_at: number; last_seen_at: number }>(
          `SELECT user_id, username, COALESCE(username_at, last_seen_at) AS username_at, name, COALESCE(name_at, last_seen_at) AS name_at, language,
             COALESCE(language_at, last_seen_at) AS language_at, first_seen_at, last_seen_at FROM contacts WHERE id = ?`,
          id,
        )
        .one();
    const [kept, other] = [read(into), read(from)];
    sql.exec("DELETE FROM contacts WHERE id = ?", from);
    // Name and username: whichever the latest payload carried, on either half (laterField). The language an agent's
    // device detected is the person's, whichever half it was detected on: the latest detection when both have one.
    const username = laterField({ value: kept.username, at: kept.username_at }, { value: other.username, at: other.username_at });
    const name = laterField({ value: kept.name, at: kept.name_at }, { value: other.name, at: other.name_at });
    const language = laterField({ value: kept.language, at: kept.language_at }, { value: other.language, at: other.language_at });
    sql.exec(
      `UPDATE contacts SET user_id = COALESCE(user_id, ?), username = ?, username_at = ?, name = ?, name_at = ?,
         language = ?, language_at = ?, first_seen_at = MIN(first_seen_at, ?), last_seen_at = MAX(last_seen_at, ?) WHERE id = ?`,
      other.user_id,
      username.value, username.value === null ? null : username.at,
      name.value, name.value === null ? null : name.at,
      language.value, language.value === null ? null : language.at,
      other.first_seen_at, other.last_seen_at, into,
    );
    sql.exec("INSERT OR IGNORE INTO contact_tags (contact_id, tag_id, added_by, added_at) SELECT ?, tag_id, added_by, added_at FROM contact_tags WHERE contact_id = ?", into, from);
    sql.exec("DELETE FROM contact_tags WHERE contact_id = ?", from);
    sql.exec(
      "INSERT OR IGNORE INTO contact_attributes (contact_id, key, value, updated_by, updated_by_name, updated_at) SELECT ?, key, value, updated_by, updated_by_name, updated_at FROM contact_attributes WHERE contact_id = ?",
      into, from,
    );
    sql.exec("DELETE FROM contact_attributes WHERE contact_id = ?", from);
  }

  /**
   * The customer changed their phone number (a `user_changed_number` notice): the contact takes the new one, unless
   * another contact holds it already, which is returned as a conflict to log (never two contacts with one phone).
   */
  changeNumber(contactId: number, phone: string): string | null {
    const holder = this.ctx.sql.exec<{ id: number }>("SELECT id FROM contacts WHERE wa_id = ?", phone).toArray()[0];
    if (holder && holder.id !== contactId) return `contact ${contactId} changed number to ${phone}, which contact ${holder.id} holds; kept apart`;
    this.ctx.sql.exec("UPDATE contacts SET wa_id = ? WHERE id = ?", phone, contactId);
    return null;
  }

  /** A customer the business writes to first: the contact with this phone, or a new one (name unknown until they write). */
  forPhone(waId: string, now: number): number {
    const known = this.ctx.sql.exec<{ id: number }>("SELECT id FROM contacts WHERE wa_id = ?", waId).toArray()[0];
    if (known) return known.id;
    this.ctx.sql.exec("INSERT INTO contacts (wa_id, first_seen_at, last_seen_at) VALUES (?, ?, ?)", waId, now, now);
    return insertedId(this.ctx.sql);
  }

  /** The ids a message to this contact can use, or undefined when no such contact exists. */
  idsOf(contactId: number): { id: number; wa_id: string | null; user_id: string | null } | undefined {
    return Number.isInteger(contactId)
      ? this.ctx.sql.exec<{ id: number; wa_id: string | null; user_id: string | null }>("SELECT id, wa_id, user_id FROM contacts WHERE id = ?", contactId).toArray()[0]
      : undefined;
  }

  idsOfPhone(waId: string): { id: number; wa_id: string | null; user_id: string | null } | undefined {
    return this.ctx.sql.exec<{ id: number; wa_id: string | null; user_id: string | null }>("SELECT id, wa_id, user_id FROM contacts WHERE wa_id = ?", waId).toArray()[0];
  }

  /**
   * The customer's business-scoped user id changed (identity.ts `changedUserIdOf`): the contact holding the previous
   * id (else `contactId`, whom the message was filed under) takes the new one. A contact already made from the new
   * id is the same customer: it is merged in (`absorbed`, its conversations the caller's to move), never kept apart.
   */
  changeUserId(contactId: number, previous: string, current: string): { contactId: number; absorbed: number | null } {
    const { sql } = this.ctx;
    const holder = (id: string) => sql.exec<{ id: number }>("SELECT id FROM contacts WHERE user_id = ?", id).toArray()[0]?.id;
    const target = holder(previous) ?? contactId;
    const other = holder(current);
    const absorbed = other !== undefined && other !== target ? other : null;
    if (absorbed !== null) this.absorb(absorbed, target);
    sql.exec("UPDATE contacts SET user_id = ? WHERE id = ?", current, target);
    return { contactId: target, absorbed };
  }

  /** The agent who answered, for the sticky rule. */
  served(contactId: number, agentId: string, now: number): void {
    this.ctx.sql.exec("UPDATE contacts SET last_agent_id = ?, last_served_at = ? WHERE id = ?", agentId, now, contactId);
  }

  /** An attribute's stored value (e.g. the customer's language), or null. */
  attribute(contactId: number, key: string): unknown {
    const row = this.ctx.sql.exec<{ value: string }>("SELECT value FROM contact_attributes WHERE contact_id = ? AND key = ?", contactId, key).toArray()[0];
    return row ? (JSON.parse(row.value) as unknown) : null;
  }

  /** Customers whose name, WhatsApp username (with or without its "@"), or phone number however typed, contains the query. */
  matching(plan: SearchPlan): number[] {
    return this.ctx.sql
      .exec<{ id: number }>(
        // instr, not LIKE: the query may be 200 characters long and SQLite refuses LIKE patterns over 50 bytes.
        `SELECT id FROM contacts WHERE instr(lower(name), lower(?)) > 0 OR instr(lower(username), lower(?)) > 0 ${plan.digits ? "OR instr(wa_id, ?) > 0" : ""} LIMIT 50`,
        plan.text,
        plan.text.replace(/^@/, ""),
        ...(plan.digits ? [plan.digits] : []),
      )
      .toArray()
      .map((c) => c.id);
  }

  async profile(viewer: Principal, contactId: string): Promise<Result<ContactProfile>> {
    const allowed = this.access.contact(viewer, contactId);
    if (!allowed.ok) return allowed;
    const id = Number(contactId);
    const contact = this.ctx.sql.exec("SELECT * FROM contacts WHERE id = ?", id).one();
    return ok({
      id: contactId,
      name: (contact.name as string | null) ?? null,
      waId: (contact.wa_id as string | null) ?? null,
      language: (contact.language as string | null) ?? null,
      profileName: (contact.name as string | null) ?? null,
      firstSeenAt: contact.first_seen_at as number,
      tags: this.ctx.sql
        .exec<{ tag_id: string; added_by: string | null; added_at: number }>("SELECT * FROM contact_tags WHERE contact_id = ? ORDER BY added_at", id)
        .toArray()
        .map((t) => ({ tagId: t.tag_id, addedBy: t.added_by, addedAt: t.added_at })),
      attributes: this.ctx.sql
        .exec<{ key: string; value: string; updated_by: string | null; updated_by_name: string | null; updated_at: number }>("SELECT * FROM contact_attributes WHERE contact_id = ?", id)
        .toArray()
        .map((a) => ({ key: a.key, value: JSON.parse(a.value) as unknown, updatedBy: a.updated_by, updatedByName: a.updated_by_name, updatedAt: a.updated_at })),
      conversations: this.conversations.historyOf(id),
    });
  }

  /** Adds or removes a company tag; a tag of a single-choice group replaces the group's other tag. Live for everyone. */
  async changeTag(viewer: Principal, contactId: string, change: { add?: string; remove?: string }): Promise<Result<ContactProfile>> {
    const changed = this.applyTagChange(viewer, contactId, change);
    if (!changed.ok) return changed;
    return this.profile(viewer, contactId);
  }

  /**
   * The tag change itself, with the same permission as the single action; answers which tags it could have touched
   * (the tag and its single-choice siblings) and which of those the customer had before, so a bulk action can undo it.
   */
  applyTagChange(viewer: Principal, contactId: string, change: { add?: string; remove?: string }): Result<{ touched: string[]; before: string[] }> {
    const allowed = this.access.contact(viewer, contactId);
    if (!allowed.ok) return allowed;
    const id = Number(contactId);
    const { tags, singleChoiceGroups } = this.settings.config().catalog;
    let touched: string[] = [];
    const before = this.tagIdsOf(id);
    if (change.add) {
      const tag = tags.find((t) => t.id === change.add);
      if (!tag) return refuse(422, `add: no tag ${change.add}`, "unknown_tag");
      const siblings = tag.groupId && singleChoiceGroups.includes(tag.groupId) ? tags.filter((t) => t.groupId === tag.groupId && t.id !== tag.id).map((t) => t.id) : [];
      touched = [tag.id, ...siblings];
      this.ctx.transaction(() => {
        if (siblings.length > 0) {
          this.ctx.sql.exec("DELETE FROM contact_tags WHERE contact_id = ? AND tag_id IN (SELECT value FROM json_each(?))", id, JSON.stringify(siblings));
        }
        this.ctx.sql.exec("INSERT OR IGNORE INTO contact_tags (contact_id, tag_id, added_by, added_at) VALUES (?, ?, ?, ?)", id, tag.id, viewer.personId, this.ctx.now());
      });
    } else if (change.remove) {
      touched = [change.remove];
      this.ctx.sql.exec("DELETE FROM contact_tags WHERE contact_id = ? AND tag_id = ?", id, change.remove);
    }
    this.pushes.contact(id);
    return ok({ touched, before: before.filter((t) => touched.includes(t)) });
  }

  /** An undo: of the tags a change touched, the customer carries again exactly those they had before it. */
  restoreTags(actorId: string, contactId: number, touched: string[], before: string[]): void {
    this.ctx.transaction(() => {
      const dropped = touched.filter((t) => !before.includes(t));
      this.ctx.sql.exec("DELETE FROM contact_tags WHERE contact_id = ? AND tag_id IN (SELECT value FROM json_each(?))", contactId, JSON.stringify(dropped));
      for (const tagId of before) {
        this.ctx.sql.exec("INSERT OR IGNORE INTO contact_tags (contact_id, tag_id, added_by, added_at) VALUES (?, ?, ?, ?)", contactId, tagId, actorId, this.ctx.now());
      }
    });
    this.pushes.contact(contactId);
  }

  private tagIdsOf(contactId: number): string[] {
    return this.ctx.sql.exec<{ tag_id: string }>("SELECT tag_id FROM contact_tags WHERE contact_id = ?", contactId).toArray().map((t) => t.tag_id);
  }

  async setAttribute(viewer: Principal, contactId: string, key: string, value: unknown): Promise<Result<ContactProfile>> {
    const allowed = this.access.contact(viewer, contactId);
    if (!allowed.ok) return allowed;
    const def = this.settings.config().catalog.attributes.find((a) => a.key === key);
    if (!def) return refuse(404, `no contact attribute ${key}`, "attribute_unknown", { key });
    if (!def.agentsCanEdit && !seesEverything(viewer)) return refuse(403, `${key} is edited by supervisors only`, "attribute_supervisors_only", { key });
    const valid = validateAttribute(def, value);
    if (!valid.ok) return valid;
    const id = Number(contactId);
    if (valid.value === null) this.ctx.sql.exec("DELETE FROM contact_attributes WHERE contact_id = ? AND key = ?", id, key);
    else {
      this.ctx.sql.exec(
        `INSERT INTO contact_attributes (contact_id, key, value, updated_by, updated_by_name, updated_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (contact_id, key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by,
           updated_by_name = excluded.updated_by_name, updated_at = excluded.updated_at`,
        id,
        key,
        JSON.stringify(valid.value),
        viewer.personId,
        viewer.name,
        this.ctx.now(),
      );
    }
    this.pushes.contactChanged(id);
    return this.profile(viewer, contactId);
  }

  /**
   * The customer's language as an agent's device detected it (the panel sends it once per detection). Anyone who
   * may open the customer may say it; the same value again only dates the detection, and pushes nothing.
   */
  async setLanguage(viewer: Principal, contactId: string, language: string): Promise<Result<ContactProfile>> {
    const allowed = this.access.contact(viewer, contactId);
    if (!allowed.ok) return allowed;
    const id = Number(contactId);
    const changed = this.ctx.sql.exec("UPDATE contacts SET language = ? WHERE id = ? AND language IS NOT ?", language, id, language).rowsWritten > 0;
    // Detected again, even as the same language, is detected now: a merge keeps the latest detection (`absorb`).
    this.ctx.sql.exec("UPDATE contacts SET language_at = ? WHERE id = ?", this.ctx.now(), id);
    if (changed) this.pushes.contact(id);
    return this.profile(viewer, contactId);
  }

  /** How many contacts and conversations carry each tag here: the console says so before a tag is deleted. */
  tagUsage(): Record<string, { contacts: number; conversations: number }> {
    const rows = this.ctx.sql
      .exec<{ tag_id: string; contacts: number; conversations: number }>(
        `SELECT t.tag_id, COUNT(DISTINCT t.contact_id) AS contacts,
           (SELECT COUNT(*) FROM conversations c WHERE c.contact_id IN (SELECT contact_id FROM contact_tags x WHERE x.tag_id = t.tag_id)) AS conversations
         FROM contact_tags t GROUP BY t.tag_id`,
      )
      .toArray();
    return Object.fromEntries(rows.map((r) => [r.tag_id, { contacts: r.contacts, conversations: r.conversations }]));
  }

  /** A deleted tag comes off every contact; returns how many carried it. */
  removeTag(tagId: string): number {
    // The tag's blocks go first, so the trigger on each row below finds nothing left to take its customer out of.
    this.ctx.sql.exec("DELETE FROM tag_blocks WHERE tag_id = ?", tagId);
    const contacts = this.ctx.sql
      .exec<{ contact_id: number }>("DELETE FROM contact_tags WHERE tag_id = ? RETURNING contact_id", tagId)
      .toArray()
      .map((r) => r.contact_id);
    for (const id of contacts) this.pushes.contact(id);
    return contacts.length;
  }
}
