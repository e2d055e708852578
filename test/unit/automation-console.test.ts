import { describe, expect, it } from "vitest";
import { defaultAutomationSettings } from "../../shared/automation";
import { fillAutomationText } from "../../shared/automation-text";
import type { BusinessHours, TimeInterval } from "../../shared/business-hours";
import { convertDelay, fromUnit, inUnit, placeholderList, sampleBackAt, sampleValues, unitFor } from "../../extension/options/automation-preview";
import { copyMondayToWeekdays, formatInZone, nextInterval, runsPastMidnight, todayIn, WEEK_ON_SCREEN, zoneChoices } from "../../extension/options/schedule-edit";

const at = (iso: string) => Date.parse(iso);
const nine2six: TimeInterval[] = [{ start: "09:00", end: "18:00" }];
const shanghai: BusinessHours = { timeZone: "Asia/Shanghai", weekly: [[], nine2six, nine2six, nine2six, nine2six, nine2six, []], specialDates: [] };

describe("the week on screen", () => {
  it("shows Monday first while the data stays Sunday first", () => {
    expect(WEEK_ON_SCREEN).toEqual([1, 2, 3, 4, 5, 6, 0]);
  });

  it("copies Monday's intervals to Tuesday..Friday only, as copies", () => {
    const weekly = [[{ start: "10:00", end: "14:00" }], [{ start: "08:00", end: "12:00" }, { start: "13:00", end: "17:00" }], [], nine2six, [], [], [{ start: "10:00", end: "16:00" }]];
    const copied = copyMondayToWeekdays(weekly);
    expect(copied[0]).toBe(weekly[0]);
    expect(copied[6]).toBe(weekly[6]);
    for (const day of [2, 3, 4, 5]) expect(copied[day]).toEqual(weekly[1]);
    copied[2]![0]!.start = "07:00";
    expect(weekly[1]![0]!.start).toBe("08:00");
    expect(copied[3]![0]!.start).toBe("08:00");
  });

  it("says an end at or before the start runs past midnight", () => {
    expect(runsPastMidnight({ start: "22:00", end: "02:00" })).toBe(true);
    expect(runsPastMidnight({ start: "09:00", end: "09:00" })).toBe(true);
    expect(runsPastMidnight({ start: "09:00", end: "18:00" })).toBe(false);
  });

  it("proposes 09:00–18:00 on a closed day, else an interval an hour after the last", () => {
    expect(nextInterval([])).toEqual({ start: "09:00", end: "18:00" });
    expect(nextInterval([{ start: "09:00", end: "12:00" }])).toEqual({ start: "13:00", end: "17:00" });
    expect(nextInterval([{ start: "18:00", end: "23:30" }])).toEqual({ start: "00:30", end: "04:30" });
  });

  it("offers the common zones, and the schedule's own first when it is another", () => {
    expect(zoneChoices("Asia/Shanghai")).not.toContain("Australia/Sydney");
    expect(zoneChoices("Australia/Sydney")[0]).toBe("Australia/Sydney");
    expect(zoneChoices("Australia/Sydney")).toHaveLength(10);
  });
});

describe("times on the schedule's own clock", () => {
  it("formats an instant in the zone, whatever the viewer's zone, with the year only when it differs", () => {
    const mondayNine = at("2026-10-05T01:00:00Z"); // 09:00 in Shanghai, 21:00 the day before in New York
    expect(formatInZone(mondayNine, "Asia/Shanghai", "en")).toBe("Mon, Oct 5, 09:00");
    expect(formatInZone(mondayNine, "Asia/Shanghai", "zh")).toBe("10月5日 周一 09:00");
    expect(formatInZone(mondayNine, "America/New_York", "en")).toBe("Sun, Oct 4, 21:00");
    const newYear = at("2027-01-01T01:00:00Z");
    expect(formatInZone(newYear, "Asia/Shanghai", "en", at("2026-12-31T01:00:00Z"))).toBe("Fri, Jan 1, 2027, 09:00");
    expect(formatInZone(newYear, "Asia/Shanghai", "zh", at("2026-12-31T01:00:00Z"))).toBe("2027年1月1日 周五 09:00");
  });

  it("gives today's date in the zone", () => {
    expect(todayIn(at("2026-10-04T17:00:00Z"), "Asia/Shanghai")).toBe("2026-10-05");
    expect(todayIn(at("2026-10-04T17:00:00Z"), "America/New_York")).toBe("2026-10-04");
  });
});

describe("the previews' sample values", () => {
  it("says {back at} as the server does when closed: from the next opening", () => {
    const fridayEvening = at("2026-10-09T12:00:00Z"); // Friday 20:00 in Shanghai
    expect(sampleBackAt(shanghai, fridayEvening, "en")).toBe("from Monday 09:00");
    expect(sampleBackAt(shanghai, fridayEvening, "zh")).toBe("周一 09:00 起");
    const tuesdayNight = at("2026-10-06T14:00:00Z"); // Tuesday 22:00
    expect(sampleBackAt(shanghai, tuesdayNight, "en")).toBe("from 09:00 tomorrow");
  });

  it("while open, uses the opening after this stretch of hours", () => {
    const mondayNoon = at("2026-10-05T04:00:00Z");
    expect(sampleBackAt(shanghai, mondayNoon, "en")).toBe("from 09:00 tomorrow");
  });

  it("follows a special date that closes the next day", () => {
    const hours = { ...shanghai, specialDates: [{ date: "2026-10-06", name: "国庆节", intervals: [] }] };
    expect(sampleBackAt(hours, at("2026-10-05T14:00:00Z"), "zh")).toBe("周三 09:00 起");
  });

  it("has no opening to name when never open", () => {
    const never = { ...shanghai, weekly: [[], [], [], [], [], [], []] };
    expect(sampleBackAt(never, at("2026-10-05T04:00:00Z"), "en")).toBe("during our business hours");
  });

  it("fills the default texts with the sample customer, number, position and wait", () => {
    const now = at("2026-10-09T12:00:00Z");
    const zh = sampleValues(shanghai, "售前", now, "zh");
    const en = sampleValues(shanghai, "Sales", now, "en");
    expect(fillAutomationText(defaultAutomationSettings.welcome.text.zh, zh)).toBe("您好 陈静，欢迎联系 售前！我们会尽快回复您。");
    expect(fillAutomationText(defaultAutomationSettings.welcome.text.en, en)).toBe("Hi Chen Jing, welcome to Sales! We will answer you shortly.");
    expect(fillAutomationText(defaultAutomationSettings.queueUpdate.text.en, en)).toBe(
      "You are number 2 in the queue; the expected wait is about 6 min. Thank you for waiting!",
    );
    expect(fillAutomationText("{回复时间}回复", zh)).toBe("周一 09:00 起回复");
  });

  it("lists the placeholders each kind of message can use", () => {
    expect(placeholderList("away", "en")).toBe("{customer name}, {number name}, {back at}");
    expect(placeholderList("queue", "zh")).toBe("{客户姓名}、{号码名称}、{排队位置}、{预计等待}");
  });
});

describe("auto-resolve's delay in minutes or hours", () => {
  it("shows whole hours in hours, anything else in minutes", () => {
    expect(unitFor(1440)).toBe("hours");
    expect(inUnit(1440, "hours")).toBe(24);
    expect(unitFor(90)).toBe("minutes");
    expect(fromUnit(3, "hours")).toBe(180);
    expect(fromUnit(45, "minutes")).toBe(45);
  });

  it("keeps the delay on a change of unit, rounding to whole hours within 1..72", () => {
    expect(convertDelay(90, "hours")).toBe(120);
    expect(convertDelay(20, "hours")).toBe(60);
    expect(convertDelay(4320, "hours")).toBe(4320);
    expect(convertDelay(180, "minutes")).toBe(180);
  });
});
