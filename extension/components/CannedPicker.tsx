import type { CannedResponse } from "../../shared/catalog";
import { getLocale, t } from "../lib/i18n";

/** Responses whose shortcode or text contains the query, in the panel's language first. */
export function filterCanned(all: CannedResponse[], query: string): CannedResponse[] {
  const q = query.trim().toLowerCase();
  const language = getLocale();
  return all
    .filter((c) => !q || c.shortcode.includes(q) || c.title.toLowerCase().includes(q) || c.body.toLowerCase().includes(q))
    .sort((a, b) => Number(!a.language.startsWith(language)) - Number(!b.language.startsWith(language)) || a.shortcode.localeCompare(b.shortcode))
    .slice(0, 12);
}

/** The list under the composer while the agent types `/…`; arrow keys move, Enter inserts. */
export function CannedPicker(props: { items: CannedResponse[]; active: number; query: string; onPick: (c: CannedResponse) => void }) {
  return (
    <div class="canned-picker">
      <p class="picker-title" id="canned-title">
        {t("canned.title")}
      </p>
      {props.items.length === 0 ? (
        <p class="empty">{t("canned.none", { q: props.query })}</p>
      ) : (
        <ul role="listbox" aria-labelledby="canned-title" id="canned-list">
          {props.items.map((item, i) => (
            <li
              role="option"
              id={`canned-${item.id}`}
              aria-selected={i === props.active}
              class={i === props.active ? "active" : ""}
              onMouseDown={(e) => {
                e.preventDefault();
                props.onPick(item);
              }}
            >
              <strong>/{item.shortcode}</strong> <span class="lang">{item.language}</span> {item.ownerId && <span class="mine">{t("canned.personal")}</span>}
              <span class="body">{item.body}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
