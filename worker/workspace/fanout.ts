import type { Result } from "../lib/result";
import { buildNumberConfig } from "./number-config";
import type { Parts } from "./parts";

/**
 * Settings reach the number objects when they change, never per message: a number's whole configuration is built
 * from every concern (pure: number-config.ts) and pushed to its object, which keeps it until the next push.
 */
export class Fanout {
  constructor(private readonly w: Parts) {}

  /** `handover`: the operator's move, which alone lets the number's object take a configuration from a new owner. */
  async pushNumber(phoneNumberId: string, handover?: { from: string }): Promise<Result<{ ok: true }>> {
    const { numbers, people, teams, catalog, settings } = this.w;
    const number = numbers.row(phoneNumberId)!;
    const config = buildNumberConfig({
      workspaceId: settings.id(),
      number: { phoneNumberId, wabaId: number.waba_id ?? null, displayName: number.display_name, displayPhoneNumber: number.display_phone_number },
      connected: number.disconnected_at === null,
      accessTokenSealed: number.access_token_sealed ?? null,
      operatorConnected: number.operator_connected === 1,
      automation: this.w.automation.stored(phoneNumberId),
      explicitMemberIds: numbers.explicitMembers(phoneNumberId),
      people: people.facts(),
      teams: teams.list(),
      routing: teams.savedRouting(phoneNumberId),
      graceSeconds: settings.graceSeconds(),
      timeZone: settings.timeZone(),
      catalog: { tags: catalog.tags(), singleChoiceGroups: catalog.singleChoiceGroupIds(), attributes: catalog.attributes() },
    });
    // Who may open the number's inbox follows from its rotation and teams; kept derived for sign-in and checks.
    this.w.ctx.storage.transactionSync(() => numbers.replaceWorkers(phoneNumberId, config.members.map((m) => m.id)));
    return this.w.env.NUMBER_INBOX.getByName(phoneNumberId).configure(config, handover);
  }

  async pushAll(): Promise<void> {
    await Promise.all(this.w.numbers.allIds().map((id) => this.pushNumber(id)));
  }

  /** Canned responses are not part of a number's configuration, so their changes are announced separately. */
  async catalogChanged(): Promise<void> {
    await Promise.all(this.w.numbers.allIds().map((id) => this.w.env.NUMBER_INBOX.getByName(id).catalogChanged()));
  }
}
