import type { Tag } from "../../shared/catalog";
import { X } from "./icons";

/** Tag names on their colour: the name is always written, so colour is never the only signal. */
export function TagChips({ ids, tags, onRemove, removeLabel }: { ids: string[]; tags: Tag[]; onRemove?: (id: string) => void; removeLabel?: (name: string) => string }) {
  const shown = ids.map((id) => tags.find((t) => t.id === id)).filter((t): t is Tag => Boolean(t));
  if (shown.length === 0) return null;
  return (
    <span class="tag-chips">
      {shown.map((tag) => (
        <span class="tag-chip" style={{ borderColor: tag.color, color: tag.color }} data-tag={tag.name}>
          {tag.name}
          {onRemove && (
            <button type="button" class="remove" aria-label={removeLabel?.(tag.name) ?? tag.name} onClick={() => onRemove(tag.id)}>
              <X />
            </button>
          )}
        </span>
      ))}
    </span>
  );
}
