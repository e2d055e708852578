import { useId } from "preact/hooks";
import type { Locale } from "../lib/i18n";
import { formatInZone, zoneChoices } from "./schedule-edit";
import { tr } from "./strings";

/** A zone (a schedule's, the workspace's), from the common ones (and its own, if another), with the time it is there now. */
export function TimeZoneField(props: { value: string; onChange: (timeZone: string) => void; now: number; locale: Locale; label?: string }) {
  const localTime = useId();
  return (
    <div class="time-zone">
      <label class="stacked">
        {props.label ?? tr("options.automation.timeZone")}
        <select value={props.value} aria-describedby={localTime} onChange={(e) => props.onChange(e.currentTarget.value)}>
          {zoneChoices(props.value).map((zone) => (
            <option value={zone}>{zone}</option>
          ))}
        </select>
      </label>
      <p id={localTime} class="muted">
        {tr("options.automation.localTime", { time: formatInZone(props.now, props.value, props.locale) })}
      </p>
    </div>
  );
}
