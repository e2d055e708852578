import type { BusinessHours } from "../../shared/business-hours";
import type { Locale } from "../lib/i18n";
import { SchedulePreview } from "./SchedulePreview";
import { SpecialDates } from "./SpecialDates";
import { TimeZoneField } from "./TimeZoneField";
import { tr } from "./strings";
import { WeeklyHours } from "./WeeklyHours";

/** A number's business hours: zone, week and special dates, beside a preview of what they mean from now on. */
export function BusinessHoursEditor(props: { hours: BusinessHours; onChange: (hours: BusinessHours) => void; now: number; locale: Locale }) {
  const change = (next: Partial<BusinessHours>) => props.onChange({ ...props.hours, ...next });
  return (
    <section class="panel" aria-labelledby="business-hours-title">
      <h2 id="business-hours-title">{tr("options.automation.businessHours")}</h2>
      <p class="muted">{tr("options.automation.businessHoursHint")}</p>
      <div class="hours-layout">
        <div class="hours-edit">
          <TimeZoneField value={props.hours.timeZone} onChange={(timeZone) => change({ timeZone })} now={props.now} locale={props.locale} />
          <WeeklyHours weekly={props.hours.weekly} onChange={(weekly) => change({ weekly })} />
          <SpecialDates dates={props.hours.specialDates} onChange={(specialDates) => change({ specialDates })} />
        </div>
        <SchedulePreview hours={props.hours} now={props.now} locale={props.locale} />
      </div>
    </section>
  );
}
