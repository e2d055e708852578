import { z } from "zod";
import { isValidTimeZone } from "./business-hours";

/**
 * Automatic messages per number: business hours, welcome, away, queue updates, the agent's no-reply nudge,
 * auto-resolve and the satisfaction survey. Stored in the Workspace, pushed to the number's object, which runs
 * them on its one alarm and sends through its outbox, each at most once.
 */

const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, "times look like 09:00");
export const timeIntervalSchema = z.object({ start: time, end: time });

export const businessHoursSchema = z.object({
  timeZone: z.string().refine(isValidTimeZone, "timeZone must be an IANA zone such as Asia/Shanghai"),
  /** Sunday first. */
  weekly: z.array(z.array(timeIntervalSchema).max(6)).length(7, "weekly needs seven days, Sunday first"),
  specialDates: z
    .array(
      z.object({
        date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "dates look like 2026-10-01"),
        name: z.string().trim().min(1).max(60),
        intervals: z.array(timeIntervalSchema).max(6),
      }),
    )
    .max(200),
});

/** One text per language; the customer's language picks which. */
export const localizedTextSchema = z.object({ zh: z.string().trim().max(1024), en: z.string().trim().max(1024) });
export type LocalizedText = z.infer<typeof localizedTextSchema>;
export const automationLanguageSchema = z.enum(["zh", "en"]);
export type AutomationLanguage = z.infer<typeof automationLanguageSchema>;

const weekdays = (start: string, end: string) => [[], ...Array.from({ length: 5 }, () => [{ start, end }]), []];

export const automationSettingsSchema = z.object({
  businessHours: businessHoursSchema.default({ timeZone: "Asia/Shanghai", weekly: weekdays("09:00", "18:00"), specialDates: [] }),
  defaultLanguage: automationLanguageSchema.default("zh"),
  /** A contact attribute holding "zh" or "en" (or 中文 / English); null: always the default language. */
  languageAttribute: z.string().max(40).nullable().default(null),
  welcome: z
    .object({
      enabled: z.boolean(),
      /** Welcome again a customer who has not written for this many days; null: only their first message ever. */
      afterDays: z.number().int().min(1).max(365).nullable(),
      text: localizedTextSchema,
    })
    .default({
      enabled: false,
      afterDays: null,
      text: { zh: "您好 {customer name}，欢迎联系 {number name}！我们会尽快回复您。", en: "Hi {customer name}, welcome to {number name}! We will answer you shortly." },
    }),
  away: z
    .object({
      enabled: z.boolean(),
      /** Also when open but nobody in the rotation is Available. */
      whenNoAgentAvailable: z.boolean(),
      /** At most once per conversation in this many hours. */
      everyHours: z.number().int().min(1).max(168),
      text: localizedTextSchema,
    })
    .default({
      enabled: false,
      whenNoAgentAvailable: true,
      everyHours: 12,
      // {back at} reads "from 09:00 tomorrow" / "明天 09:00 起", or "as soon as an agent is free" / "客服空闲后马上".
      text: { zh: "您好，我们现在不在线，将在{back at}回复您。", en: "Thanks for your message. We are away right now and will reply {back at}." },
    }),
  queueUpdate: z
    .object({
      enabled: z.boolean(),
      afterMinutes: z.number().int().min(1).max(240),
      everyMinutes: z.number().int().min(1).max(240),
      text: localizedTextSchema,
    })
    .default({
      enabled: false,
      afterMinutes: 5,
      everyMinutes: 10,
      text: { zh: "您目前排在第 {position} 位，预计等待约 {wait}。感谢耐心等候！", en: "You are number {position} in the queue; the expected wait is about {wait}. Thank you for waiting!" },
    }),
  /** Tells the agent, not the customer, shortly before the no-reply reassignment takes the conversation. */
  noReplyNudge: z.object({ enabled: z.boolean(), beforeMinutes: z.number().int().min(1).max(60) }).default({ enabled: false, beforeMinutes: 2 }),
  autoResolve: z
    .object({
      enabled: z.boolean(),
      afterMinutes: z.number().int().min(1, "at least 1 minute").max(4320, "at most 72 hours"),
      /** Sent when resolving; both empty: none. */
      closingText: localizedTextSchema,
    })
    .default({
      enabled: false,
      afterMinutes: 1440,
      closingText: { zh: "由于长时间没有收到您的回复，本次会话已结束。如有需要请随时联系我们。", en: "We have closed this conversation as we have not heard back. Write any time if you need us." },
    }),
  csat: z
    .object({ enabled: z.boolean(), question: localizedTextSchema, thanks: localizedTextSchema })
    .default({
      enabled: false,
      question: { zh: "请为本次服务打分（1–5 星）", en: "How would you rate our service? (1–5 stars)" },
      thanks: { zh: "感谢您的评价！如有补充意见，可以直接回复。", en: "Thank you for your rating! Reply with any comment you would like to add." },
    }),
});
export type AutomationSettings = z.infer<typeof automationSettingsSchema>;

export const defaultAutomationSettings: AutomationSettings = automationSettingsSchema.parse({});

/** Which automatic message a message is, shown in the conversation as sent by automation. */
export const automationKindSchema = z.enum(["welcome", "away", "queue_update", "closing", "csat", "csat_thanks"]);
export type AutomationKind = z.infer<typeof automationKindSchema>;
