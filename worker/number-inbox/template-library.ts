import type { Template } from "../../shared/inbox";
import { listTemplates } from "../graph/client";
import { ok, refuse, type Result } from "../lib/result";
import type { InboxContext } from "./context";
import type { Settings } from "./settings";
import { summarizeTemplate } from "./templates";

/** The `templates` table: the number's message templates as Meta last listed them (`templates.ts` reads them). */
export class TemplateLibrary {
  constructor(
    private readonly ctx: InboxContext,
    private readonly settings: Settings,
  ) {}

  /** The approved templates, synced from Meta first when asked or never done. */
  async approved(refresh: boolean): Promise<Result<Template[]>> {
    if (refresh || this.ctx.sql.exec("SELECT 1 FROM templates LIMIT 1").toArray().length === 0) {
      const synced = await this.sync();
      if (!synced.ok && refresh) return synced;
    }
    const rows = this.ctx.sql.exec("SELECT * FROM templates WHERE status = 'APPROVED' ORDER BY name, language").toArray();
    return ok(
      rows.map((r) =>
        summarizeTemplate({
          name: r.name as string,
          language: r.language as string,
          status: r.status as string,
          category: (r.category as string | null) ?? undefined,
          components: JSON.parse(r.components as string) as unknown[],
        }),
      ),
    );
  }

  async sync(): Promise<Result<number>> {
    const wabaId = this.settings.config().wabaId;
    if (!wabaId) return refuse(422, "this number has no WhatsApp Business Account id, so its templates cannot be read");
    const result = await listTemplates(await this.settings.graph(), wabaId);
    if (!result.ok) return refuse(502, `the Graph API refused the template list: ${result.title}`);
    const now = this.ctx.now();
    this.ctx.transaction(() => {
      this.ctx.sql.exec("DELETE FROM templates");
      for (const t of result.value) {
        this.ctx.sql.exec(
          "INSERT OR REPLACE INTO templates (name, language, status, category, components, synced_at) VALUES (?, ?, ?, ?, ?, ?)",
          t.name,
          t.language,
          t.status,
          t.category ?? null,
          JSON.stringify(t.components ?? []),
          now,
        );
      }
    });
    return ok(result.value.length);
  }

  find(name: string, language: string): { status: string; category: string | null; components: unknown[] } | undefined {
    const row = this.ctx.sql.exec("SELECT * FROM templates WHERE name = ? AND language = ?", name, language).toArray()[0];
    return row ? { status: row.status as string, category: (row.category as string | null) ?? null, components: JSON.parse(row.components as string) as unknown[] } : undefined;
  }
}
