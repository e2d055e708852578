import { useState } from "preact/hooks";
import type { Tag, TagGroup } from "../../shared/catalog";
import type { Me } from "../../shared/people";
import type { ConsoleClient } from "../lib/console-api";
import { ConfirmDialog } from "./ConfirmDialog";
import { ErrorAlert, messageOf } from "./ErrorAlert";
import { InlineName } from "./InlineName";
import { tr } from "./strings";
import { TagGroupForm, TagForm } from "./TagForms";
import { useLoad } from "./useLoad";

type Deleting = { kind: "tag"; tag: Tag } | { kind: "group"; group: TagGroup };

/** Company tags and their groups. Contacts carry a tag's id, so a rename shows everywhere at once. */
export function TagsPage(props: { api: ConsoleClient; me: Me }) {
  const catalog = useLoad(() => props.api.catalog());
  const usage = useLoad(() => props.api.tagUsage().then((r) => r.usage));
  const [deleting, setDeleting] = useState<Deleting | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [report, setReport] = useState("");
  const groups = catalog.data?.tagGroups ?? [];
  const tags = catalog.data?.tags ?? [];

  /** Saves one change and reads the catalog again, so every list on the page agrees with the server. */
  async function apply(change: Promise<unknown>): Promise<boolean> {
    setError(null);
    try {
      await change;
      await catalog.reload();
      return true;
    } catch (e) {
      setError(messageOf(e));
      return false;
    }
  }

  /** A rename keeps its refusal beside the field being edited. */
  async function rename(change: Promise<unknown>): Promise<void> {
    await change;
    await catalog.reload();
  }

  function deleteMessage(tag: Tag): string {
    const counts = usage.data?.[tag.id];
    return counts
      ? tr("options.tags.deleteMessage", { conversations: counts.conversations, contacts: counts.contacts })
      : tr("options.tags.deleteMessageUnknown");
  }

  const sections: { id: string | null; name: string }[] = [...groups.map((g) => ({ id: g.id as string | null, name: g.name })), { id: null, name: tr("options.tags.ungrouped") }];

  return (
    <>
      <ErrorAlert error={catalog.error ?? usage.error ?? error} />
      <p class="saved" role="status">
        {report}
      </p>
      <section class="panel" aria-labelledby="groups-title">
        <h2 id="groups-title">{tr("options.tags.groups")}</h2>
        {groups.length === 0 && <p class="empty">{tr("options.tags.noGroups")}</p>}
        <ul class="plain-list">
          {groups.map((group) => (
            <li key={group.id} class="list-row">
              <InlineName value={group.name} onSave={(name) => rename(props.api.updateTagGroup(group.id, { name }))} />
              <label class="checkbox">
                <input
                  type="checkbox"
                  checked={group.singleChoice}
                  aria-label={tr("options.tags.singleChoiceOf", { name: group.name })}
                  onChange={(e) => void apply(props.api.updateTagGroup(group.id, { singleChoice: e.currentTarget.checked }))}
                />{" "}
                {tr("options.tags.singleChoice")}
              </label>
              <button type="button" class="small danger" aria-label={`${tr("options.delete")} ${group.name}`} onClick={() => setDeleting({ kind: "group", group })}>
                {tr("options.delete")}
              </button>
            </li>
          ))}
        </ul>
        <TagGroupForm onCreate={(request) => apply(props.api.createTagGroup(request))} />
      </section>

      <section class="panel" aria-labelledby="tags-title">
        <h2 id="tags-title">{tr("options.tags.tags")}</h2>
        {sections.map((section) => {
          const inSection = tags.filter((tag) => tag.groupId === section.id);
          if (inSection.length === 0) return null;
          return (
            <div class="tag-section">
              <h3>{section.name}</h3>
              <ul class="plain-list">
                {inSection.map((tag) => {
                  const counts = usage.data?.[tag.id];
                  return (
                    <li key={tag.id} class="list-row">
                      <span class="swatch" style={{ background: tag.color }} aria-hidden="true" />
                      <InlineName value={tag.name} onSave={(name) => rename(props.api.updateTag(tag.id, { name }))} />
                      <label class="inline-label">
                        {tr("options.tags.color")}
                        <input
                          type="color"
                          value={tag.color}
                          aria-label={tr("options.tags.colorOf", { name: tag.name })}
                          onChange={(e) => void apply(props.api.updateTag(tag.id, { color: e.currentTarget.value }))}
                        />
                      </label>
                      <label class="inline-label">
                        {tr("options.tags.group")}
                        <select
                          value={tag.groupId ?? ""}
                          aria-label={tr("options.tags.groupOf", { name: tag.name })}
                          onChange={(e) => void apply(props.api.updateTag(tag.id, { groupId: e.currentTarget.value || null }))}
                        >
                          <option value="">{tr("options.tags.noGroup")}</option>
                          {groups.map((g) => (
                            <option value={g.id}>{g.name}</option>
                          ))}
                        </select>
                      </label>
                      <span class="muted">{counts ? tr("options.tags.usage", { conversations: counts.conversations, contacts: counts.contacts }) : ""}</span>
                      <button type="button" class="small danger" aria-label={`${tr("options.delete")} ${tag.name}`} onClick={() => setDeleting({ kind: "tag", tag })}>
                        {tr("options.delete")}
                      </button>
                    </li>
                  );
                })}
              </ul>
            </div>
          );
        })}
        {tags.length === 0 && <p class="empty">{tr("options.tags.noTags")}</p>}
        <TagForm groups={groups} onCreate={(request) => apply(props.api.createTag(request))} />
      </section>

      {deleting?.kind === "tag" && (
        <ConfirmDialog
          title={tr("options.tags.deleteTitle", { name: deleting.tag.name })}
          message={deleteMessage(deleting.tag)}
          confirmLabel={tr("options.delete")}
          onCancel={() => setDeleting(null)}
          onConfirm={async () => {
            const { removedFrom } = await props.api.deleteTag(deleting.tag.id);
            setReport(tr("options.tags.deleted", { name: deleting.tag.name, n: removedFrom }));
            setDeleting(null);
            await Promise.all([catalog.reload(), usage.reload()]);
          }}
        />
      )}
      {deleting?.kind === "group" && (
        <ConfirmDialog
          title={tr("options.tags.deleteGroupTitle", { name: deleting.group.name })}
          message={tr("options.tags.deleteGroupMessage")}
          confirmLabel={tr("options.delete")}
          onCancel={() => setDeleting(null)}
          onConfirm={async () => {
            await props.api.deleteTagGroup(deleting.group.id);
            setReport(tr("options.tags.groupDeleted", { name: deleting.group.name }));
            setDeleting(null);
            await catalog.reload();
          }}
        />
      )}
    </>
  );
}
