import type { NumberDetail } from "../../shared/numbers";
import { tr } from "./strings";

/** Which number a per-number page (assignment rules, automation) shows. */
export function NumberPicker(props: { numbers: NumberDetail[]; value: string | null; onChange: (phoneNumberId: string) => void }) {
  return (
    <label class="stacked number-picker">
      {tr("options.rules.number")}
      <select value={props.value ?? ""} onChange={(e) => props.onChange(e.currentTarget.value)}>
        {props.numbers.map((n) => (
          <option value={n.phoneNumberId}>
            {n.displayName} ({n.displayPhoneNumber})
          </option>
        ))}
      </select>
    </label>
  );
}
