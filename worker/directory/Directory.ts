import { DurableObject } from "cloudflare:workers";
import { SQLSchemaMigrations } from "durable-utils/sql-migrations";
import type { Env } from "../env";

/**
 * The one deployment-wide lookup: which workspace an email signs into. Only sign-in and account
 * creation call it; the webhook path and every authenticated request go straight to their own object.
 */
export class Directory extends DurableObject<Env> {
  private readonly sql: SqlStorage;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.sql = ctx.storage.sql;
    const migrations = new SQLSchemaMigrations({
      doStorage: ctx.storage,
      migrations: [
        {
          idMonotonicInc: 1,
          description: "email to workspace",
          sql: "CREATE TABLE IF NOT EXISTS accounts (email TEXT PRIMARY KEY, workspace_id TEXT NOT NULL)",
        },
      ],
    });
    void ctx.blockConcurrencyWhile(async () => {
      await migrations.runAll();
    });
  }

  /** Reserves an email for a workspace; false if another account already uses it. */
  async claimEmail(email: string, workspaceId: string): Promise<boolean> {
    const cursor = this.sql.exec(
      "INSERT INTO accounts (email, workspace_id) VALUES (?, ?) ON CONFLICT (email) DO NOTHING",
      email,
      workspaceId,
    );
    return cursor.rowsWritten > 0;
  }

  async releaseEmail(email: string): Promise<void> {
    this.sql.exec("DELETE FROM accounts WHERE email = ?", email);
  }

  async workspaceOf(email: string): Promise<string | null> {
    const row = this.sql.exec<{ workspace_id: string }>("SELECT workspace_id FROM accounts WHERE email = ?", email).toArray()[0];
    return row?.workspace_id ?? null;
  }
}
