import { useEffect, useState } from "preact/hooks";
import type { AttributeDefinition, Catalog, ContactProfile } from "../../shared/catalog";
import type { ApiClient } from "../lib/api";
import { formatTime, getLocale, t } from "../lib/i18n";
import { TagChips } from "./TagChips";
import { X } from "./icons";
import { edited, freshDraft, savedChanged, takeSaved, type AttributeDraft } from "../lib/attribute-draft";

/** Who the customer is: profile, company tags (type-ahead), attributes edited in place, past conversations. */
export function CustomerPanel(props: {
  api: ApiClient;
  phoneNumberId: string;
  contactId: string;
  /** Bumped when the customer's details change on the server (a colleague's edit): read them again. */
  version: number;
  catalog: Catalog | null;
  nameOf: (agentId: string | null) => string;
  onClose: () => void;
}) {
  const [profile, setProfile] = useState<ContactProfile | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [tagQuery, setTagQuery] = useState("");

  useEffect(() => {
    props.api
      .contact(props.phoneNumberId, props.contactId)
      .then(setProfile)
      .catch((e: Error) => setError(e.message));
  }, [props.contactId, props.version]);

  async function change(action: Promise<ContactProfile>) {
    setError(null);
    try {
      setProfile(await action);
    } catch (e) {
      setError((e as Error).message);
    }
  }

  const tags = props.catalog?.tags ?? [];
  const groups = props.catalog?.tagGroups ?? [];
  const has = new Set(profile?.tags.map((x) => x.tagId));
  const matches = tagQuery.trim() ? tags.filter((x) => !has.has(x.id) && x.name.includes(tagQuery.trim())).slice(0, 8) : [];
  return (
    <section class="customer-panel" aria-label={t("customer.title")}>
      <header>
        <h3>{t("customer.title")}</h3>
        <button type="button" class="icon-button dark" aria-label={t("customer.close")} onClick={props.onClose}>
          <X />
        </button>
      </header>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {profile && (
        <>
          <dl class="profile">
            <dt>{t("customer.phone")}</dt>
            <dd>{profile.waId ? `+${profile.waId}` : "—"}</dd>
            <dt>{t("customer.profileName")}</dt>
            <dd>{profile.profileName ?? "—"}</dd>
            <dt>{t("customer.firstSeen")}</dt>
            <dd>{formatTime(profile.firstSeenAt)}</dd>
          </dl>
          <h4>{t("customer.tags")}</h4>
          <TagChips
            ids={profile.tags.map((x) => x.tagId)}
            tags={tags}
            removeLabel={(name) => t("customer.removeTag", { tag: name })}
            onRemove={(id) => void change(props.api.changeTag(props.phoneNumberId, props.contactId, { remove: id }))}
          />
          <label class="visually-hidden" for="tag-input">
            {t("customer.addTag")}
          </label>
          <input id="tag-input" class="tag-input" placeholder={t("customer.addTag")} value={tagQuery} onInput={(e) => setTagQuery(e.currentTarget.value)} />
          {matches.length > 0 && (
            <ul class="tag-suggestions" role="listbox" aria-label={t("customer.addTag")}>
              {matches.map((tag) => (
                <li>
                  <button
                    type="button"
                    role="option"
                    onClick={() => {
                      setTagQuery("");
                      void change(props.api.changeTag(props.phoneNumberId, props.contactId, { add: tag.id }));
                    }}
                  >
                    {tag.name}
                    <small> · {groups.find((g) => g.id === tag.groupId)?.name ?? ""}</small>
                  </button>
                </li>
              ))}
            </ul>
          )}
          <h4>{t("customer.attributes")}</h4>
          {(props.catalog?.attributes ?? []).map((def) => (
            <AttributeField
              def={def}
              current={profile.attributes.find((a) => a.key === def.key)}
              nameOf={props.nameOf}
              onSave={(value) => change(props.api.setAttribute(props.phoneNumberId, props.contactId, def.key, value))}
            />
          ))}
          <h4>{t("customer.past")}</h4>
          <ul class="past">
            {profile.conversations.map((c) => (
              <li>
                {formatTime(c.createdAt)} · {c.status} · {c.lastMessagePreview}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}

function AttributeField(props: {
  def: AttributeDefinition;
  current: ContactProfile["attributes"][number] | undefined;
  nameOf: (id: string | null) => string;
  onSave: (value: unknown) => Promise<void>;
}) {
  const { def, current } = props;
  const label = getLocale() === "zh" ? def.labelZh : def.labelEn;
  const savedValue = current?.value ?? (def.type === "checkbox" ? false : def.type === "multi_choice" ? [] : "");
  const [draft, setDraft] = useState<AttributeDraft>(() => freshDraft(savedValue));
  useEffect(() => setDraft((d) => savedChanged(d, savedValue)), [current?.updatedAt]);
  const value = draft.value;
  const setValue = (next: unknown) => setDraft((d) => edited(d, next));
  const id = `attr-${def.key}`;
  const input =
    def.type === "checkbox" ? (
      <input id={id} type="checkbox" checked={value === true} onChange={(e) => setValue(e.currentTarget.checked)} />
    ) : def.type === "single_choice" ? (
      <select id={id} value={String(value ?? "")} onChange={(e) => setValue(e.currentTarget.value)}>
        <option value="">—</option>
        {def.options.map((o) => (
          <option value={o}>{o}</option>
        ))}
      </select>
    ) : def.type === "multi_choice" ? (
      <select id={id} multiple onChange={(e) => setValue([...e.currentTarget.selectedOptions].map((o) => o.value))}>
        {def.options.map((o) => (
          <option value={o} selected={((value as string[]) ?? []).includes(o)}>
            {o}
          </option>
        ))}
      </select>
    ) : (
      <input
        id={id}
        type={(def.type === "number" ? "number" : def.type === "date" ? "date" : def.type === "link" ? "url" : "text") as "text"}
        value={String(value ?? "")}
        onInput={(e) => setValue(e.currentTarget.value)}
      />
    );
  return (
    <form
      class="attribute"
      onSubmit={(e) => {
        e.preventDefault();
        void props.onSave(def.type === "number" && value !== "" ? Number(value) : value);
      }}
    >
      <label for={id}>{label}</label>
      <div class="attribute-row">
        {input}
        <button type="submit" disabled={!def.agentsCanEdit} aria-label={t("customer.edit", { field: label })}>
          {t("customer.save")}
        </button>
      </div>
      {current && <small>{t("customer.saved", { who: savedBy(current, props.nameOf), when: formatTime(current.updatedAt) })}</small>}
      {draft.conflict && (
        <p class="attribute-conflict" role="status">
          {current ? t("customer.changedMeanwhile", { who: savedBy(current, props.nameOf), value: shownValue(draft.saved) }) : t("customer.clearedMeanwhile")}{" "}
          <button type="button" class="link-button" onClick={() => setDraft(takeSaved)}>
            {t("customer.takeSaved")}
          </button>
        </p>
      )}
    </form>
  );
}

/** A saved value as the conflict line quotes it. */
function shownValue(value: unknown): string {
  if (Array.isArray(value)) return value.join(", ");
  if (value === true) return "✓";
  if (value === false || value === null || value === undefined || value === "") return "—";
  return String(value);
}

/** Who saved an attribute: the name kept with it (an admin off the number's roster too), else the roster's. */
function savedBy(attribute: ContactProfile["attributes"][number], nameOf: (id: string | null) => string): string {
  return attribute.updatedByName ?? (nameOf(attribute.updatedBy) || "—");
}
