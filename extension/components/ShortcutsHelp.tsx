import { t } from "../lib/i18n";
import { kt, type ShortcutKey } from "./shortcut-strings";

export const SHORTCUTS: [keys: string, what: ShortcutKey][] = [
  ["↑ ↓", "keys.move"],
  ["Enter", "keys.open"],
  ["Esc", "keys.back"],
  ["x", "keys.select"],
  ["Shift + ↑ ↓", "keys.extend"],
  ["r", "keys.reply"],
  ["e", "keys.resolve"],
  ["t", "keys.transfer"],
  ["a", "keys.status"],
  ["/", "keys.search"],
  ["1 – 4", "keys.views"],
  ["?", "keys.help"],
];

/** The `?` sheet: every shortcut, so the whole shift can be worked without a mouse. */
export function ShortcutsHelp({ onClose }: { onClose: () => void }) {
  return (
    <div class="dialog-backdrop" onClick={onClose}>
      <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="keys-title" onClick={(e) => e.stopPropagation()}>
        <h2 id="keys-title">{kt("keys.title")}</h2>
        <dl class="shortcuts">
          {SHORTCUTS.map(([keys, what]) => (
            <>
              <dt>
                <kbd>{keys}</kbd>
              </dt>
              <dd>{kt(what)}</dd>
            </>
          ))}
        </dl>
        <div class="dialog-actions">
          <button type="button" onClick={onClose} autoFocus>
            {t("keys.close")}
          </button>
        </div>
      </div>
    </div>
  );
}
