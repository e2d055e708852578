import { describe, expect, it } from "vitest";
import { zonedInstant } from "../../shared/business-hours";
import { bucketTicks } from "../../extension/options/chart-options";
import { DEFAULT_FORM, hourlyAllowed, parseReportHash, rangeOf, reportHash, reportParams, withRange, type ReportForm } from "../../extension/options/report-query";

const SHANGHAI = "Asia/Shanghai";
// 2026-03-10 15:30 in Shanghai.
const NOW = zonedInstant("2026-03-10", "15:30", SHANGHAI);
const form = (patch: Partial<ReportForm>): ReportForm => ({ ...DEFAULT_FORM, ...patch });

describe("report ranges on the workspace's clock", () => {
  it("runs a preset from midnight of its first local day to now", () => {
    expect(rangeOf(form({ range: "today" }), NOW, SHANGHAI)).toEqual({ from: zonedInstant("2026-03-10", "00:00", SHANGHAI), to: NOW });
    expect(rangeOf(form({ range: "last7" }), NOW, SHANGHAI)).toEqual({ from: zonedInstant("2026-03-04", "00:00", SHANGHAI), to: NOW });
    expect(rangeOf(form({ range: "last30" }), NOW, SHANGHAI)).toEqual({ from: zonedInstant("2026-02-09", "00:00", SHANGHAI), to: NOW });
    expect(rangeOf(form({ range: "last365" }), NOW, SHANGHAI)).toEqual({ from: zonedInstant("2025-03-11", "00:00", SHANGHAI), to: NOW });
  });

  it("counts local days in the zone asked for, across a daylight-saving change", () => {
    // New York springs forward on 2026-03-08: the last 7 days start at that zone's midnight of 03-04.
    const ny = "America/New_York";
    const range = rangeOf(form({ range: "last7" }), NOW, ny);
    expect(range).toEqual({ from: zonedInstant("2026-03-04", "00:00", ny), to: NOW });
  });

  it("includes a custom range's last day and refuses a missing, reversed or over-long one", () => {
    expect(rangeOf(form({ range: "custom", from: "2026-01-01", to: "2026-01-31" }), NOW, SHANGHAI)).toEqual({
      from: zonedInstant("2026-01-01", "00:00", SHANGHAI),
      to: zonedInstant("2026-02-01", "00:00", SHANGHAI),
    });
    expect(rangeOf(form({ range: "custom", from: "2026-01-01", to: "" }), NOW, SHANGHAI)).toEqual({ error: "missingDates" });
    expect(rangeOf(form({ range: "custom", from: "2026-02-01", to: "2026-01-01" }), NOW, SHANGHAI)).toEqual({ error: "toBeforeFrom" });
    expect("error" in rangeOf(form({ range: "custom", from: "2024-01-01", to: "2024-12-31" }), NOW, SHANGHAI)).toBe(false); // 366 days, a leap year
    expect(rangeOf(form({ range: "custom", from: "2024-01-01", to: "2025-01-01" }), NOW, SHANGHAI)).toEqual({ error: "tooLong" });
  });

  it("asks for hourly buckets only up to 31 days, and daily otherwise", () => {
    const month = rangeOf(form({ range: "last30" }), NOW, SHANGHAI) as { from: number; to: number };
    expect(hourlyAllowed(month)).toBe(true);
    expect(reportParams(form({ range: "last30", bucket: "hour" }), NOW, SHANGHAI)).toMatchObject({ bucket: "hour" });
    expect(reportParams(form({ range: "last365", bucket: "hour" }), NOW, SHANGHAI)).toMatchObject({ bucket: "day" });
    expect(reportParams(form({ range: "custom", from: "2026-01-01", to: "2026-02-01" }), NOW, SHANGHAI)).toMatchObject({ bucket: "day" });
    expect(hourlyAllowed(rangeOf(form({ range: "custom", from: "2026-01-01", to: "2026-02-01" }), NOW, SHANGHAI) as { from: number; to: number })).toBe(false);
  });

  it("sends the number and business-hours choice as given, and no number for all of them", () => {
    expect(reportParams(form({ businessHours: true, phoneNumberId: "105550100" }), NOW, SHANGHAI)).toMatchObject({ businessHours: true, phoneNumberId: "105550100" });
    expect(reportParams(form({}), NOW, SHANGHAI)).not.toHaveProperty("phoneNumberId");
  });

  it("reads today by the hour and longer presets by the day when a range is picked", () => {
    expect(withRange(DEFAULT_FORM, "today", "2026-03-10").bucket).toBe("hour");
    expect(withRange(form({ bucket: "hour" }), "last7", "2026-03-10").bucket).toBe("day");
    expect(withRange(form({ bucket: "hour" }), "custom", "2026-03-10").bucket).toBe("hour");
  });

  it("starts custom dates as the last 7 days, keeping dates already picked", () => {
    expect(withRange(DEFAULT_FORM, "custom", "2026-03-01")).toMatchObject({ range: "custom", from: "2026-02-23", to: "2026-03-01" });
    expect(withRange(form({ from: "2026-01-05", to: "2026-01-09" }), "custom", "2026-03-01")).toMatchObject({ from: "2026-01-05", to: "2026-01-09" });
    expect(withRange(form({ range: "custom", from: "2026-01-05", to: "2026-01-09" }), "last30", "2026-03-01")).toMatchObject({ range: "last30", from: "", to: "" });
  });
});

describe("the report's address", () => {
  it("is plain #reports for the default report and round-trips every choice", () => {
    expect(reportHash(DEFAULT_FORM, "overview")).toBe("#reports");
    const custom = form({ range: "custom", from: "2026-01-01", to: "2026-01-31", bucket: "hour", businessHours: true, phoneNumberId: "105550100" });
    const hash = reportHash(custom, "notable");
    expect(parseReportHash(hash)).toEqual({ form: custom, tab: "notable" });
    expect(parseReportHash("#reports")).toEqual({ form: DEFAULT_FORM, tab: "overview" });
    const today = withRange(DEFAULT_FORM, "today", "2026-03-10");
    expect(parseReportHash(reportHash(today, "agents"))).toEqual({ form: today, tab: "agents" });
  });

  it("falls back to the defaults for anything unknown", () => {
    expect(parseReportHash("#reports?range=forever&tab=secret&bucket=minute")).toEqual({ form: DEFAULT_FORM, tab: "overview" });
  });
});

describe("chart ticks", () => {
  it("labels at most about ten whole buckets", () => {
    expect(bucketTicks(7)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(bucketTicks(24)).toEqual([0, 3, 6, 9, 12, 15, 18, 21]);
    expect(bucketTicks(720).length).toBeLessThanOrEqual(10);
    expect(bucketTicks(0)).toEqual([]);
  });
});
