import { describe, expect, it } from "vitest";
import {
  describeBackAt,
  isOpen,
  nextOpening,
  upcomingChanges,
  zonedInstant,
  type BusinessHours,
  type TimeInterval,
} from "../../shared/business-hours";

const at = (iso: string) => Date.parse(iso);
const nine2six: TimeInterval[] = [{ start: "09:00", end: "18:00" }];

/** 售前's week in Shanghai: weekdays 09:00–18:00, Saturday 10:00–16:00, Sunday closed. */
const shanghai: BusinessHours = {
  timeZone: "Asia/Shanghai",
  weekly: [[], nine2six, nine2six, nine2six, nine2six, nine2six, [{ start: "10:00", end: "16:00" }]],
  specialDates: [],
};

const everyDay = (intervals: TimeInterval[]): TimeInterval[][] => Array.from({ length: 7 }, () => intervals);

describe("business hours in Asia/Shanghai (no daylight saving)", () => {
  it("is open inside an interval and closed outside, by the local clock", () => {
    expect(isOpen(shanghai, at("2026-11-27T01:00:00Z"))).toBe(true); // Friday 09:00 CST
    expect(isOpen(shanghai, at("2026-11-27T00:59:00Z"))).toBe(false); // Friday 08:59
    expect(isOpen(shanghai, at("2026-11-27T10:00:00Z"))).toBe(false); // Friday 18:00, the end is exclusive
    expect(isOpen(shanghai, at("2026-11-29T03:00:00Z"))).toBe(false); // Sunday 11:00
  });

  it("a Friday evening message is told the team is back Saturday 10:00", () => {
    const now = at("2026-11-27T12:00:00Z"); // Friday 20:00 CST
    const back = nextOpening(shanghai, now)!;
    expect(back).toBe(at("2026-11-28T02:00:00Z"));
    expect(describeBackAt(back, now, shanghai.timeZone, "zh")).toBe("明天 10:00");
    expect(describeBackAt(back, now, shanghai.timeZone, "en")).toBe("10:00 tomorrow");
  });

  it("a Saturday evening message is told Monday 09:00", () => {
    const now = at("2026-11-28T09:30:00Z"); // Saturday 17:30 CST
    const back = nextOpening(shanghai, now)!;
    expect(back).toBe(at("2026-11-30T01:00:00Z"));
    expect(describeBackAt(back, now, shanghai.timeZone, "zh")).toBe("周一 09:00");
    expect(describeBackAt(back, now, shanghai.timeZone, "en")).toBe("Monday 09:00");
  });

  it("an interval crossing midnight belongs to the day it starts and runs into the next", () => {
    const nights: BusinessHours = { ...shanghai, weekly: [[], [], [], [], [], [{ start: "22:00", end: "02:00" }], []] };
    expect(isOpen(nights, at("2026-11-27T14:30:00Z"))).toBe(true); // Friday 22:30
    expect(isOpen(nights, at("2026-11-27T17:30:00Z"))).toBe(true); // Saturday 01:30, still Friday's shift
    expect(isOpen(nights, at("2026-11-27T18:00:00Z"))).toBe(false); // Saturday 02:00
    expect(nextOpening(nights, at("2026-11-27T18:00:00Z"))).toBe(at("2026-12-04T14:00:00Z")); // next Friday 22:00
  });

  it("a holiday closes the whole day and the away message names the day after; special hours replace the week's", () => {
    const holidays: BusinessHours = {
      ...shanghai,
      specialDates: [
        { date: "2026-10-01", name: "国庆节", intervals: [] },
        { date: "2026-10-02", name: "国庆节（值班）", intervals: [{ start: "10:00", end: "14:00" }] },
      ],
    };
    const now = at("2026-10-01T03:00:00Z"); // Thursday 1 October 11:00 CST, normally open
    expect(isOpen(shanghai, now)).toBe(true);
    expect(isOpen(holidays, now)).toBe(false);
    const back = nextOpening(holidays, now)!;
    expect(back).toBe(at("2026-10-02T02:00:00Z"));
    expect(describeBackAt(back, now, "Asia/Shanghai", "zh")).toBe("明天 10:00");
    expect(isOpen(holidays, at("2026-10-02T06:30:00Z"))).toBe(false); // 14:30 on the special day
  });

  it("previews the next openings and closings", () => {
    const changes = upcomingChanges(shanghai, at("2026-11-27T12:00:00Z"), 4);
    expect(changes).toEqual([
      { at: at("2026-11-28T02:00:00Z"), opens: true },
      { at: at("2026-11-28T08:00:00Z"), opens: false },
      { at: at("2026-11-30T01:00:00Z"), opens: true },
      { at: at("2026-11-30T10:00:00Z"), opens: false },
    ]);
  });
});

describe("business hours in America/New_York across daylight-saving changes", () => {
  const newYork: BusinessHours = { timeZone: "America/New_York", weekly: everyDay([{ start: "09:00", end: "17:00" }]), specialDates: [] };

  it("09:00 is 14:00 UTC before 8 March 2026 and 13:00 UTC from that Sunday on", () => {
    expect(nextOpening(newYork, at("2026-03-06T23:00:00Z"))).toBe(at("2026-03-07T14:00:00Z")); // Saturday 09:00 EST
    const saturdayEvening = at("2026-03-07T23:00:00Z"); // Saturday 18:00 EST
    const back = nextOpening(newYork, saturdayEvening)!;
    expect(back).toBe(at("2026-03-08T13:00:00Z")); // Sunday 09:00 EDT
    expect(describeBackAt(back, saturdayEvening, newYork.timeZone, "en")).toBe("09:00 tomorrow");
    expect(isOpen(newYork, at("2026-03-08T13:30:00Z"))).toBe(true);
    expect(isOpen(newYork, at("2026-03-08T21:30:00Z"))).toBe(false); // 17:30 EDT
  });

  it("on 1 November 2026 09:00 is 14:00 UTC again, the day before 13:00 UTC", () => {
    expect(nextOpening(newYork, at("2026-10-31T05:00:00Z"))).toBe(at("2026-10-31T13:00:00Z")); // Saturday 09:00 EDT
    const saturdayEvening = at("2026-10-31T22:00:00Z"); // Saturday 18:00 EDT
    expect(nextOpening(newYork, saturdayEvening)).toBe(at("2026-11-01T14:00:00Z")); // Sunday 09:00 EST
    expect(isOpen(newYork, at("2026-11-01T13:30:00Z"))).toBe(false); // 08:30 EST
  });

  it("a night shift over the spring-forward night lasts one hour less, over the autumn night one hour more", () => {
    const nights: BusinessHours = { timeZone: "America/New_York", weekly: everyDay([{ start: "22:00", end: "06:00" }]), specialDates: [] };
    const spring = upcomingChanges(nights, at("2026-03-07T12:00:00Z"), 2);
    expect(spring[0]).toEqual({ at: at("2026-03-08T03:00:00Z"), opens: true }); // Saturday 22:00 EST
    expect(spring[1]).toEqual({ at: at("2026-03-08T10:00:00Z"), opens: false }); // Sunday 06:00 EDT
    expect((spring[1]!.at - spring[0]!.at) / 3600_000).toBe(7);
    const autumn = upcomingChanges(nights, at("2026-10-31T12:00:00Z"), 2);
    expect((autumn[1]!.at - autumn[0]!.at) / 3600_000).toBe(9);
  });

  it("a local time skipped by the change happens just after the gap; a repeated one at its first occurrence", () => {
    expect(zonedInstant("2026-03-08", "02:30", "America/New_York")).toBe(at("2026-03-08T07:30:00Z")); // = 03:30 EDT
    expect(zonedInstant("2026-11-01", "01:30", "America/New_York")).toBe(at("2026-11-01T05:30:00Z")); // first 01:30, EDT
  });
});
