import { useState } from "preact/hooks";

/**
 * A whole-number input that keeps what is typed (a half-typed or cleared field is not snapped back) and reports
 * only values that parse: a number, or null for an empty field when empty has a meaning ("off", "default").
 */
export function NumberField(props: {
  label: string;
  value: number | null;
  onChange: (value: number | null) => void;
  min: number;
  max: number;
  /** Shown in an empty field when empty means something; without it the field is required. */
  emptyMeans?: string;
  describedBy?: string;
}) {
  const [text, setText] = useState(props.value === null ? "" : String(props.value));

  function input(next: string) {
    setText(next);
    if (next.trim() === "") {
      if (props.emptyMeans !== undefined) props.onChange(null);
      return;
    }
    const value = Number(next);
    if (Number.isInteger(value) && value >= props.min && value <= props.max) props.onChange(value);
  }

  return (
    <label class="stacked">
      {props.label}
      <input
        type="number"
        min={props.min}
        max={props.max}
        step={1}
        required={props.emptyMeans === undefined}
        placeholder={props.emptyMeans}
        aria-describedby={props.describedBy}
        value={text}
        onInput={(e) => input(e.currentTarget.value)}
      />
    </label>
  );
}
