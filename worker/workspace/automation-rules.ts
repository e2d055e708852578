import { automationSettingsSchema, defaultAutomationSettings, type AutomationSettings } from "../../shared/automation";
import { ok, refuse, seesEverything, type Principal, type Result } from "../lib/result";
import type { Parts } from "./parts";

/** The number_automation table: each number's business hours and automatic messages. */
export class AutomationRules {
  constructor(private readonly w: Parts) {}

  stored(phoneNumberId: string): AutomationSettings {
    const row = this.w.sql.exec<{ settings: string }>("SELECT settings FROM number_automation WHERE phone_number_id = ?", phoneNumberId).toArray()[0];
    // Through the schema, so settings saved before a field existed get its default.
    return row ? automationSettingsSchema.parse(JSON.parse(row.settings)) : defaultAutomationSettings;
  }

  get(principal: Principal, phoneNumberId: string): Result<AutomationSettings> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins see automation settings", "supervisors_only");
    if (!this.w.numbers.row(phoneNumberId)) return refuse(404, `number ${phoneNumberId} is not connected`, "number_not_connected", { number: phoneNumberId });
    return ok(this.stored(phoneNumberId));
  }

  /** Pushed to the number's object at once: the next customer message follows the new settings. */
  async save(principal: Principal, phoneNumberId: string, settings: AutomationSettings): Promise<Result<AutomationSettings>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins change automation", "supervisors_only");
    const number = this.w.numbers.row(phoneNumberId);
    if (!number) return refuse(404, `number ${phoneNumberId} is not connected`, "number_not_connected", { number: phoneNumberId });
    if (settings.languageAttribute && !this.w.catalog.attributes().some((a) => a.key === settings.languageAttribute)) {
      return refuse(422, `languageAttribute: no contact attribute ${settings.languageAttribute}`, "invalid_request", { field: "languageAttribute" });
    }
    const before = this.stored(phoneNumberId);
    this.w.ctx.storage.transactionSync(() => {
      this.w.sql.exec(
        "INSERT INTO number_automation (phone_number_id, settings) VALUES (?, ?) ON CONFLICT (phone_number_id) DO UPDATE SET settings = excluded.settings",
        phoneNumberId,
        JSON.stringify(settings),
      );
      this.w.audit.record(principal, { action: "automation.update", target: `number:${phoneNumberId}`, targetName: number.display_name, oldValue: before, newValue: settings });
    });
    await this.w.fanout.pushNumber(phoneNumberId);
    return ok(settings);
  }

  forgetNumber(phoneNumberId: string): void {
    this.w.sql.exec("DELETE FROM number_automation WHERE phone_number_id = ?", phoneNumberId);
  }
}
