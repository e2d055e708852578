import { useState } from "preact/hooks";
import { messageOf } from "./ErrorAlert";

/**
 * A settings form edited on screen and saved whole: what the server stored replaces the draft, "saved" shows
 * until the next change, and a refusal's sentence is kept for the form to show.
 */
export function useSettingsForm<T extends object>(initial: T, persist: (settings: T) => Promise<T>) {
  const [settings, setSettings] = useState(initial);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  function change(next: Partial<T>) {
    setSettings((current) => ({ ...current, ...next }));
    setSaved(false);
  }

  async function save(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setSettings(await persist(settings));
      setSaved(true);
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  }

  return { settings, change, save, saved, busy, error };
}
