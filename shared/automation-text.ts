/**
 * Filling automatic messages: kept apart from the zod schemas in automation.ts so the console's previews do not
 * pull zod into the options page.
 */
export type AutomationLanguage = "zh" | "en";

/** The customer's language from the attribute the settings name, or the number's default. */
export function customerLanguage(settings: { defaultLanguage: AutomationLanguage }, attributeValue: unknown): AutomationLanguage {
  if (typeof attributeValue === "string") {
    const v = attributeValue.trim().toLowerCase();
    if (v.startsWith("zh") || v.includes("中文") || v === "chinese") return "zh";
    if (v.startsWith("en") || v === "english" || v === "英文" || v === "英语") return "en";
  }
  return settings.defaultLanguage;
}

/**
 * Fills the placeholders automatic messages share with canned responses ({customer name} / {客户姓名},
 * {number name} / {号码名称}) and their own ({back at} / {回复时间}, {position} / {排队位置}, {wait} / {预计等待}).
 * An unknown placeholder stays as typed, so a typo shows in the preview rather than vanishing.
 */
export function fillAutomationText(text: string, values: { customerName: string | null; numberName: string; backAt?: string; position?: number; wait?: string }): string {
  const known: Record<string, string | undefined> = {
    "customer name": values.customerName ?? undefined,
    客户姓名: values.customerName ?? undefined,
    "number name": values.numberName,
    号码名称: values.numberName,
    "back at": values.backAt,
    回复时间: values.backAt,
    position: values.position === undefined ? undefined : String(values.position),
    排队位置: values.position === undefined ? undefined : String(values.position),
    wait: values.wait,
    预计等待: values.wait,
  };
  return text
    .replace(/\{([^{}\n]{1,40})\}/g, (match, name: string) => {
      const key = name.trim().toLowerCase();
      if (!(key in known)) return match;
      return known[key] ?? "";
    })
    .replace(/ {2,}/g, " ")
    .replace(/ ([,，。!！])/g, "$1")
    .trim();
}
