import { useId, useLayoutEffect, useRef } from "preact/hooks";
import type { SpecialDate } from "../../shared/business-hours";
import { IntervalsEditor } from "./IntervalsEditor";
import { nextInterval, removeAt, replaceAt } from "./schedule-edit";
import { tr } from "./strings";

const MAX_DATES = 200;

/**
 * Holidays and other dated exceptions: each replaces its weekday's hours, closed all day or with hours of its
 * own. Each entry is a group named "Special date 2"; after adding, focus goes to the new date.
 */
export function SpecialDates(props: { dates: SpecialDate[]; onChange: (dates: SpecialDate[]) => void }) {
  const base = useId();
  const focusNext = useRef<string | null>(null);

  useLayoutEffect(() => {
    const target = focusNext.current;
    focusNext.current = null;
    if (target) document.getElementById(target)?.focus();
  }, [props.dates]);

  function update(index: number, change: Partial<SpecialDate>) {
    props.onChange(replaceAt(props.dates, index, { ...props.dates[index]!, ...change }));
  }

  function add() {
    focusNext.current = `${base}-date-${props.dates.length}`;
    props.onChange([...props.dates, { date: "", name: "", intervals: [] }]);
  }

  function remove(index: number) {
    focusNext.current = `${base}-add`;
    props.onChange(removeAt(props.dates, index));
  }

  return (
    <div class="special-dates">
      <h3>{tr("options.automation.specialDates")}</h3>
      <p class="muted">{tr("options.automation.specialHint")}</p>
      {props.dates.length === 0 && <p class="empty">{tr("options.automation.noSpecialDates")}</p>}
      {props.dates.map((special, index) => {
        const title = tr("options.automation.specialN", { n: index + 1 });
        const custom = special.intervals.length > 0;
        return (
          <fieldset class="special-date">
            <legend>{title}</legend>
            <div class="special-fields">
              <label class="stacked">
                <span class="visually-hidden">{title}: </span>
                {tr("options.automation.date")}
                <input id={`${base}-date-${index}`} type="date" required value={special.date} onInput={(e) => update(index, { date: e.currentTarget.value })} />
              </label>
              <label class="stacked">
                <span class="visually-hidden">{title}: </span>
                {tr("options.automation.dateName")}
                <input
                  type="text"
                  required
                  maxLength={60}
                  placeholder={tr("options.automation.dateNameExample")}
                  value={special.name}
                  onInput={(e) => update(index, { name: e.currentTarget.value })}
                />
              </label>
            </div>
            <div class="radio-row">
              <label class="checkbox">
                <input type="radio" name={`${base}-kind-${index}`} checked={!custom} onChange={() => update(index, { intervals: [] })} />
                <span class="visually-hidden">{title}: </span>
                {tr("options.automation.closedAllDay")}
              </label>
              <label class="checkbox">
                <input type="radio" name={`${base}-kind-${index}`} checked={custom} onChange={() => update(index, { intervals: [nextInterval([])] })} />
                <span class="visually-hidden">{title}: </span>
                {tr("options.automation.customHours")}
              </label>
            </div>
            {custom && <IntervalsEditor owner={title} minimum={1} intervals={special.intervals} onChange={(intervals) => update(index, { intervals })} />}
            <button type="button" class="small danger" aria-label={tr("options.automation.removeSpecial", { title })} onClick={() => remove(index)}>
              {tr("options.remove")}
            </button>
          </fieldset>
        );
      })}
      <button id={`${base}-add`} type="button" class="secondary" disabled={props.dates.length >= MAX_DATES} onClick={add}>
        {tr("options.automation.addSpecial")}
      </button>
    </div>
  );
}
