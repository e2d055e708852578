import type { ComponentChildren } from "preact";
import { useId } from "preact/hooks";

/** One automatic message: what it does, its on/off checkbox, and its settings while it is on. */
export function MessageFieldset(props: { legend: string; about: string; toggle: string; enabled: boolean; onToggle: (enabled: boolean) => void; children: ComponentChildren }) {
  const about = useId();
  return (
    <fieldset class={`message-settings ${props.enabled ? "on" : "off"}`}>
      <legend>{props.legend}</legend>
      <p id={about} class="muted">
        {props.about}
      </p>
      <label class="checkbox toggle">
        <input type="checkbox" checked={props.enabled} aria-describedby={about} onChange={(e) => props.onToggle(e.currentTarget.checked)} /> {props.toggle}
      </label>
      {props.enabled && <div class="message-body">{props.children}</div>}
    </fieldset>
  );
}
