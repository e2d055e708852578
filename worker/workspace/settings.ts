import type { WorkspaceSettings } from "../../shared/routing";
import { ok, refuse, seesEverything, type Principal, type Result } from "../lib/result";
import { DEFAULT_GRACE_MS } from "../number-inbox/presence";
import type { Parts } from "./parts";
import { hashPassword } from "./password";

/** The meta table: the workspace's id and name, and its workspace-wide settings. */
export class Settings {
  constructor(private readonly w: Parts) {}

  private value(key: string): string | undefined {
    return this.w.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0]?.value;
  }

  private put(key: string, value: string): void {
    this.w.sql.exec("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value);
  }

  /** Whether this object is a finished workspace (setup or an import made it one). */
  exists(): boolean {
    return this.value("id") !== undefined;
  }

  id(): string {
    return this.w.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'id'").one().value;
  }

  /** Null only in an object an import is still filling. */
  name(): string | null {
    return this.value("name") ?? null;
  }

  /** Setup: the workspace and its first admin, in one step. */
  async initialize(workspaceId: string, name: string, admin: { name: string; email: string; password: string }): Promise<Result<{ workspaceId: string }>> {
    if (this.exists()) return refuse(409, "this workspace already exists");
    const passwordHash = await hashPassword(admin.password);
    this.w.ctx.storage.transactionSync(() => {
      this.w.sql.exec("INSERT INTO meta (key, value) VALUES ('id', ?), ('name', ?)", workspaceId, name);
      this.w.people.insert({ ...admin, role: "admin" }, passwordHash);
    });
    return ok({ workspaceId });
  }

  /** The id goes in last on an import: it is what makes the workspace exist. */
  markImported(workspaceId: string): void {
    this.w.sql.exec("INSERT INTO meta (key, value) VALUES ('id', ?)", workspaceId);
  }

  graceSeconds(): number {
    const grace = this.value("grace_seconds");
    return grace !== undefined ? Number(grace) : DEFAULT_GRACE_MS / 1000;
  }

  timeZone(): string {
    return this.value("time_zone") ?? "Asia/Shanghai";
  }

  /** Sessions expire after this many days without use (sliding); 30 unless the workspace chose otherwise. */
  sessionDays(): number {
    return Number(this.value("session_days") ?? 30);
  }

  sessionLifetimeMs(): number {
    return this.sessionDays() * 86_400_000;
  }

  current(): WorkspaceSettings {
    return { graceSeconds: this.graceSeconds(), timeZone: this.timeZone(), sessionDays: this.sessionDays() };
  }

  async save(principal: Principal, settings: Partial<WorkspaceSettings>): Promise<Result<WorkspaceSettings>> {
    if (!seesEverything(principal)) return refuse(403, "only supervisors and admins change workspace settings", "supervisors_only");
    const before = this.current();
    this.w.ctx.storage.transactionSync(() => {
      if (settings.graceSeconds !== undefined) this.put("grace_seconds", String(settings.graceSeconds));
      if (settings.timeZone !== undefined) this.put("time_zone", settings.timeZone);
      if (settings.sessionDays !== undefined) {
        this.put("session_days", String(settings.sessionDays));
        // Shorter from now on for everyone signed in, too: no session outlives the new limit.
        this.w.sessions.expireAllBy(Date.now() + settings.sessionDays * 86_400_000);
      }
      this.w.audit.record(principal, { action: "workspace.settings", target: "workspace", targetName: "workspace settings", oldValue: before, newValue: { ...before, ...settings } });
    });
    await this.w.fanout.pushAll();
    return ok(this.current());
  }
}
