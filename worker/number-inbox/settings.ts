import type { AttributeDefinition, Tag } from "../../shared/catalog";
import { defaultAutomationSettings, type AutomationSettings } from "../../shared/automation";
import type { AgentStatus, Role } from "../../shared/people";
import type { RoutingSettings } from "../../shared/routing";
import type { Env } from "../env";
import { deploymentTokenServes } from "../lib/deployment";
import type { GraphConfig } from "../graph/client";
import { openToken } from "../lib/token-vault";
import { DEFAULT_GRACE_MS } from "./presence";

export interface NumberMember {
  id: string;
  name: string;
  role: Role;
  status: AgentStatus;
  capacity: number | null;
  inRotation: boolean;
}

/** What the Workspace pushes when a number, its people or its rules change; never read per message. */
export interface NumberConfig {
  workspaceId: string;
  phoneNumberId: string;
  wabaId: string | null;
  displayName: string;
  displayPhoneNumber: string;
  /** Everyone who works on the number; those in rotation are in rotation order. */
  members: NumberMember[];
  /** `waitTargetMinutes` is absent in configurations pushed before teams had one (the default then applies). */
  teams: { id: string; name: string; memberIds: string[]; mode: "round_robin" | "least_loaded"; waitTargetMinutes?: number }[];
  routing: Omit<RoutingSettings, "rotation">;
  graceMs: number;
  /** Tag and attribute definitions: enforce single-choice groups and attribute types on this number's contacts. */
  catalog: { tags: Tag[]; singleChoiceGroups: string[]; attributes: AttributeDefinition[] };
  /** Meta's default per-number throughput. */
  messagesPerSecond?: number;
  /** False once an admin disconnects the number: nothing is sent, the history stays readable. */
  connected: boolean;
  /** The number's own access token, sealed with TOKEN_ENCRYPTION_KEY; null uses the deployment's token. */
  accessTokenSealed: string | null;
  /** Connected by the deployment's operator (setup token): only then may the deployment's token serve it (multi-company). */
  operatorConnected?: boolean;
  /** Business hours and automatic messages; absent before they were ever set. */
  automation?: AutomationSettings;
  /** The workspace's time zone: where "today" starts on the live board. */
  timeZone?: string;
}

/** The configuration as stored: everything but the members, which have a table of their own (roster.ts). */
export type StoredConfig = Omit<NumberConfig, "members">;

/**
 * The `settings` table (key → JSON) and the configuration the Workspace pushed, which is one of its rows. The
 * parsed copy is cached because every message reads it; the SQLite row stays the truth.
 */
export class Settings {
  private cached: StoredConfig | null | undefined;
  private openedToken: { sealed: string; token: string } | null = null;

  constructor(
    private readonly sql: SqlStorage,
    private readonly env: Env,
  ) {}

  get<T>(key: string): T | null {
    const row = this.sql.exec<{ value: string }>("SELECT value FROM settings WHERE key = ?", key).toArray()[0];
    return row ? (JSON.parse(row.value) as T) : null;
  }

  set(key: string, value: unknown): void {
    this.sql.exec(
      "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
      key,
      JSON.stringify(value),
    );
  }

  delete(key: string): void {
    this.sql.exec("DELETE FROM settings WHERE key = ?", key);
  }

  /** The configuration, or null while the number was never connected. */
  stored(): StoredConfig | null {
    if (this.cached === undefined) this.cached = this.get<StoredConfig>("config");
    return this.cached;
  }

  /** Whether the number is connected in this workspace: every call made for a person, and every panel socket, asks it. */
  connectedIn(workspaceId: string | null): boolean {
    const stored = this.stored();
    return stored !== null && stored.workspaceId === workspaceId;
  }

  config(): StoredConfig {
    const config = this.stored();
    if (!config) throw new Error("number is not connected");
    return config;
  }

  saveConfig(config: StoredConfig): void {
    // Members live in their own table; the setting stays small because it is read on every message.
    this.set("config", config);
  }

  /** Drops the cached copy: after a configuration change or an archive import rewrote the row. */
  forget(): void {
    this.cached = undefined;
    this.openedToken = null;
  }

  routing() {
    const config = this.config();
    return { ...config.routing, graceMs: config.graceMs ?? DEFAULT_GRACE_MS, teams: config.teams };
  }

  automation(): AutomationSettings {
    return this.stored()?.automation ?? defaultAutomationSettings;
  }

  /** The number's own token when one was saved (opened only here, in memory), else the deployment's if it may serve it. */
  async graph(): Promise<GraphConfig> {
    const config = this.config();
    // No token at all rather than the deployment's for a number a company admin connected: Meta answers 190 and the queue holds.
    let accessToken = deploymentTokenServes(this.env, config) ? this.env.WHATSAPP_ACCESS_TOKEN : "";
    if (config.accessTokenSealed) {
      if (this.openedToken?.sealed !== config.accessTokenSealed) {
        const opened = await openToken(this.env.TOKEN_ENCRYPTION_KEY, config.phoneNumberId, config.accessTokenSealed);
        this.openedToken = { sealed: config.accessTokenSealed, token: opened ?? "" };
      }
      accessToken = this.openedToken.token;
    }
    return { base: this.env.GRAPH_API_BASE, version: this.env.GRAPH_API_VERSION, accessToken };
  }
}
