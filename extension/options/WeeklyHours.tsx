import { useId, useState } from "preact/hooks";
import type { TimeInterval } from "../../shared/business-hours";
import { IntervalsEditor } from "./IntervalsEditor";
import { copyMondayToWeekdays, replaceAt, WEEK_ON_SCREEN, type Weekday } from "./schedule-edit";
import { tr } from "./strings";

export const DAY_NAME = {
  0: "options.automation.day.0",
  1: "options.automation.day.1",
  2: "options.automation.day.2",
  3: "options.automation.day.3",
  4: "options.automation.day.4",
  5: "options.automation.day.5",
  6: "options.automation.day.6",
} as const satisfies Record<Weekday, string>;

/** The week as a table, Monday first on screen; `weekly` stays Sunday first, as the schema keeps it. */
export function WeeklyHours(props: { weekly: TimeInterval[][]; onChange: (weekly: TimeInterval[][]) => void }) {
  const title = useId();
  const [announcement, setAnnouncement] = useState("");

  function copyMonday() {
    props.onChange(copyMondayToWeekdays(props.weekly));
    setAnnouncement(tr("options.automation.copiedMonday"));
  }

  return (
    <div class="weekly">
      <h3 id={title}>{tr("options.automation.weekly")}</h3>
      <table class="weekly-table" aria-labelledby={title}>
        <thead>
          <tr>
            <th scope="col">{tr("options.automation.day")}</th>
            <th scope="col">{tr("options.automation.hours")}</th>
          </tr>
        </thead>
        <tbody>
          {WEEK_ON_SCREEN.map((weekday) => (
            <tr>
              <th scope="row">{tr(DAY_NAME[weekday])}</th>
              <td>
                <IntervalsEditor
                  owner={tr(DAY_NAME[weekday])}
                  intervals={props.weekly[weekday] ?? []}
                  onChange={(intervals) => props.onChange(replaceAt(props.weekly, weekday, intervals))}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" class="secondary copy-monday" onClick={copyMonday}>
        {tr("options.automation.copyMonday")}
      </button>
      <p class="visually-hidden" role="status">
        {announcement}
      </p>
    </div>
  );
}
