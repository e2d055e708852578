import { useState } from "preact/hooks";
import { ErrorAlert, messageOf } from "./ErrorAlert";
import { tr } from "./strings";

/** A name shown as text with a Rename button, which turns it into a field: Enter saves, Escape gives up. */
export function InlineName(props: { value: string; onSave: (name: string) => Promise<void> }) {
  const [editing, setEditing] = useState(false);
  const [name, setName] = useState(props.value);
  const [error, setError] = useState<string | null>(null);

  async function save(event: Event) {
    event.preventDefault();
    setError(null);
    try {
      if (name.trim() !== props.value) await props.onSave(name.trim());
      setEditing(false);
    } catch (e) {
      setError(messageOf(e));
    }
  }

  if (!editing) {
    return (
      <span class="inline-name">
        <span class="name">{props.value}</span>
        <button
          type="button"
          class="small secondary"
          aria-label={tr("options.renameLabel", { name: props.value })}
          onClick={() => {
            setName(props.value);
            setEditing(true);
          }}
        >
          {tr("options.rename")}
        </button>
      </span>
    );
  }
  return (
    <form class="inline-name editing" onSubmit={save}>
      <input
        aria-label={tr("options.newNameLabel", { name: props.value })}
        required
        maxLength={60}
        value={name}
        autoFocus
        onInput={(e) => setName(e.currentTarget.value)}
        onKeyDown={(e) => e.key === "Escape" && setEditing(false)}
      />
      <button type="submit" class="small">
        {tr("options.save")}
      </button>
      <button type="button" class="small secondary" onClick={() => setEditing(false)}>
        {tr("options.cancel")}
      </button>
      <ErrorAlert error={error} />
    </form>
  );
}
