import type { AgentStatus } from "../../shared/people";
import { t } from "../lib/i18n";

/** Available / Away as a two-button switch; the pressed one is the current status (not colour alone). */
export function StatusToggle({ status, onChange }: { status: AgentStatus; onChange: (s: AgentStatus) => void }) {
  return (
    <div class="status-toggle" role="group" aria-label={t("status.label")}>
      {(["available", "away"] as const).map((value) => (
        <button
          type="button"
          class={`status ${value}`}
          aria-pressed={status === value}
          onClick={() => status !== value && onChange(value)}
        >
          <span class="dot" aria-hidden="true" />
          {t(value === "available" ? "status.available" : "status.away")}
        </button>
      ))}
    </div>
  );
}
