import { useState } from "preact/hooks";
import type { CannedResponse } from "../../shared/catalog";
import type { ApiClient } from "../lib/api";
import { getLocale, t } from "../lib/i18n";
import { DialogFooter } from "./DialogFooter";

/** The side panel's dialog around the editor. */
export function MyResponses(props: { api: ApiClient; meId: string; canned: CannedResponse[]; onChanged: () => void; onClose: () => void }) {
  return (
    <div class="dialog-backdrop">
      <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="mine-title">
        <h2 id="mine-title">{t("mine.title")}</h2>
        <MyResponsesEditor {...props} />
      </div>
    </div>
  );
}

/**
 * The agent's personal canned responses: add, edit, delete. The company library is edited by supervisors.
 * Without `onClose` (a page rather than a dialog) the footer's other button abandons an edit instead.
 */
export function MyResponsesEditor(props: { api: ApiClient; meId: string; canned: CannedResponse[]; onChanged: () => void; onClose?: () => void }) {
  const mine = props.canned.filter((c) => c.ownerId === props.meId);
  const empty = { id: null as string | null, shortcode: "", title: "", body: "", language: getLocale() as string };
  const [form, setForm] = useState(empty);
  const [error, setError] = useState<string | null>(null);

  async function save(event: Event) {
    event.preventDefault();
    setError(null);
    try {
      const request = { shortcode: form.shortcode, title: form.title, body: form.body, language: form.language };
      if (form.id) await props.api.updateCanned(form.id, request);
      else await props.api.createCanned(request);
      setForm(empty);
      props.onChanged();
    } catch (e) {
      setError((e as Error).message);
    }
  }

  return (
    <>
      <ul class="my-responses">
        {mine.map((c) => (
          <li>
            <strong>/{c.shortcode}</strong> {c.title}
            <span class="body">{c.body}</span>
            <span class="row-actions">
              <button type="button" class="link dark" onClick={() => setForm({ id: c.id, shortcode: c.shortcode, title: c.title, body: c.body, language: c.language })}>
                {t("mine.edit")}
              </button>
              <button
                type="button"
                class="link dark"
                onClick={() =>
                  void props.api
                    .deleteCanned(c.id)
                    .then(props.onChanged)
                    .catch((e: Error) => setError(e.message))
                }
              >
                {t("mine.delete")}
              </button>
            </span>
          </li>
        ))}
        {mine.length === 0 && <li class="empty">{t("mine.none")}</li>}
      </ul>
      <form class="dialog-form" onSubmit={save}>
        <label class="stacked">
          {t("mine.shortcode")}
          <input value={form.shortcode} onInput={(e) => setForm({ ...form, shortcode: e.currentTarget.value })} required />
        </label>
        <label class="stacked">
          {t("mine.titleField")}
          <input value={form.title} onInput={(e) => setForm({ ...form, title: e.currentTarget.value })} required />
        </label>
        <label class="stacked">
          {t("mine.body")}
          <textarea rows={3} value={form.body} onInput={(e) => setForm({ ...form, body: e.currentTarget.value })} required />
        </label>
        <DialogFooter
          error={error}
          dismissLabel={props.onClose ? t("keys.close") : t("composer.cancel")}
          submitLabel={form.id ? t("mine.saveEdit") : t("mine.add")}
          onDismiss={props.onClose ?? (() => setForm(empty))}
        />
      </form>
    </>
  );
}
