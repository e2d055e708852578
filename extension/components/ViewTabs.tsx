import type { ConversationCounts, ConversationView } from "../../shared/inbox";
import { t } from "../lib/i18n";

/** Mine / Unassigned / All / Resolved, each with its live count; arrow keys move between them. */
export function ViewTabs(props: { views: ConversationView[]; current: ConversationView; counts: ConversationCounts; onChange: (v: ConversationView) => void }) {
  return (
    <div class="view-tabs" role="tablist" aria-label={t("view.label")}>
      {props.views.map((view, i) => (
        <button
          type="button"
          role="tab"
          id={`view-${view}`}
          aria-selected={props.current === view}
          tabIndex={props.current === view ? 0 : -1}
          onClick={() => props.onChange(view)}
          onKeyDown={(e) => {
            const step = e.key === "ArrowRight" ? 1 : e.key === "ArrowLeft" ? -1 : 0;
            if (!step) return;
            const next = props.views[(i + step + props.views.length) % props.views.length]!;
            props.onChange(next);
            document.getElementById(`view-${next}`)?.focus();
          }}
        >
          {t(`view.${view}`)} <span class="count">{props.counts[view]}</span>
        </button>
      ))}
    </div>
  );
}
