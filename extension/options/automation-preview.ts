import type { AutomationLanguage } from "../../shared/automation";
import { describeBackAt, upcomingChanges, type BusinessHours } from "../../shared/business-hours";

/**
 * What the console's previews fill an automatic message with: a sample customer, the number's own name, and the
 * wording the number's object would use for a customer writing now. Pure, so it is tested without a browser.
 */

export interface SampleValues {
  customerName: string;
  numberName: string;
  backAt: string;
  position: number;
  wait: string;
}

/**
 * {back at} as the away message says it when the team is closed (the server's backAtPhrase): "from 09:00
 * tomorrow" / "明天 09:00 起", from the schedule's next opening after now. While open, that is the opening after
 * this stretch of hours ends, which is what a customer writing after closing time would read.
 */
export function sampleBackAt(hours: BusinessHours, now: number, language: AutomationLanguage): string {
  const opening = upcomingChanges(hours, now, 3).find((c) => c.opens);
  if (!opening) return language === "zh" ? "工作时间内" : "during our business hours";
  const when = describeBackAt(opening.at, now, hours.timeZone, language);
  return language === "zh" ? `${when} 起` : `from ${when}`;
}

export function sampleValues(hours: BusinessHours, numberName: string, now: number, language: AutomationLanguage): SampleValues {
  return {
    customerName: language === "zh" ? "陈静" : "Chen Jing",
    numberName,
    backAt: sampleBackAt(hours, now, language),
    position: 2,
    // As the server's describeWait words six minutes.
    wait: language === "zh" ? "6 分钟" : "6 min",
  };
}

/** The placeholders each kind of message can use, as typed in either language (both work in both texts). */
export type PlaceholderSet = "names" | "away" | "queue";
const PLACEHOLDERS: Record<PlaceholderSet, Record<AutomationLanguage, string[]>> = {
  names: { en: ["{customer name}", "{number name}"], zh: ["{客户姓名}", "{号码名称}"] },
  away: { en: ["{customer name}", "{number name}", "{back at}"], zh: ["{客户姓名}", "{号码名称}", "{回复时间}"] },
  queue: { en: ["{customer name}", "{number name}", "{position}", "{wait}"], zh: ["{客户姓名}", "{号码名称}", "{排队位置}", "{预计等待}"] },
};

export function placeholderList(set: PlaceholderSet, language: AutomationLanguage): string {
  return PLACEHOLDERS[set][language].join(language === "zh" ? "、" : ", ");
}

/** Auto-resolve's delay is kept in minutes and shown in hours when it is whole hours. */
export type DelayUnit = "minutes" | "hours";
export const DELAY_LIMITS: Record<DelayUnit, { min: number; max: number }> = { minutes: { min: 1, max: 4320 }, hours: { min: 1, max: 72 } };

export function unitFor(minutes: number): DelayUnit {
  return minutes % 60 === 0 ? "hours" : "minutes";
}

export function inUnit(minutes: number, unit: DelayUnit): number {
  return unit === "hours" ? minutes / 60 : minutes;
}

/** Minutes for a value typed in a unit. */
export function fromUnit(value: number, unit: DelayUnit): number {
  return unit === "hours" ? value * 60 : value;
}

/** The same delay after a change of unit: to hours, rounded to whole hours within 1..72; to minutes, exact. */
export function convertDelay(minutes: number, unit: DelayUnit): number {
  if (unit === "minutes") return minutes;
  const hours = Math.min(DELAY_LIMITS.hours.max, Math.max(DELAY_LIMITS.hours.min, Math.round(minutes / 60)));
  return hours * 60;
}
