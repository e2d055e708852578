import { localDate } from "../../shared/business-hours";
import type { NumberDetail } from "../../shared/numbers";
import { RANGE_PRESETS, withRange, type ReportForm } from "./report-query";
import { tr } from "./strings";

/**
 * The report's range, buckets, business-hours times and number. Each change asks for the report again at once;
 * hourly buckets are offered only for ranges of up to 31 days, as the server counts them.
 */
export function ReportFilters(props: { form: ReportForm; onChange: (form: ReportForm) => void; numbers: NumberDetail[]; hourly: boolean; timeZone: string | null }) {
  const { form, onChange } = props;
  const change = (patch: Partial<ReportForm>) => onChange({ ...form, ...patch });

  return (
    <form class="panel form report-filters" aria-label={tr("options.reports.filters")} onSubmit={(e) => e.preventDefault()}>
      <div class="form-grid">
        <label class="stacked">
          {tr("options.reports.range")}
          <select
            value={form.range}
            onChange={(e) => onChange(withRange(form, e.currentTarget.value as ReportForm["range"], localDate(Date.now(), props.timeZone ?? "UTC")))}
          >
            {RANGE_PRESETS.map((range) => (
              <option value={range}>{tr(`options.reports.range.${range}`)}</option>
            ))}
          </select>
        </label>
        {form.range === "custom" && (
          <>
            <label class="stacked">
              {tr("options.reports.from")}
              <input type="date" value={form.from} max={form.to || undefined} onChange={(e) => change({ from: e.currentTarget.value })} />
            </label>
            <label class="stacked">
              {tr("options.reports.to")}
              <input type="date" value={form.to} min={form.from || undefined} onChange={(e) => change({ to: e.currentTarget.value })} />
            </label>
          </>
        )}
        <label class="stacked">
          {tr("options.reports.number")}
          <select value={form.phoneNumberId} onChange={(e) => change({ phoneNumberId: e.currentTarget.value })}>
            <option value="">{tr("options.reports.allNumbers")}</option>
            {props.numbers.map((n) => (
              <option value={n.phoneNumberId}>{n.displayName}</option>
            ))}
          </select>
        </label>
        <fieldset class="radio-group">
          <legend>{tr("options.reports.buckets")}</legend>
          <label class="checkbox">
            <input
              type="radio"
              name="report-bucket"
              checked={form.bucket === "hour" && props.hourly}
              disabled={!props.hourly}
              aria-describedby={props.hourly ? undefined : "report-hourly-limit"}
              onChange={() => change({ bucket: "hour" })}
            />{" "}
            {tr("options.reports.hourly")}
          </label>
          <label class="checkbox">
            <input type="radio" name="report-bucket" checked={form.bucket === "day" || !props.hourly} onChange={() => change({ bucket: "day" })} /> {tr("options.reports.daily")}
          </label>
          {!props.hourly && (
            <p class="muted" id="report-hourly-limit">
              {tr("options.reports.hourlyLimit")}
            </p>
          )}
        </fieldset>
        <div>
          <label class="checkbox">
            <input type="checkbox" checked={form.businessHours} aria-describedby="report-hours-hint" onChange={(e) => change({ businessHours: e.currentTarget.checked })} />{" "}
            {tr("options.reports.businessHours")}
          </label>
          <p class="muted" id="report-hours-hint">
            {tr("options.reports.businessHoursHint")}
          </p>
        </div>
      </div>
      {props.timeZone && <p class="muted">{tr("options.reports.zoneLine", { zone: props.timeZone })}</p>}
    </form>
  );
}
