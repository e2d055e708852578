import { useState } from "preact/hooks";
import { convertDelay, DELAY_LIMITS, fromUnit, inUnit, unitFor, type DelayUnit } from "./automation-preview";
import { NumberField } from "./NumberField";
import { tr } from "./strings";

/** Auto-resolve's silence, kept in minutes (1 to 4320) and typed in minutes or whole hours. */
export function AutoResolveDelay(props: { minutes: number; onChange: (minutes: number) => void }) {
  const [unit, setUnit] = useState<DelayUnit>(unitFor(props.minutes));
  const limits = DELAY_LIMITS[unit];

  function changeUnit(next: DelayUnit) {
    setUnit(next);
    props.onChange(convertDelay(props.minutes, next));
  }

  return (
    <div class="delay-row">
      {/* A new unit starts a new field, showing the delay converted to it. */}
      <NumberField
        key={unit}
        label={tr("options.automation.resolveAfter")}
        value={inUnit(props.minutes, unit)}
        min={limits.min}
        max={limits.max}
        onChange={(value) => value !== null && props.onChange(fromUnit(value, unit))}
      />
      <label class="stacked">
        {tr("options.automation.unit")}
        <select value={unit} onChange={(e) => changeUnit(e.currentTarget.value as DelayUnit)}>
          <option value="minutes">{tr("options.automation.unit.minutes")}</option>
          <option value="hours">{tr("options.automation.unit.hours")}</option>
        </select>
      </label>
    </div>
  );
}
