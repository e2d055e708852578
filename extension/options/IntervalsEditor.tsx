import { useId, useLayoutEffect, useRef } from "preact/hooks";
import type { TimeInterval } from "../../shared/business-hours";
import { nextInterval, removeAt, replaceAt, runsPastMidnight } from "./schedule-edit";
import { tr } from "./strings";

const TIME = /^([01]\d|2[0-3]):[0-5]\d$/;
const MAX_INTERVALS = 6;

/**
 * The opening intervals of one day (a weekday, or a special date): start and end times, each named after the day
 * for screen readers. An end at or before the start is allowed and said to run past midnight. After adding, focus
 * goes to the new start time; after removing, to "Add interval".
 */
export function IntervalsEditor(props: {
  intervals: TimeInterval[];
  onChange: (intervals: TimeInterval[]) => void;
  /** The day's name, in every control's accessible name: "Monday", "Special date 2". */
  owner: string;
  /** Fewest intervals the list may have (a special date with its own hours keeps one). */
  minimum?: number;
}) {
  const base = useId();
  const id = (what: string) => `${base}-${what}`;
  const focusNext = useRef<string | null>(null);

  useLayoutEffect(() => {
    const target = focusNext.current;
    focusNext.current = null;
    if (target) document.getElementById(target)?.focus();
  }, [props.intervals]);

  // A cleared or half-typed time is not reported: the field is required, so the form is not sent until it is whole.
  function set(index: number, part: keyof TimeInterval, value: string) {
    if (TIME.test(value)) props.onChange(replaceAt(props.intervals, index, { ...props.intervals[index]!, [part]: value }));
  }

  function add() {
    focusNext.current = id(`start-${props.intervals.length}`);
    props.onChange([...props.intervals, nextInterval(props.intervals)]);
  }

  function remove(index: number) {
    focusNext.current = id("add");
    props.onChange(removeAt(props.intervals, index));
  }

  const owner = props.owner;
  return (
    <div class="intervals">
      {props.intervals.length === 0 ? (
        <p class="closed-day">{tr("options.automation.closed")}</p>
      ) : (
        <ul class="plain-list interval-list">
          {props.intervals.map((interval, index) => {
            const n = index + 1;
            const overnight = runsPastMidnight(interval);
            return (
              <li class="interval-row">
                <input
                  id={id(`start-${index}`)}
                  type="time"
                  required
                  aria-label={tr("options.automation.intervalStart", { owner, n })}
                  value={interval.start}
                  onInput={(e) => set(index, "start", e.currentTarget.value)}
                />
                <span aria-hidden="true">–</span>
                <input
                  type="time"
                  required
                  aria-label={tr("options.automation.intervalEnd", { owner, n })}
                  aria-describedby={overnight ? id(`night-${index}`) : undefined}
                  value={interval.end}
                  onInput={(e) => set(index, "end", e.currentTarget.value)}
                />
                {overnight && (
                  <span id={id(`night-${index}`)} class="overnight">
                    {tr("options.automation.pastMidnight")}
                  </span>
                )}
                {props.intervals.length > (props.minimum ?? 0) && (
                  <button type="button" class="small secondary" aria-label={tr("options.automation.removeInterval", { owner, n })} onClick={() => remove(index)}>
                    {tr("options.remove")}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <button
        id={id("add")}
        type="button"
        class="small secondary"
        aria-label={tr("options.automation.addIntervalTo", { owner })}
        disabled={props.intervals.length >= MAX_INTERVALS}
        onClick={add}
      >
        {tr("options.automation.addInterval")}
      </button>
    </div>
  );
}
