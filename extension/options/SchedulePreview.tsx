import { useId, useMemo } from "preact/hooks";
import { isOpen, upcomingChanges, type BusinessHours } from "../../shared/business-hours";
import type { Locale } from "../lib/i18n";
import { formatInZone } from "./schedule-edit";
import { tr } from "./strings";

const SHOWN = 6;

/** Whether the team is open now and its next openings and closings, on the schedule's own clock, as edited. */
export function SchedulePreview(props: { hours: BusinessHours; now: number; locale: Locale }) {
  const title = useId();
  const { open, changes } = useMemo(
    () => ({ open: isOpen(props.hours, props.now), changes: upcomingChanges(props.hours, props.now, SHOWN) }),
    [props.hours, props.now],
  );

  return (
    <section class="schedule-preview" aria-labelledby={title}>
      <h3 id={title}>{tr("options.automation.preview.title")}</h3>
      <p class={`open-state ${open ? "open" : "closed"}`}>
        <span class="dot" aria-hidden="true" />
        {tr(open ? "options.automation.openNow" : "options.automation.closedNow")}
      </p>
      {changes.length === 0 ? (
        <p class="muted">{tr("options.automation.neverOpen")}</p>
      ) : (
        <ol class="plain-list changes" aria-label={tr("options.automation.preview.changes")}>
          {changes.map((change) => (
            <li class={change.opens ? "opens" : "closes"}>
              <span class="change-kind">{tr(change.opens ? "options.automation.opens" : "options.automation.closes")}</span>{" "}
              <time dateTime={new Date(change.at).toISOString()}>{formatInZone(change.at, props.hours.timeZone, props.locale, props.now)}</time>
            </li>
          ))}
        </ol>
      )}
      <p class="muted">{tr("options.automation.preview.zone", { zone: props.hours.timeZone })}</p>
    </section>
  );
}
