import { useState } from "preact/hooks";
import type { TagGroup } from "../../shared/catalog";
import { tr } from "./strings";

/**
 * Adds a tag group; single choice means a contact carries at most one tag of the group (e.g. one tier).
 * `onCreate` tells whether the server took it: what was typed stays when it did not.
 */
export function TagGroupForm(props: { onCreate: (request: { name: string; singleChoice: boolean }) => Promise<boolean> }) {
  const [name, setName] = useState("");
  const [singleChoice, setSingleChoice] = useState(false);

  async function submit(event: Event) {
    event.preventDefault();
    if (!(await props.onCreate({ name: name.trim(), singleChoice }))) return;
    setName("");
    setSingleChoice(false);
  }

  return (
    <form class="inline-form" onSubmit={submit} aria-label={tr("options.tags.newGroup")}>
      <label class="stacked">
        {tr("options.tags.groupName")}
        <input required maxLength={60} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label class="checkbox">
        <input type="checkbox" checked={singleChoice} onChange={(e) => setSingleChoice(e.currentTarget.checked)} /> {tr("options.tags.singleChoice")}
      </label>
      <button type="submit">{tr("options.tags.addGroup")}</button>
    </form>
  );
}

/** Adds a tag; like the group form, it keeps what was typed when the server refuses. */
export function TagForm(props: { groups: TagGroup[]; onCreate: (request: { name: string; color: string; groupId: string | null }) => Promise<boolean> }) {
  const [name, setName] = useState("");
  const [color, setColor] = useState("#5b6770");
  const [groupId, setGroupId] = useState("");

  async function submit(event: Event) {
    event.preventDefault();
    if (await props.onCreate({ name: name.trim(), color, groupId: groupId || null })) setName("");
  }

  return (
    <form class="inline-form" onSubmit={submit} aria-label={tr("options.tags.newTag")}>
      <label class="stacked">
        {tr("options.tags.tagName")}
        <input required maxLength={60} value={name} onInput={(e) => setName(e.currentTarget.value)} />
      </label>
      <label class="stacked">
        {tr("options.tags.color")}
        <input type="color" value={color} onInput={(e) => setColor(e.currentTarget.value)} />
      </label>
      <label class="stacked">
        {tr("options.tags.group")}
        <select value={groupId} onChange={(e) => setGroupId(e.currentTarget.value)}>
          <option value="">{tr("options.tags.noGroup")}</option>
          {props.groups.map((g) => (
            <option value={g.id}>{g.name}</option>
          ))}
        </select>
      </label>
      <button type="submit">{tr("options.tags.addTag")}</button>
    </form>
  );
}
