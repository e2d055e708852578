import { useId, useState } from "preact/hooks";
import { tr } from "./strings";

/** A value to paste elsewhere (a link, a webhook URL): shown read-only, selectable, with a Copy button. */
export function CopyField(props: { label: string; value: string }) {
  const id = useId();
  const [copied, setCopied] = useState<boolean | null>(null);

  async function copy() {
    try {
      await navigator.clipboard.writeText(props.value);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  }

  return (
    <div class="copy-field">
      <label for={id}>{props.label}</label>
      <div class="copy-row">
        <input id={id} readOnly value={props.value} onFocus={(e) => e.currentTarget.select()} />
        <button type="button" aria-label={tr("options.copyLabel", { label: props.label })} onClick={() => void copy()}>
          {tr("options.copy")}
        </button>
      </div>
      <span class="copy-status" role="status">
        {copied === true ? tr("options.copied") : copied === false ? tr("options.copyFailed") : ""}
      </span>
    </div>
  );
}
